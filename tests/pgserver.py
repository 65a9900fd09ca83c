"""A throwaway PostgreSQL server for the tests and benchmarks (Debian's PostgreSQL 15 binaries).

``start()`` initdb's a cluster in a temporary folder (as the ``postgres`` system user when run as
root: the server refuses root), starts it on a Unix socket in that folder and on 127.0.0.1 with a
free port, creates the UTF-8 database ``songngu`` and returns a :class:`Server`. Run as a script
(``python tests/pgserver.py``) it starts one, prints ``export SONGNGU_TEST_PG=...`` and waits;
Ctrl-C (or SIGTERM) stops it and removes the folder.
"""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass

PASSWORD = "songngu-test"  # the superuser's password for TCP connections (a throwaway cluster)


def bin_dir() -> str | None:
    """Folder of initdb/pg_ctl: $PG_BIN, else the newest Debian one, else the PATH."""
    for cand in [os.environ.get("PG_BIN")] + sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if cand and os.path.exists(os.path.join(cand, "initdb")):
            return cand
    found = shutil.which("initdb")
    return os.path.dirname(found) if found else None


@dataclass
class Server:
    folder: str
    port: int
    user: str

    @property
    def url(self) -> str:
        """Superuser URL over the Unix socket (trusted: no password)."""
        return f"postgresql://{self.user}@/songngu?host={self.folder}&port={self.port}"

    def tcp_url(self, user=None, password=None, db="songngu") -> str:
        auth = f"{user or self.user}:{PASSWORD if password is None else password}"
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{db}"

    def stop(self):
        _run(self._as_user([os.path.join(bin_dir(), "pg_ctl"), "-D", f"{self.folder}/data", "-m", "immediate",
                            "stop"]), check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _as_user(self, cmd):
        return _as_user(cmd, self.user)


def _as_user(cmd, user):
    if os.geteuid() == 0:
        return ["runuser", "-u", user, "--"] + cmd
    return cmd


def _run(cmd, check=True):
    return subprocess.run(cmd, check=check, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start() -> Server:
    """Start a throwaway server; raises RuntimeError (with the reason) when it cannot."""
    bins = bin_dir()
    if bins is None:
        raise RuntimeError("PostgreSQL is not installed (no initdb; apt-get install postgresql)")
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    folder = tempfile.mkdtemp(prefix="songngu-pg-")
    os.chmod(folder, 0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, user)
    with open(f"{folder}/pw", "w") as fh:
        fh.write(PASSWORD + "\n")
    os.chmod(f"{folder}/pw", 0o644)
    try:
        _run(_as_user([f"{bins}/initdb", "-D", f"{folder}/data", "-U", user, "-E", "UTF8", "--locale=C.UTF-8",
                       "--pwfile", f"{folder}/pw", "--auth-local=trust", "--auth-host=scram-sha-256"], user))
        port = _free_port()
        opts = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100 "
                "-c shared_buffers=256MB")
        _run(_as_user([f"{bins}/pg_ctl", "-D", f"{folder}/data", "-o", opts, "-l", f"{folder}/log", "-w",
                       "start"], user))
        server = Server(folder, port, user)
        _run(_as_user([f"{bins}/createdb", "-h", folder, "-p", str(port), "-E", "UTF8", "-T", "template0",
                       "songngu"], user))
        return server
    except (subprocess.CalledProcessError, OSError) as exc:
        out = getattr(exc, "output", "") or str(exc)
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"could not start a PostgreSQL server: {out.strip().splitlines()[-1:]}") from None


if __name__ == "__main__":
    server = start()
    print(f"export SONGNGU_TEST_PG='{server.url}'", flush=True)
    signal.signal(signal.SIGTERM, lambda *a: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
