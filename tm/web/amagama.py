"""The amaGama / tmserver protocol, for Weblate's tmserver machinery and Virtaal.

Routes (each under ``/tmserver`` and ``/api/v1``):

- ``GET .../languages/`` -> ``{"sourceLanguages": [...], "targetLanguages": [...]}``
  (Weblate asks it with the trailing slash; ``/languages/`` alone answers too);
- ``GET .../{src}/{tgt}/unit/{text}`` and ``GET .../{src}/{tgt}/unit/?source=text``
  -> ``[{"source", "target", "quality", "rank"}]``, best first; query parameters
  ``max_candidates`` (default 5, at most 50) and ``min_similarity`` (default 70),
  ``jsoncallback`` for JSONP (an identifier only).

The text is percent-encoded in the path, slashes included (Weblate quotes every
character but letters, digits and ``_.-~``; Virtaal the same), so the route takes
the rest of the path. Virtaal joins its base URL ending in ``/`` to ``/{src}/...``:
runs of slashes are collapsed before routing. Language codes are matched on their
first subtag, case-insensitively (``vi_VN``, ``en-US``); an unknown language or
the same language on both sides is a 404, as amaGama answers.
``quality`` and ``rank`` are songngu's fuzzy-match score (0-100, see :mod:`tm.match`).
"""
from __future__ import annotations

import json
import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tm.web.http import JSON, float_param, int_param, require_reader

__all__ = ["routes", "OPENAPI_ROWS", "MAX_CANDIDATES"]

MAX_CANDIDATES = 50
DEFAULT_CANDIDATES = 5
DEFAULT_SIMILARITY = 70.0
_CALLBACK = re.compile(r"[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*")


def _lang(code: str) -> str:
    lang = re.split(r"[-_@.]", code.lower(), maxsplit=1)[0]
    if lang not in ("vi", "en"):
        raise HTTPException(404, f"language {code[:20]!r} is not in this memory (vi, en)")
    return lang


def _answer(request: Request, data):
    callback = request.query_params.get("jsoncallback")
    if callback:
        if not _CALLBACK.fullmatch(callback) or len(callback) > 64:
            raise HTTPException(400, "jsoncallback must be a JavaScript identifier")
        body = f"{callback}({json.dumps(data, ensure_ascii=False)})"
        return Response(body, media_type="application/javascript; charset=utf-8")
    return JSON(data)


async def languages(request: Request):
    await require_reader(request)
    langs = request.app.state.service.languages()
    return _answer(request, {"sourceLanguages": langs, "targetLanguages": langs})


async def unit(request: Request):
    await require_reader(request)
    src, tgt = _lang(request.path_params["src"]), _lang(request.path_params["tgt"])
    if src == tgt:
        raise HTTPException(404, "source and target language are the same")
    text = request.path_params.get("text") or request.query_params.get("source", "")
    if not text.strip():
        raise HTTPException(404, "no text: /unit/TEXT or /unit/?source=TEXT")
    count = int_param(request, "max_candidates", DEFAULT_CANDIDATES, 1, 10**6)
    similarity = float_param(request, "min_similarity", DEFAULT_SIMILARITY, 0, 100)
    s = request.app.state.service
    rows = await s.fast(s.tm_unit, src, tgt, text, min(count, MAX_CANDIDATES), max(similarity, 1.0))
    return _answer(request, rows)


def routes() -> list[Route]:
    out = [Route("/languages/", languages, methods=["GET"])]
    for prefix in ("/tmserver", "/api/v1"):
        out += [Route(f"{prefix}/languages/", languages, methods=["GET"]),
                Route(f"{prefix}/{{src}}/{{tgt}}/unit/", unit, methods=["GET"]),
                Route(f"{prefix}/{{src}}/{{tgt}}/unit/{{text:path}}", unit, methods=["GET"])]
    return out


_P = [("src", "path", "string", True, "source language (vi, en; en_US accepted)"),
      ("tgt", "path", "string", True, "target language"),
      ("max_candidates", "query", "integer", False, "default 5, at most 50"),
      ("min_similarity", "query", "number", False, "default 70")]
OPENAPI_ROWS = [
    ("GET", f"{prefix}/languages/", None, "amaGama: languages of the memory", [], None, "read")
    for prefix in ("/tmserver", "/api/v1")
] + [
    ("GET", f"{prefix}/{{src}}/{{tgt}}/unit/{{text}}", None, "amaGama: suggestions [{source, target, quality, rank}]",
     _P + [("text", "path", "string", True, "the source text, percent-encoded")], None, "read")
    for prefix in ("/tmserver", "/api/v1")
]
