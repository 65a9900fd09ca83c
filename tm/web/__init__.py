"""``songngu serve``: a web page and an HTTP API over one store's memory and glossary.

Modules: :mod:`tm.web.service` (the work, no HTTP), :mod:`tm.web.api` (JSON API
and OpenAPI), :mod:`tm.web.amagama` (the amaGama/tmserver protocol for Weblate and
Virtaal), :mod:`tm.web.page` (the page), :mod:`tm.web.auth` (tokens, sessions,
CSRF), :mod:`tm.web.http` (errors, inputs, who is asking), :mod:`tm.web.app`
(assembly). Needs the ``serve`` extra (starlette, uvicorn, python-multipart).
"""
from __future__ import annotations

__all__ = ["create_app", "serve", "add_user"]


def create_app(db_path, **options):
    """See :func:`tm.web.app.create_app`."""
    from tm.web.app import create_app as make

    return make(db_path, **options)


def serve(db_path, host: str = "127.0.0.1", port: int = 8700, *, private: bool = False, max_body=None,
          log_level: str = "info") -> None:
    """Run the server until interrupted (uvicorn, one process).

    Parameters:
        host, port: where to listen; on a loopback host only local Host names are accepted.
        private: reads need a user token too.
        max_body: request size limit in bytes (default :data:`tm.web.app.DEFAULT_MAX_BODY`).
    """
    import uvicorn

    from tm.web.app import DEFAULT_MAX_BODY, is_loopback

    hosts = ["localhost", "127.0.0.1", "[::1]", "::1"] if is_loopback(host) else None
    app = create_app(db_path, private=private, max_body=max_body or DEFAULT_MAX_BODY, allowed_hosts=hosts)
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)


def add_user(store, name: str, role: str = "editor") -> str:
    """Add a user to *store* and return the new token (shown once; only its hash is stored)."""
    from corpus.errors import InputError
    from tm.web.auth import ROLES, hash_token, new_token

    if role not in ROLES:
        raise InputError("user", f"role must be one of {', '.join(ROLES)}")
    if not name.strip() or len(name) > 64 or not name.isprintable():
        raise InputError("user", "a user name is 1-64 printable characters")
    token = new_token()
    with store.transaction():
        store.add_user(name.strip(), hash_token(token), role)
    return token
