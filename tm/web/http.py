"""HTTP plumbing shared by the API, the amaGama routes and the page: errors, auth, inputs.

Every error answer is JSON ``{"error": "one line"}`` with its status; an
unexpected exception is logged on the server and answered ``500 internal
error`` without any detail (no stack trace ever reaches a client).
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from corpus.errors import InputError, StoreError
from corpus.formats.xliff import SUFFIXES as XLIFF_SUFFIXES
from tm.web.auth import CSRF_COOKIE, SESSION_COOKIE, csrf_ok, hash_token
from tm.web.service import Conflict, NotFound

log = logging.getLogger("songngu.web")

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_BEARER = re.compile(r"Bearer\s+(\S+)\s*$", re.IGNORECASE)


class JSON(JSONResponse):
    """JSON as UTF-8 text (Vietnamese as written, not ``\\u`` escapes)."""

    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error(status: int, message: str) -> JSON:
    return JSON({"error": message}, status_code=status)


async def on_http_error(request: Request, exc: HTTPException):
    return error(exc.status_code, str(exc.detail))


async def on_library_error(request: Request, exc: Exception):
    """Library errors: one-line messages with the matching status."""
    if isinstance(exc, NotFound):
        return error(404, str(exc))
    if isinstance(exc, (Conflict, StoreError)):
        return error(409, str(exc))
    return error(400, str(exc))  # InputError, ValueError: bad input


async def on_crash(request: Request, exc: Exception):
    log.exception("internal error on %s %s", request.method, request.url.path)
    return error(500, "internal error (the server log has the details)")


EXCEPTION_HANDLERS = {HTTPException: on_http_error, InputError: on_library_error, StoreError: on_library_error,
                      ValueError: on_library_error, Exception: on_crash}


# -- inputs ---------------------------------------------------------------------------------------
def int_param(request: Request, name: str, default: int, lo: int, hi: int) -> int:
    return _number(request, name, default, lo, hi, int, "a whole number")


def float_param(request: Request, name: str, default: float, lo: float, hi: float) -> float:
    return _number(request, name, default, lo, hi, float, "a number")


def _number(request, name, default, lo, hi, kind, what):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise HTTPException(400, f"{name} must be {what}, not {raw[:40]!r}") from None
    if not lo <= value <= hi:
        raise HTTPException(400, f"{name} must be between {lo} and {hi}")
    return value


def lang_param(request: Request, name: str = "lang") -> str:
    value = request.query_params.get(name) or "auto"
    if value not in ("auto", "vi", "en"):
        raise HTTPException(400, f"{name} must be auto, vi or en")
    return value


def text_param(request: Request, name: str = "q") -> str:
    value = request.query_params.get(name, "")
    if not value.strip():
        raise HTTPException(400, f"query parameter {name!r} is required")
    return value


async def json_body(request: Request):
    """The request's JSON body (400 when it is not JSON)."""
    body = await request.body()
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HTTPException(400, f"the request body is not valid JSON ({exc.__class__.__name__})") from None


@dataclass(frozen=True)
class Upload:
    """An uploaded file kept as bytes (an XLIFF draft): *name* is for messages only, never a path."""

    name: str
    data: bytes


async def texts(request: Request, fields: dict, max_part: int, lists=(), xliff=()) -> dict:
    """Text inputs from a JSON body or a multipart form (uploaded files or fields).

    Parameters:
        fields: name -> required (bool). Uploaded files are decoded in memory like files
            on disk (:func:`corpus.reader.decode`: BOMs, UTF-16, binary refused); their client
            file names are only used in messages, never as paths.
        max_part: the largest upload or field, in bytes.
        lists: the fields that may also be a JSON list of texts.
        xliff: the fields where an uploaded XLIFF file (by its name's suffix) is kept as an :class:`Upload`.

    Returns name -> text (or None), plus the other form fields / JSON keys under ``"options"``.
    """
    from corpus.reader import decode

    out, options = {}, {}
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data") or ctype.startswith("application/x-www-form-urlencoded"):
        async with request.form(max_files=8, max_fields=32, max_part_size=max_part) as form:
            for key, value in form.multi_items():
                if hasattr(value, "read"):  # an upload
                    data = await value.read()
                    if key not in fields or not (data or value.filename):
                        continue
                    name = _upload_name(value.filename, key)
                    if key in xliff and (value.filename or "").lower().endswith(XLIFF_SUFFIXES):
                        value = Upload(name, data)
                    else:
                        value = decode(data, name)
                elif key not in fields:
                    options[key] = value
                    continue
                if key in lists:  # repeated: ref=@a.txt ref=@b.txt
                    out.setdefault(key, []).append(value)
                else:
                    out[key] = value
    else:
        body = await json_body(request)
        if not isinstance(body, dict):
            raise HTTPException(400, "the request body must be a JSON object")
        for key, value in body.items():
            if key in fields:
                many = isinstance(value, list) and key in lists and all(isinstance(v, str) for v in value)
                if value is not None and not isinstance(value, str) and not many:
                    raise HTTPException(400, f"field {key!r} must be text" + (" or a list of texts" if key in lists else ""))
                out[key] = value
            else:
                options[key] = value
    for key, required in fields.items():
        if required and not isinstance(out.get(key), Upload) and not (isinstance(out.get(key), str) and out[key].strip()):
            raise HTTPException(400, f"{key!r} is required: post it as a JSON field or upload it as a file")
        out.setdefault(key, None)
    out["options"] = options
    return out


def _upload_name(filename: str | None, field: str) -> str:
    """A name for messages: the client's base name, printable characters only."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable())[:80]
    return f"{field} upload {base!r}" if base else f"{field} upload"


# -- who is asking --------------------------------------------------------------------------------
async def current_user(request: Request) -> dict | None:
    """The user of a request: from ``Authorization: Bearer`` or the page's session cookie.

    A cookie-authenticated request that changes anything must pass the CSRF check
    (see :mod:`tm.web.auth`); a bad bearer token is refused (401).
    """
    state = request.app.state
    header = request.headers.get("authorization")
    if header:
        m = _BEARER.match(header)
        if not m:
            raise HTTPException(401, "Authorization must be 'Bearer TOKEN'")
        user = await state.service.fast(lambda: state.service.store().user_by_token(hash_token(m.group(1))))
        if user is None:
            raise HTTPException(401, "unknown token")
        return user
    user = state.sessions.user(request.cookies.get(SESSION_COOKIE))
    if user is not None and request.method not in SAFE_METHODS:
        check_csrf(request)
    return user


def check_csrf(request: Request) -> None:
    """Refuse a cookie-based write without the CSRF token or from another origin (403)."""
    if not csrf_ok(request.cookies.get(CSRF_COOKIE), request.headers.get("x-csrf-token")):
        raise HTTPException(403, "CSRF token missing or wrong: reload the page")
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(403, "cross-origin request refused")


async def require_user(request: Request, role: str | None = None) -> dict:
    """The signed-in user (401 when none; 403 when *role* is required and the user lacks it)."""
    user = await current_user(request)
    if user is None:
        raise HTTPException(401, "sign in: this needs a user token (songngu user add NAME)")
    if role and user["role"] != role:
        raise HTTPException(403, f"this needs the {role} role; {user['name']} is a {user['role']}")
    return user


async def require_reader(request: Request) -> None:
    """With ``--private``, reads need a user too."""
    if request.app.state.private:
        await require_user(request)
