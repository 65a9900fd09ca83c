"""Users, tokens, page sessions and CSRF tokens of the web server.

- A user's token is 32 random bytes (``secrets.token_urlsafe``), shown once by
  ``songngu user add``; the store keeps only its SHA-256 (a random 256-bit token
  needs no slow password hash: nothing can be guessed from the digest).
- API clients send ``Authorization: Bearer TOKEN``. The page signs in with the
  token once (a form) and then holds a session cookie (HttpOnly, SameSite=Strict)
  kept in the server's memory; a restart signs everyone out.
- Every state-changing request that relies on a cookie (the page's forms and
  fetches, sign-in included) must carry the CSRF token: the ``X-CSRF-Token``
  header or a ``csrf`` form field equal to the ``songngu_csrf`` cookie, which
  the page gets with its HTML (double submit; a cross-site page can neither read
  the cookie nor set the header). Bearer requests carry no cookie and need none.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time

__all__ = ["new_token", "hash_token", "Sessions", "ROLES", "CSRF_COOKIE", "SESSION_COOKIE", "csrf_ok"]

ROLES = ("editor", "translator")
CSRF_COOKIE = "songngu_csrf"
SESSION_COOKIE = "songngu_session"
SESSION_SECONDS = 12 * 3600


def new_token() -> str:
    """A fresh random token (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The hex SHA-256 of *token*: what the store keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_ok(cookie: str | None, sent: str | None) -> bool:
    """Whether the CSRF token sent with a request equals the cookie's (constant time)."""
    return bool(cookie) and bool(sent) and hmac.compare_digest(cookie, sent)


class Sessions:
    """Signed-in page sessions: random id -> user, in memory, expiring after 12 hours."""

    def __init__(self):
        self._by_id: dict[str, tuple[dict, float]] = {}
        self._lock = threading.Lock()

    def start(self, user: dict) -> str:
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._by_id[sid] = (user, time.monotonic() + SESSION_SECONDS)
        return sid

    def user(self, sid: str | None) -> dict | None:
        if not sid:
            return None
        with self._lock:
            found = self._by_id.get(sid)
            if found is None:
                return None
            if found[1] < time.monotonic():
                del self._by_id[sid]
                return None
            return found[0]

    def end(self, sid: str | None) -> None:
        with self._lock:
            self._by_id.pop(sid or "", None)
