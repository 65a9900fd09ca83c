"""A songngu server started in-process on a free 127.0.0.1 port, over a store built from real text:
the bundled example corpus with its glossary plus the IWSLT tst2012 sentence pairs as parallel units."""
from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

pytest.importorskip("starlette", reason="songngu serve needs the serve extra (starlette, uvicorn, python-multipart)")


class Client:
    """A tiny HTTP client: ``(status, headers, body)`` with JSON decoded when it is JSON."""

    def __init__(self, base: str):
        self.base = base

    def request(self, method, path, *, json_body=None, data=None, headers=None, token=None, raw_url=False):
        headers = dict(headers or {})
        if json_body is not None:
            data = json.dumps(json_body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(path if raw_url else self.base + path, data=data, method=method,
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                status, head, body = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            status, head, body = err.code, err.headers, err.read()
        if head.get("content-type", "").startswith("application/json"):
            body = json.loads(body.decode("utf-8"))
        return status, head, body

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)


def multipart(fields: dict) -> tuple[bytes, str]:
    """A multipart/form-data body: values are str (fields) or (filename, bytes) (files)."""
    boundary = "songngu-test-boundary-7f3a"
    out = b""
    for name, value in fields.items():
        out += f"--{boundary}\r\n".encode()
        if isinstance(value, tuple):
            out += (f'Content-Disposition: form-data; name="{name}"; filename="{value[0]}"\r\n'
                    "Content-Type: text/plain\r\n\r\n").encode() + value[1] + b"\r\n"
        else:
            out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


class Server:
    """uvicorn serving :func:`tm.web.create_app` in a thread."""

    def __init__(self, db_path, **options):
        import uvicorn

        from tm.web import create_app

        self.app = create_app(db_path, allowed_hosts=["127.0.0.1", "localhost"], **options)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.app.state.service.close()  # done by the app's shutdown already; closing twice is harmless
        self.sock.close()


@pytest.fixture(scope="module")
def web(tmp_path_factory, iwslt):
    """``(server, client, tokens)``: tokens of an editor (lan) and a translator (minh)."""
    from tm.build import build
    from tm.store import Unit, open_store
    from tm.web import add_user

    path = tmp_path_factory.mktemp("web") / "songngu.db"
    store = open_store(path)
    build(store, None)
    with store.transaction():
        store.add_units(Unit(vi, en, kind="parallel", provenance=[{"file": "tst2012"}])
                        for vi, en in iwslt("tst2012") if vi.strip() and en.strip())
    tokens = {"editor": add_user(store, "lan", "editor"), "translator": add_user(store, "minh", "translator")}
    store.close()
    server = Server(path)
    yield server, Client(server.url), tokens
    server.stop()
