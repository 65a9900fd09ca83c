"""The JSON API (``/api/...``) and its OpenAPI description, from one table of routes.

Reads are open (or need a user with ``--private``); writes need a user: glossary
and memory edits the ``editor`` role, ignore rules any user.
"""
from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from tm.web.http import (JSON, Upload, float_param, int_param, json_body, lang_param, require_reader,
                         require_user, text_param, texts)

__all__ = ["ROUTES", "routes", "openapi"]


def _svc(request: Request):
    return request.app.state.service


async def _read(request: Request, method: str, *args):
    """``service.<method>(*args)`` on the fast worker, for a reader (see ``--private``)."""
    await require_reader(request)
    s = _svc(request)
    return await s.fast(getattr(s, method), *args)


# -- reads ----------------------------------------------------------------------------------------
async def stats(request: Request):
    return JSON(await _read(request, "stats"))


async def lookup(request: Request):
    return JSON(await _read(request, "lookup", text_param(request), lang_param(request),
                            int_param(request, "limit", 10, 1, 200), int_param(request, "examples", 5, 0, 50)))


async def concordance(request: Request):
    return JSON(await _read(request, "concordance", text_param(request), lang_param(request),
                            int_param(request, "limit", 20, 1, 200)))


async def match(request: Request):
    await require_reader(request)
    s = _svc(request)
    rows = await s.fast(s.match, text_param(request), lang_param(request), int_param(request, "top", 5, 1, 200),
                        float_param(request, "min", 50.0, 1.0, 100.0))
    return JSON({"query": request.query_params["q"], "matches": rows})


async def match_batch(request: Request):
    await require_reader(request)
    body = await json_body(request)
    queries = body.get("queries") if isinstance(body, dict) else None
    if not isinstance(queries, list) or not all(isinstance(q, str) for q in queries):
        raise HTTPException(400, "post {\"queries\": [\"sentence\", ...]} (with lang, top, min optional)")
    lang, top, low = body.get("lang", "auto"), body.get("top", 5), body.get("min", 50.0)
    if lang not in ("auto", "vi", "en") or not isinstance(top, int) or not 1 <= top <= 200 \
            or not isinstance(low, (int, float)) or not 1 <= low <= 100:
        raise HTTPException(400, "lang must be auto, vi or en; top 1-200; min 1-100")
    s = _svc(request)
    return JSON({"results": await s.fast(s.match_batch, [q for q in queries], lang, top, float(low))})


async def unit_get(request: Request):
    return JSON(await _read(request, "unit", request.path_params["unit_id"]))


async def glossary_list(request: Request):
    return JSON(await _read(request, "glossary_page", request.query_params.get("q", ""),
                            int_param(request, "offset", 0, 0, 10**9), int_param(request, "limit", 50, 1, 200)))


async def glossary_get(request: Request):
    return JSON(await _read(request, "glossary_entry", request.path_params["entry_id"]))


async def glossary_history(request: Request):
    eid = request.path_params["entry_id"]
    return JSON({"id": eid, "history": await _read(request, "glossary_history", eid)})


async def rules_list(request: Request):
    project = request.path_params["project"]
    return JSON({"project": project, "rules": await _read(request, "ignore_rules", project)})


async def whoami(request: Request):
    from tm.web.http import current_user

    user = await current_user(request)
    return JSON({"user": user, "private": request.app.state.private})


# -- QA (the slow worker) -------------------------------------------------------------------------
async def check(request: Request):
    await require_reader(request)
    s = _svc(request)
    got = await texts(request, {"draft": True, "source": False}, request.app.state.max_body, xliff=("draft",))
    opt = got["options"]
    src_lang = opt.get("src_lang") or None
    if src_lang not in (None, "vi", "en"):
        raise HTTPException(400, "src_lang must be vi or en")
    project = opt.get("project") or None
    if project is not None and (not isinstance(project, str) or len(project) > 100):
        raise HTTPException(400, "project must be a name of at most 100 characters")
    if isinstance(got["draft"], Upload):  # the XLIFF file holds its sources
        return JSON(await s.slow("check_xliff", got["draft"].name, got["draft"].data, project))
    return JSON(await s.slow("check", got["draft"], got["source"] or None, src_lang, project))


async def correct(request: Request):
    await require_reader(request)
    s = _svc(request)
    got = await texts(request, {"draft": True, "source": False}, request.app.state.max_body)
    opt = got["options"]
    try:
        confidence = float(opt.get("min_confidence", 0.7))
    except (TypeError, ValueError):
        raise HTTPException(400, "min_confidence must be a number") from None
    tone = opt.get("tone_style", "auto")
    if tone not in ("auto", "traditional", "modern") or not 0 <= confidence <= 1:
        raise HTTPException(400, "tone_style must be auto, traditional or modern; min_confidence 0-1")
    fix_numbers = str(opt.get("fix_numbers", "")).lower() in ("1", "true", "yes", "on")
    return JSON(await s.slow("correct", got["draft"], got["source"] or None, min_confidence=confidence,
                             tone_style=tone, fix_numbers=fix_numbers))


async def score(request: Request):
    await require_reader(request)
    s = _svc(request)
    got = await texts(request, {"hyp": True, "ref": False, "source": False}, request.app.state.max_body,
                      lists=("ref",))
    refs = got["ref"] or []
    refs = [refs] if isinstance(refs, str) else refs
    src_lang = got["options"].get("src_lang") or None
    if src_lang not in (None, "vi", "en"):
        raise HTTPException(400, "src_lang must be vi or en")
    segments = str(got["options"].get("segments", "")).lower() in ("1", "true", "yes", "on")
    return JSON(await s.slow("score", got["hyp"], refs, got["source"] or None, src_lang, segments))


# -- writes ---------------------------------------------------------------------------------------
async def glossary_create(request: Request):
    user = await require_user(request, "editor")
    s = _svc(request)
    return JSON(await s.fast(s.create_entry, await json_body(request), user["name"]), status_code=201)


async def glossary_edit(request: Request):
    user = await require_user(request, "editor")
    s = _svc(request)
    body = await json_body(request)
    if not isinstance(body, dict):
        raise HTTPException(400, "the request body must be a JSON object")
    return JSON(await s.fast(s.edit_entry, request.path_params["entry_id"], body, user["name"]))


async def glossary_deprecate(request: Request):
    user = await require_user(request, "editor")
    s = _svc(request)
    body = await json_body(request)
    if not isinstance(body, dict) or not all(isinstance(body.get(k, ""), str) for k in ("lang", "form", "reason")):
        raise HTTPException(400, "post {\"lang\": \"vi\", \"form\": \"...\", \"reason\": \"...\"}")
    return JSON(await s.fast(s.deprecate_form, request.path_params["entry_id"], body.get("lang", ""),
                             body.get("form", ""), body.get("reason", ""), user["name"], body.get("replacement")))


async def glossary_delete(request: Request):
    user = await require_user(request, "editor")
    s = _svc(request)
    await s.fast(s.delete_entry, request.path_params["entry_id"], user["name"])
    return JSON({"deleted": request.path_params["entry_id"]})


async def unit_edit(request: Request):
    await require_user(request, "editor")
    s = _svc(request)
    body = await json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("vi"), str) or not isinstance(body.get("en"), str):
        raise HTTPException(400, "post {\"vi\": \"...\", \"en\": \"...\"}")
    return JSON(await s.fast(s.edit_unit, request.path_params["unit_id"], body["vi"], body["en"]))


async def unit_delete(request: Request):
    await require_user(request, "editor")
    s = _svc(request)
    await s.fast(s.delete_unit, request.path_params["unit_id"])
    return JSON({"deleted": request.path_params["unit_id"]})


async def rules_add(request: Request):
    user = await require_user(request)
    s = _svc(request)
    body = await json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("check"), str) or not isinstance(body.get("text"), str):
        raise HTTPException(400, "post {\"check\": \"term-deprecated\", \"text\": \"the finding's text\"}")
    return JSON(await s.fast(s.add_ignore_rule, request.path_params["project"], body["check"], body["text"],
                             user["name"]), status_code=201)


async def rules_delete(request: Request):
    await require_user(request)
    s = _svc(request)
    await s.fast(s.delete_ignore_rule, request.path_params["project"], request.path_params["rule_id"])
    return JSON({"deleted": request.path_params["rule_id"]})


# -- the table ------------------------------------------------------------------------------------
Q = ("q", "query", "string", True, "the text")
LANG = ("lang", "query", "string", False, "auto (default), vi or en")
ID = ("entry_id", "path", "string", True, "glossary entry id")
UNIT = ("unit_id", "path", "integer", True, "unit id")
PROJECT = ("project", "path", "string", True, "project name")
TEXTS = "JSON object, or multipart/form-data with files or fields"

# (method, path, handler, summary, parameters, request body, needs)
ROUTES = [
    ("GET", "/api/stats", stats, "Counts of documents, segments, units and terms", [], None, "read"),
    ("GET", "/api/lookup", lookup, "Glossary entries naming the query (exact, without diacritics, fuzzy, contained), "
     "then memory units containing it", [Q, LANG, ("limit", "query", "integer", False, "entries, default 10"),
                                         ("examples", "query", "integer", False, "memory units, default 5")],
     None, "read"),
    ("GET", "/api/concordance", concordance, "Units containing the phrase as whole words (hit spans given)",
     [Q, LANG, ("limit", "query", "integer", False, "default 20")], None, "read"),
    ("GET", "/api/match", match, "Fuzzy matches of one sentence (token Levenshtein score 0-100)",
     [Q, LANG, ("top", "query", "integer", False, "default 5"),
      ("min", "query", "number", False, "threshold, default 50")], None, "read"),
    ("POST", "/api/match/batch", match_batch, "Fuzzy matches of many sentences (at most 1000)", [],
     "JSON {queries: [text], lang, top, min}", "read"),
    ("POST", "/api/check", check, "QA report of a draft (with its source optionally); findings matching the "
     "project's ignore rules are listed apart", [], TEXTS + ": draft (text, or an uploaded XLIFF file holding its sources), source, src_lang, project", "read"),
    ("POST", "/api/correct", correct, "Corrected draft with its edit log", [],
     TEXTS + ": draft, source, min_confidence, tone_style, fix_numbers", "read"),
    ("POST", "/api/score", score, "BLEU/chrF/TER against references, or the reference-free estimate", [],
     TEXTS + ": hyp, ref (one or a list), source, src_lang, segments", "read"),
    ("GET", "/api/glossary", glossary_list, "Browse the glossary (filter by a form containing q)",
     [("q", "query", "string", False, "filter"), ("offset", "query", "integer", False, "default 0"),
      ("limit", "query", "integer", False, "default 50")], None, "read"),
    ("POST", "/api/glossary", glossary_create, "Create an entry", [], "JSON glossary entry", "editor"),
    ("GET", "/api/glossary/{entry_id}", glossary_get, "One entry", [ID], None, "read"),
    ("PUT", "/api/glossary/{entry_id}", glossary_edit, "Edit an entry (fields given are replaced; send "
     "'changed' to refuse overwriting someone else's change)", [ID], "JSON (part of) a glossary entry", "editor"),
    ("DELETE", "/api/glossary/{entry_id}", glossary_delete, "Delete an entry (its history stays)", [ID], None,
     "editor"),
    ("POST", "/api/glossary/{entry_id}/deprecate", glossary_deprecate, "Deprecate a form (the preferred term "
     "needs a replacement)", [ID], "JSON {lang, form, reason, replacement}", "editor"),
    ("GET", "/api/glossary/{entry_id}/history", glossary_history, "Who changed the entry, when, before and after",
     [ID], None, "read"),
    ("GET", "/api/units/{unit_id}", unit_get, "One translation unit", [UNIT], None, "read"),
    ("PUT", "/api/units/{unit_id}", unit_edit, "Edit a unit's text (it gets a new id)", [UNIT],
     "JSON {vi, en}", "editor"),
    ("DELETE", "/api/units/{unit_id}", unit_delete, "Delete a unit", [UNIT], None, "editor"),
    ("GET", "/api/projects/{project}/ignore", rules_list, "A project's ignore rules", [PROJECT], None, "read"),
    ("POST", "/api/projects/{project}/ignore", rules_add, "Ignore a finding (check + text) in a project",
     [PROJECT], "JSON {check, text}", "user"),
    ("DELETE", "/api/projects/{project}/ignore/{rule_id}", rules_delete, "Drop an ignore rule",
     [PROJECT, ("rule_id", "path", "integer", True, "rule id")], None, "user"),
    ("GET", "/api/whoami", whoami, "The signed-in user, if any", [], None, "open"),
]


def _starlette_path(path: str, params) -> str:
    for name, where, kind, *_ in params:
        if where == "path" and kind == "integer":
            path = path.replace("{" + name + "}", "{" + name + ":int}")
    return path


def routes() -> list[Route]:
    return [Route(_starlette_path(path, params), handler, methods=[method])
            for method, path, handler, _, params, _, _ in ROUTES]


def openapi(extra=()) -> dict:
    """The OpenAPI 3.1 description of :data:`ROUTES` (and *extra* rows of the same shape)."""
    paths: dict = {}
    for method, path, _, summary, params, body, needs in list(ROUTES) + list(extra):
        op = {"summary": summary, "parameters": [
            {"name": n, "in": where, "required": req, "description": desc, "schema": {"type": kind}}
            for n, where, kind, req, desc in params],
            "responses": {"200": {"description": "JSON"}, "400": {"description": "bad input: {error}"}}}
        if body:
            op["requestBody"] = {"description": body, "content": {"application/json": {"schema": {"type": "object"}}}}
        if needs in ("editor", "user"):
            op["security"] = [{"bearer": []}, {"session": []}]
            op["description"] = "Needs a user token" + (" with the editor role" if needs == "editor" else "") + \
                "; the page's session cookie needs the X-CSRF-Token header."
        paths.setdefault(path, {})[method.lower()] = op
    return {"openapi": "3.1.0",
            "info": {"title": "songngu", "version": "1", "description":
                     "Vietnamese-English translation memory and glossary. Errors: {\"error\": \"...\"}."},
            "paths": paths,
            "components": {"securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "songngu user add NAME"},
                "session": {"type": "apiKey", "in": "cookie", "name": "songngu_session"}}}}
