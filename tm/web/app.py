"""The Starlette application: routes, limits, security headers.

Starlette (ASGI) with uvicorn: the lightest well-kept framework with async
request handling (lookups stay responsive while a check runs in a worker thread),
a request body limit, multipart uploads kept in memory or anonymous temporary
files, and plain functions as routes; no template engine or ORM needed.
"""
from __future__ import annotations

import contextlib
import ipaddress
import re
import secrets

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from tm.web import amagama, api
from tm.web.auth import CSRF_COOKIE, SESSION_COOKIE, Sessions, hash_token
from tm.web.http import EXCEPTION_HANDLERS, JSON, check_csrf, current_user, json_body
from tm.web.page import CSP, render_page, static_file
from tm.web.service import Service

__all__ = ["create_app", "DEFAULT_MAX_BODY", "is_loopback"]

DEFAULT_MAX_BODY = 5 * 1024 * 1024  # bytes in one request: a long article and its source, with room
_SLASHES = re.compile(r"//+")


class _CollapseSlashes:
    """``/api/v1//vi/en/unit/x`` is routed as ``/api/v1/vi/en/unit/x`` (Virtaal's base URL ends in /)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and "//" in scope["path"]:
            scope = dict(scope, path=_SLASHES.sub("/", scope["path"]))
        await self.app(scope, receive, send)


class _SecurityHeaders:
    """A content security policy and the usual hardening headers on every answer."""

    HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
               (b"cache-control", b"no-store")]

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.HEADERS if k not in names]
                message = dict(message, headers=list(message.get("headers", [])) + extra)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# -- the page ---------------------------------------------------------------------------------------
async def page(request: Request):
    state = request.app.state
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    user = state.sessions.user(request.cookies.get(SESSION_COOKIE))
    stats = {"units": 0, "terms": 0}
    if user or not state.private:
        stats = await state.service.fast(state.service.stats)
    resp = HTMLResponse(render_page(csrf=csrf, user=user, stats=stats, private=state.private))
    resp.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/")
    return resp


async def static(request: Request):
    found = static_file(request.path_params["name"])
    if found is None:
        raise HTTPException(404, "no such file")
    return Response(found[0], media_type=found[1])


async def login(request: Request):
    """Sign the page in with a user token (CSRF-checked: a sign-in from another site is refused)."""
    check_csrf(request)
    body = await json_body(request)
    token = body.get("token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise HTTPException(400, "post {\"token\": \"...\"}")
    s = request.app.state.service
    user = await s.fast(lambda: s.store().user_by_token(hash_token(token.strip())))
    if user is None:
        raise HTTPException(401, "unknown token")
    resp = JSON({"user": user})
    resp.set_cookie(SESSION_COOKIE, request.app.state.sessions.start(user), httponly=True, samesite="strict",
                    path="/")
    return resp


async def logout(request: Request):
    await current_user(request)  # CSRF-checked when signed in
    request.app.state.sessions.end(request.cookies.get(SESSION_COOKIE))
    resp = JSON({"user": None})
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


async def openapi_json(request: Request):
    extra = [("POST", "/login", None, "Sign the page in (JSON {token}; X-CSRF-Token header)", [], "JSON {token}",
              "open"), ("POST", "/logout", None, "Sign the page out", [], None, "open")]
    return JSON(api.openapi(list(amagama.OPENAPI_ROWS) + extra))


def create_app(db_path, *, private: bool = False, max_body: int = DEFAULT_MAX_BODY,
               allowed_hosts=None) -> Starlette:
    """The web application over the store at *db_path*.

    Parameters:
        private: reads need a user token too (writes always do).
        max_body: the largest request body in bytes (413 above it).
        allowed_hosts: Host header values accepted (None: any); a server on a loopback
            address should accept only local names (DNS rebinding).
    """
    routes = [Route("/", page, methods=["GET"]), Route("/static/{name}", static, methods=["GET"]),
              Route("/login", login, methods=["POST"]), Route("/logout", logout, methods=["POST"]),
              Route("/openapi.json", openapi_json, methods=["GET"])]
    routes += api.routes() + amagama.routes()
    middleware = [Middleware(_SecurityHeaders), Middleware(_CollapseSlashes)]
    if allowed_hosts:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    service = Service(db_path)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        service.close()  # here, not after uvicorn.run: uvicorn re-raises SIGTERM once it has shut down

    app = Starlette(routes=routes, middleware=middleware, exception_handlers=EXCEPTION_HANDLERS,
                    max_body_size=max_body, lifespan=lifespan)
    app.state.service = service
    app.state.sessions = Sessions()
    app.state.private = private
    app.state.max_body = max_body
    return app
