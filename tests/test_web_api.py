"""songngu serve: every API route, the amaGama routes as Weblate's and Virtaal's clients call them,
authentication, CSRF, limits, escaping and error answers (a real server on a free loopback port)."""
from __future__ import annotations

import threading
import time
from urllib.parse import quote

import pytest

from web_fixtures import multipart, web  # noqa: F401  (fixture)

SEED_000 = "000_b4a9749fad615be5.txt"


@pytest.fixture(scope="module")
def seed_draft():
    from pathlib import Path

    return (Path(__file__).resolve().parent.parent / "corpus" / "examples" / SEED_000).read_text(encoding="utf-8")


# -- reads ----------------------------------------------------------------------------------------
def test_stats_and_openapi_describe_every_route(web):
    from tm.web.api import ROUTES

    server, client, _ = web
    status, _, stats = client.get("/api/stats")
    assert status == 200 and stats["units"] > 1000 and stats["terms"] > 100
    status, _, doc = client.get("/openapi.json")
    assert status == 200 and doc["openapi"].startswith("3.")
    for method, path, *_ in ROUTES:
        assert method.lower() in doc["paths"][path], path
    assert "get" in doc["paths"]["/tmserver/{src}/{tgt}/unit/{text}"]


def test_lookup_is_diacritic_insensitive_glossary_first_then_memory(web):
    _, client, _ = web
    status, _, data = client.get("/api/lookup?" + "q=binh+nhuong")
    assert status == 200
    assert data["glossary"][0]["vi"] == "Bình Nhưỡng" and data["glossary"][0]["match"] == "folded"
    status, _, data = client.get("/api/lookup?q=" + quote("nguoi ta"))
    hits = data["memory"]
    assert hits, "IWSLT units hold 'người ta'"
    for h in hits:  # spans mark the words found, whatever diacritics the unit has
        text = h[h["lang"]]
        assert h["spans"] and all(fold_ok(text[s:e], "nguoi ta") for s, e in h["spans"])


def fold_ok(found: str, query: str) -> bool:
    from corpus.normalize import fold

    return " ".join(fold(found).lower().split()) == query


def test_concordance_and_its_limits(web, iwslt):
    _, client, _ = web
    status, _, data = client.get("/api/concordance?q=" + quote("người ta") + "&limit=3")
    assert status == 200 and len(data["hits"]) == 3 and data["more"] is True
    assert all("người ta" in h["vi"].lower() for h in data["hits"])
    assert client.get("/api/concordance?q=x&limit=100000")[0] == 400
    assert client.get("/api/concordance")[0] == 400


def test_match_one_and_batch(web, iwslt):
    _, client, _ = web
    vi, en = next((v, e) for v, e in iwslt("tst2012") if 12 <= len(e.split()) <= 30)
    words = en.split()
    words[3] = "zebra"
    query = " ".join(words)
    status, _, data = client.get("/api/match?q=" + quote(query) + "&top=3&min=60")
    assert status == 200
    best = data["matches"][0]
    assert best["target"] == vi and 60 <= best["score"] < 100 and best["lang"] == "en"
    assert best["differs"]  # the changed word is marked
    status, _, data = client.post("/api/match/batch", json_body={"queries": [query, en], "lang": "en", "top": 1})
    assert status == 200 and [r["matches"][0]["score"] for r in data["results"]][1] == 100
    assert client.post("/api/match/batch", json_body={"queries": "not a list"})[0] == 400
    assert client.post("/api/match/batch", json_body={"queries": ["a"] * 1001})[0] == 400


# -- amaGama, as Weblate and Virtaal call it ---------------------------------------------------------
def weblate_url(base: str, *parts) -> str:
    """What Weblate's machinery builds: the base without trailing slash, every part quoted with no safe
    characters (weblate/machinery/base.py get_api_url; tmserver.py passes text[:500] with CR replaced, encoded)."""
    return "/".join([base.rstrip("/")] + [quote(p, b"") for p in parts])


def test_amagama_as_weblate_calls_it(web, iwslt):
    server, client, _ = web
    for base in (server.url + "/tmserver/", server.url + "/api/v1"):
        status, _, langs = client.get(weblate_url(base, "languages", ""), raw_url=True)
        assert status == 200 and {"vi", "en"} <= set(langs["sourceLanguages"]) & set(langs["targetLanguages"])
        # a question: its "?" is percent-encoded in the path and must not start a query string
        vi, en = next((v, e) for v, e in iwslt("tst2012") if e.endswith("?") and len(e.split()) >= 6)
        text = en[:500].replace("\r", " ").encode()
        status, head, rows = client.get(weblate_url(base, "en", "vi", "unit", text), raw_url=True)
        assert status == 200 and head["content-type"].startswith("application/json")
        assert rows[0]["source"] == en and rows[0]["target"] == vi
        for row in rows:  # Weblate reads int(quality), target, source
            assert set(row) == {"source", "target", "quality", "rank"} and 0 < int(row["quality"]) <= 100
        assert rows[0]["quality"] == 100


def test_amagama_text_with_slashes_and_percent_signs(web):
    server, client, _ = web
    text = "50% of 1/2 the people?"
    status, _, rows = client.get(weblate_url(server.url + "/tmserver", "en", "vi", "unit", text.encode())
                                 + "?min_similarity=1", raw_url=True)
    assert status == 200 and isinstance(rows, list)


def test_amagama_as_virtaal_calls_it(web, iwslt):
    """Virtaal's tmclient: base URL ending in '/' + '/%s/%s/unit' + '/' + quote(text, safe='')."""
    server, client, _ = web
    vi, en = iwslt("tst2012")[10]
    url = server.url + "/api/v1/" + "/%s/%s/unit" % ("vi_VN", "en_US") + "/" + quote(vi, safe="")
    status, _, rows = client.get(url, raw_url=True)
    assert status == 200 and rows[0]["source"] == vi and rows[0]["target"] == en


def test_amagama_parameters_and_404s(web, iwslt):
    server, client, _ = web
    en = iwslt("tst2012")[20][1]
    status, _, rows = client.get("/tmserver/en/vi/unit/?" + "source=" + quote(en) + "&max_candidates=100"
                                 "&min_similarity=30")
    assert status == 200 and 1 <= len(rows) <= 50
    assert all(r["quality"] >= 30 for r in rows)
    status, _, few = client.get("/tmserver/en/vi/unit/" + quote(en, safe="") + "?max_candidates=2&min_similarity=30")
    assert len(few) <= 2 and few == rows[:len(few)]
    assert client.get("/tmserver/en/en/unit/File")[0] == 404
    assert client.get("/api/v1/xx/en/unit/File")[0] == 404
    status, head, body = client.get("/tmserver/en/vi/unit/" + quote(en, safe="") + "?jsoncallback=cb_1")
    assert status == 200 and body.startswith(b"cb_1(") and "javascript" in head["content-type"]
    assert client.get("/tmserver/en/vi/unit/x?jsoncallback=alert(1)//")[0] == 400


# -- QA --------------------------------------------------------------------------------------------
def test_check_posted_and_uploaded_give_the_same_report(web, seed_draft):
    _, client, _ = web
    status, _, posted = client.post("/api/check", json_body={"draft": seed_draft})
    assert status == 200 and posted["summary"]["findings"] >= 3
    assert {"term-deprecated", "garbled-term"} <= set(posted["summary"]["by_check"])
    body, ctype = multipart({"draft": ("../../etc/passwd", b"\xef\xbb\xbf" + seed_draft.encode("utf-8"))})
    status, _, uploaded = client.post("/api/check", data=body, headers={"Content-Type": ctype})
    assert status == 200 and uploaded["findings"] == posted["findings"]
    utf16 = multipart({"draft": ("draft.txt", seed_draft.encode("utf-16"))})
    assert client.post("/api/check", data=utf16[0], headers={"Content-Type": utf16[1]})[2]["findings"] == \
        posted["findings"]


def test_bad_inputs_are_one_line_errors(web):
    _, client, _ = web
    body, ctype = multipart({"draft": ("photo.jpg", b"\xff\xd8\xff\x00\x10JFIF\x00")})
    status, _, data = client.post("/api/check", data=body, headers={"Content-Type": ctype})
    assert status == 400 and "not a text file" in data["error"] and "\n" not in data["error"]
    assert client.post("/api/check", json_body={"draft": "   "})[0] == 400
    status, _, data = client.post("/api/check", data=b"{not json", headers={"Content-Type": "application/json"})
    assert status == 400 and "JSON" in data["error"]
    assert client.post("/api/check", json_body={"draft": "x", "src_lang": "fr"})[0] == 400
    assert client.post("/api/check", json_body={"draft": "Hà Nội", "source": ["a", "b"]})[0] == 400
    assert client.post("/api/score", json_body={"hyp": "a", "ref": ["a", 3]})[0] == 400
    assert client.post("/api/check", json_body=["not", "an", "object"])[0] == 400


def test_correct_and_score(web, seed_draft, iwslt):
    _, client, _ = web
    status, _, fixed = client.post("/api/correct", json_body={"draft": seed_draft})
    assert status == 200 and fixed["edits"] and fixed["text"] != seed_draft
    assert all(seed_draft[e["start"]:e["end"]] == e["before"] or e["before"] in seed_draft for e in fixed["edits"])
    pairs = iwslt("tst2012")[:40]
    hyp = "\n".join(v for v, _ in pairs)
    status, _, scores = client.post("/api/score", json_body={"hyp": hyp, "ref": hyp})
    assert status == 200 and scores["bleu"] == pytest.approx(100.0)
    body, ctype = multipart({"hyp": ("mt.vi.txt", hyp.encode()), "ref": ("human.vi.txt", hyp.encode())})
    status, _, uploaded = client.post("/api/score", data=body, headers={"Content-Type": ctype})
    assert status == 200 and uploaded["bleu"] == scores["bleu"]
    status, _, scores = client.post("/api/score", json_body={"hyp": hyp, "source": "\n".join(e for _, e in pairs)})
    assert status == 200 and "estimate" in scores


def test_a_long_check_does_not_block_lookups(web, iwslt):
    """The check runs on its own worker thread: lookups answer while it runs."""
    _, client, _ = web
    draft = "\n".join(v for v, _ in iwslt("tst2013")) * 6
    source = "\n".join(e for _, e in iwslt("tst2013")) * 6
    done = {}

    def run_check():
        t0 = time.perf_counter()
        done["status"] = client.post("/api/check", json_body={"draft": draft, "source": source})[0]
        done["seconds"] = time.perf_counter() - t0

    worker = threading.Thread(target=run_check)
    worker.start()
    time.sleep(0.3)
    answered = []
    while worker.is_alive() and len(answered) < 20:
        t0 = time.perf_counter()
        assert client.get("/api/lookup?q=" + quote("Bình Nhưỡng"))[0] == 200
        answered.append(time.perf_counter() - t0)
    worker.join()
    assert done["status"] == 200
    assert len(answered) >= 3, f"only {len(answered)} lookups answered during a {done['seconds']:.1f} s check"
    assert max(answered) < done["seconds"] / 2


# -- writes: glossary with history, units, ignore rules ----------------------------------------------
ENTRY = {"id": "org.test-bureau", "type": "organisation", "vi": "Cục Thử nghiệm", "en": "Testing Bureau",
         "en_variants": ["Test Bureau"], "note": "made by the web tests"}


def test_glossary_create_edit_deprecate_delete_with_history(web):
    _, client, tokens = web
    ed, tr = tokens["editor"], tokens["translator"]
    assert client.post("/api/glossary", json_body=ENTRY)[0] == 401
    assert client.post("/api/glossary", json_body=ENTRY, token="wrong")[0] == 401
    assert client.post("/api/glossary", json_body=ENTRY, token=tr)[0] == 403
    status, _, created = client.post("/api/glossary", json_body=ENTRY, token=ed)
    assert status == 201 and created["vi"] == "Cục Thử nghiệm" and created["origin"] == "web:lan"
    assert client.post("/api/glossary", json_body=ENTRY, token=ed)[0] == 409
    # a form another entry already has is refused by the glossary's own rules
    clash = {**ENTRY, "id": "org.other", "vi": "Bình Nhưỡng"}
    status, _, data = client.post("/api/glossary", json_body=clash, token=ed)
    assert status == 400 and "Bình Nhưỡng" in data["error"]
    status, _, edited = client.request("PUT", "/api/glossary/org.test-bureau", token=ed,
                                       json_body={"note": "edited", "changed": created["changed"]})
    assert status == 200 and edited["note"] == "edited" and edited["en"] == "Testing Bureau"
    stale = {"note": "late", "changed": "2000-01-01T00:00:00Z"}
    assert client.request("PUT", "/api/glossary/org.test-bureau", token=ed, json_body=stale)[0] == 409
    status, _, dep = client.post("/api/glossary/org.test-bureau/deprecate", token=ed,
                                 json_body={"lang": "en", "form": "test bureau", "reason": "informal"})
    assert status == 200 and dep["en_variants"] == [] and dep["en_deprecated"] == [
        {"form": "Test Bureau", "reason": "informal"}]
    status, _, found = client.get("/api/lookup?q=" + quote("Test Bureau"))
    assert found["glossary"][0]["id"] == "org.test-bureau" and found["glossary"][0]["matched_status"] == "deprecated"
    assert client.request("DELETE", "/api/glossary/org.test-bureau", token=ed)[0] == 200
    assert client.get("/api/glossary/org.test-bureau")[0] == 404
    status, _, hist = client.get("/api/glossary/org.test-bureau/history")
    assert [h["action"] for h in hist["history"]] == ["create", "edit", "deprecate", "delete"]
    assert all(h["user"] == "lan" and h["at"].endswith("Z") for h in hist["history"])
    assert hist["history"][1]["before"]["note"] == "made by the web tests"
    assert hist["history"][1]["after"]["note"] == "edited"
    assert hist["history"][3]["after"] is None


def test_glossary_browse_filters_on_forms(web):
    _, client, _ = web
    status, _, page = client.get("/api/glossary?q=" + quote("nhuong") + "&limit=5")
    assert status == 200 and any(e["id"] == "place.pyongyang" for e in page["entries"])
    assert page["total"] >= 1 and len(page["entries"]) <= 5


def test_unit_edit_and_delete(web):
    _, client, tokens = web
    ed = tokens["editor"]
    status, _, hits = client.get("/api/concordance?q=" + quote("người ta") + "&limit=1")
    unit = hits["hits"][0]
    assert client.get(f"/api/units/{unit['id']}")[2]["vi"] == unit["vi"]
    assert client.request("PUT", f"/api/units/{unit['id']}", json_body={"vi": "x", "en": "y"},
                          token=tokens["translator"])[0] == 403
    new_vi = unit["vi"] + " (đã sửa)"
    status, _, edited = client.request("PUT", f"/api/units/{unit['id']}", token=ed,
                                       json_body={"vi": new_vi, "en": unit["en"]})
    assert status == 200 and edited["id"] > unit["id"] and edited["vi"] == new_vi
    assert client.get(f"/api/units/{unit['id']}")[0] == 404
    status, _, hits = client.get("/api/concordance?q=" + quote("đã sửa"))
    assert [h["id"] for h in hits["hits"]] == [edited["id"]]
    assert client.request("DELETE", f"/api/units/{edited['id']}", token=ed)[0] == 200
    assert client.get("/api/concordance?q=" + quote("đã sửa"))[2]["hits"] == []
    assert client.request("DELETE", f"/api/units/{edited['id']}", token=ed)[0] == 404


def test_ignore_rules_are_kept_per_project(web, seed_draft):
    _, client, tokens = web
    first = client.post("/api/check", json_body={"draft": seed_draft, "project": "desk-a"})[2]
    finding = next(f for f in first["findings"] if f["check"] == "term-deprecated")
    status, _, rule = client.post("/api/projects/desk-a/ignore", token=tokens["translator"],
                                  json_body={"check": finding["check"], "text": finding["span"]["text"]})
    assert status == 201 and rule["user"] == "minh"
    again = client.post("/api/check", json_body={"draft": seed_draft, "project": "desk-a"})[2]
    assert [f for f in again["ignored"] if f["span"] == finding["span"]]
    assert finding not in again["findings"]
    other = client.post("/api/check", json_body={"draft": seed_draft, "project": "desk-b"})[2]
    assert finding in other["findings"] and other["ignored"] == []
    assert client.get("/api/projects/desk-a/ignore")[2]["rules"][0]["id"] == rule["id"]
    assert client.post("/api/projects/desk-a/ignore", token=tokens["translator"],
                       json_body={"check": "no-such-check", "text": "x"})[0] == 400
    assert client.request("DELETE", f"/api/projects/desk-a/ignore/{rule['id']}", token=tokens["translator"])[0] == 200
    assert client.get("/api/projects/desk-a/ignore")[2]["rules"] == []


# -- security ----------------------------------------------------------------------------------------
HOSTILE = {"id": "phrase.hostile", "type": "phrase", "vi": "<script>alert('vi')</script> Hà Nội xấu",
           "en": "<img src=x onerror=alert('en')> evil", "note": "\"><svg onload=alert(1)>"}


def test_page_escapes_and_sets_csrf_cookie_and_policy(web):
    _, client, tokens = web
    assert client.post("/api/glossary", json_body=HOSTILE, token=tokens["editor"])[0] == 201
    status, head, html = client.get("/")
    assert status == 200
    assert "songngu_csrf=" in head["set-cookie"] and "HttpOnly" in head["set-cookie"]
    assert "script-src 'self'" in head["content-security-policy"] and head["x-frame-options"] == "DENY"
    page = html.decode("utf-8")
    assert "<script>" not in page and "onerror" not in page  # the page never inlines user text
    status, _, data = client.get("/api/glossary/phrase.hostile")
    assert data["vi"] == HOSTILE["vi"]  # stored and returned as written (JSON, shown as text by the page)


def cookie_session(client, token):
    """Sign in like the page: CSRF cookie from GET /, then POST /login with the header."""
    _, head, html = client.get("/")
    csrf = head["set-cookie"].split("songngu_csrf=")[1].split(";")[0]
    status, head, _ = client.post("/login", json_body={"token": token},
                                  headers={"Cookie": f"songngu_csrf={csrf}", "X-CSRF-Token": csrf})
    assert status == 200
    session = head["set-cookie"].split("songngu_session=")[1].split(";")[0]
    return csrf, f"songngu_csrf={csrf}; songngu_session={session}"


def test_cookie_writes_need_the_csrf_token(web):
    _, client, tokens = web
    _, head, _ = client.get("/")
    csrf = head["set-cookie"].split("songngu_csrf=")[1].split(";")[0]
    assert client.post("/login", json_body={"token": tokens["editor"]},
                       headers={"Cookie": f"songngu_csrf={csrf}"})[0] == 403  # login CSRF
    csrf, cookies = cookie_session(client, tokens["editor"])
    entry = {**ENTRY, "id": "org.csrf-test"}
    assert client.post("/api/glossary", json_body=entry, headers={"Cookie": cookies})[0] == 403
    assert client.post("/api/glossary", json_body=entry,
                       headers={"Cookie": cookies, "X-CSRF-Token": "forged"})[0] == 403
    assert client.post("/api/glossary", json_body=entry, headers={"Cookie": cookies, "X-CSRF-Token": csrf,
                                                                   "Origin": "http://evil.example"})[0] == 403
    status, _, made = client.post("/api/glossary", json_body=entry, headers={"Cookie": cookies, "X-CSRF-Token": csrf})
    assert status == 201 and made["origin"] == "web:lan"
    assert client.get("/api/whoami", headers={"Cookie": cookies})[2]["user"]["name"] == "lan"


def too_large(port, path, length, ctype="application/json", start=b'{"draft": "xxxx'):
    """The status answered to a request announcing *length* bytes (the server answers before reading it all)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest("POST", path)
    conn.putheader("Content-Type", ctype)
    conn.putheader("Content-Length", str(length))
    conn.endheaders()
    conn.send(start)
    status = conn.getresponse().status
    conn.close()
    return status


def test_limits_hosts_private_mode_and_no_stack_traces(web, monkeypatch):
    server, client, tokens = web
    assert too_large(server.port, "/api/check", 6 * 1024 * 1024) == 413
    body, ctype = multipart({"draft": ("big.txt", b"x" * (6 * 1024 * 1024))})
    assert too_large(server.port, "/api/check", len(body), ctype, body[:65536]) == 413
    assert client.get("/api/stats", headers={"Host": "evil.example"})[0] == 400  # DNS rebinding
    server.app.state.private = True
    try:
        assert client.get("/api/lookup?q=a")[0] == 401
        assert client.get("/tmserver/languages/")[0] == 401
        assert client.get("/api/lookup?q=a", token=tokens["translator"])[0] == 200
    finally:
        server.app.state.private = False

    def broken():
        raise RuntimeError("secret detail /home/x/songngu.db")

    monkeypatch.setattr(server.app.state.service, "stats", broken)
    status, _, data = client.get("/api/stats")
    assert status == 500 and data == {"error": "internal error (the server log has the details)"}
    assert client.get("/no/such/route")[0] == 404


def test_user_add_prints_the_token_once_and_stores_its_hash(cli, db_path, store):
    import json
    import sqlite3

    from tm.web.auth import hash_token

    result = cli("user", "add", "hoa", "--format", "json")
    assert result.exit_code == 0
    token = json.loads(result.output)["token"]
    assert len(token) >= 40
    with sqlite3.connect(db_path) as con:
        rows = con.execute("SELECT name, token_hash, role FROM users").fetchall()
        dump = "\n".join(con.iterdump())
    assert rows == [("hoa", hash_token(token), "editor")] and token not in dump
    again = cli("user", "add", "hoa")
    assert again.exit_code == 2 and "already exists" in again.output


def test_serve_command_help_and_a_missing_store(cli, tmp_path):
    result = cli("serve", "--help")
    assert result.exit_code == 0 and "Example:" in result.output and "songngu serve" in result.output
    from cli import main
    from click.testing import CliRunner

    missing = CliRunner().invoke(main, ["--db", str(tmp_path / "none.db"), "serve"])
    assert missing.exit_code == 2 and "no store here" in missing.output
    assert "Traceback" not in missing.output


def test_check_an_uploaded_xliff_file(web):
    """An XLIFF draft is checked unit by unit against its own sources, as `songngu check FILE.sdlxliff` does;
    the upload is parsed from memory (its name, here a path, is never opened)."""
    from pathlib import Path

    from corpus.formats.xliff import read_xliff
    from tm.qa.bilingual import check_document
    from tm.qa.check import Checker

    server, client, _ = web
    path = Path(__file__).resolve().parent / "data" / "xliff" / "sample.sdlxliff"
    expected = check_document(Checker(server.app.state.service.store().glossary_entries()), read_xliff(path))
    body, ctype = multipart({"draft": ("/etc/job.sdlxliff", path.read_bytes())})
    status, _, data = client.post("/api/check", data=body, headers={"Content-Type": ctype})
    assert status == 200 and data["findings"] == expected.to_dict()["findings"]
    assert data["findings"][0]["unit"] == "c6d1e4a2-1#1"
    assert {"term-deprecated", "date-mismatch"} <= {f["check"] for f in data["findings"]}
    assert [s["unit"] for s in data["segments"]][:2] == ["c6d1e4a2-1#1", "c6d1e4a2-1#2"]
    bad, ctype = multipart({"draft": ("bad.xlf", b"<xliff version='1.2'><file>")})
    status, _, data = client.post("/api/check", data=bad, headers={"Content-Type": ctype})
    assert status == 400 and "bad.xlf" in data["error"] and "\n" not in data["error"]


def test_an_edited_imported_unit_is_exported_as_edited(store, tmp_path):
    """A unit imported from TMX is kept as written (tmx_units); once edited, the edit supersedes that record."""
    from pathlib import Path

    from tm.tmx import export_tmx, import_tmx

    peer = Path(__file__).resolve().parent / "data" / "peers" / "okapi" / "test01.tmx"
    import_tmx(store, [peer])
    unit = next(u for u in store.iter_units() if u.vi != u.en)
    with store.transaction():
        edited = store.replace_unit(unit.id, unit.vi + " (đã sửa)", unit.en)
    assert edited.id > unit.id and edited.provenance == unit.provenance and edited.props["replaces"] == unit.id
    out = tmp_path / "out.tmx"
    export_tmx(store, out)
    text = out.read_text(encoding="utf-8")
    from xml.sax.saxutils import escape

    assert escape(unit.vi + " (đã sửa)") in text
    assert f"<seg>{escape(unit.vi)}</seg>" not in text  # the record as read is superseded, not written twice
