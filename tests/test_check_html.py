"""The HTML report of `songngu check` (tm.qa.html): written with -o, parsed back: self-contained, source
and draft side by side, the problem spans highlighted with their messages, a summary table."""
from __future__ import annotations

import json
import re

import lxml.html
import pytest

FIRST, LAST = 62, 142  # tst2013 lines that follow the glossary (see test_check)


@pytest.fixture(scope="module")
def pairs(iwslt):
    """80 real pairs with planted errors: a deprecated term, a wrong number, a copied source."""
    pairs = [[en, vi] for vi, en in iwslt("tst2013")[FIRST:LAST] if en.strip() and vi.strip()]
    dep = next(i for i, (en, vi) in enumerate(pairs) if "in South Korea" in en)
    pairs[dep][1] = pairs[dep][1].replace("Hàn Quốc", "Nam Hàn")
    num = next(i for i, (en, vi) in enumerate(pairs) if "Remi is 22" in en and "22" in vi)
    pairs[num][1] = pairs[num][1].replace("22", "23")
    pairs[40][1] = pairs[40][0]
    pairs.append(["Johnson & Johnson paid < 5 % of it .", "Johnson & Johnson trả < 5 % số đó ."])
    return pairs


@pytest.fixture(scope="module")
def report(pairs, tmp_path_factory):
    """``(parsed page, JSON report, pairs)`` from the CLI."""
    from click.testing import CliRunner

    from cli import main

    tmp = tmp_path_factory.mktemp("html")
    src, dft, out = tmp / "talk.en.txt", tmp / "talk.vi.txt", tmp / "report.html"
    src.write_text("\n".join(en for en, _ in pairs) + "\n", encoding="utf-8")
    dft.write_text("\n".join(vi for _, vi in pairs) + "\n", encoding="utf-8")
    runner = CliRunner()
    db = ["--db", str(tmp / "none.db")]
    result = runner.invoke(main, db + ["check", str(dft), "--source", str(src), "--format", "html", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "errors" in result.stderr and result.stdout == ""
    data = json.loads(runner.invoke(main, db + ["check", str(dft), "--source", str(src), "--format", "json"]).stdout)
    raw = out.read_text(encoding="utf-8")
    assert raw.startswith("<!DOCTYPE html>")
    return lxml.html.document_fromstring(raw), raw, data


def text_without_notes(cell) -> str:
    """A cell's text as the reader sees it, without the finding list and the finding numbers."""
    clone = lxml.html.fromstring(lxml.html.tostring(cell, encoding="unicode"))
    for el in clone.xpath(".//ol | .//sup"):
        el.drop_tree()
    return clone.text_content()


def test_self_contained(report):
    page, raw, _ = report
    assert page.xpath("//meta[@charset='utf-8']")
    assert not page.xpath("//script | //link | //img | //iframe | //object | //embed")
    assert not page.xpath("//*[@src] | //*[@href]")
    style = " ".join(page.xpath("//style/text()"))
    assert "{" in style and "url(" not in style and "@import" not in style
    assert not re.search(r"https?://", raw)


def test_source_and_draft_side_by_side(report, pairs):
    page, _, data = report
    heads = [th.text_content() for th in page.xpath("//table[@class='segs']/thead//th")]
    assert len(heads) == 3 and heads[1].startswith("Source (English") and heads[2].startswith("Draft (Vietnamese")
    rows = page.xpath("//table[@class='segs']/tbody/tr")
    assert len(rows) == len(pairs) == data["summary"]["segments"]
    for row, (en, vi) in zip(rows, pairs):
        cells = row.xpath("./td")
        assert len(cells) == 3
        assert text_without_notes(cells[1]) == en
        assert text_without_notes(cells[2]) == vi  # escaped and unescaped back: "&", "<" survive
    assert rows[-1].xpath("./td")[2].text_content().startswith("Johnson & Johnson trả < 5 %")


def test_spans_highlighted_with_messages(report, pairs):
    page, _, data = report
    partial = [f for f in data["findings"]
               if f["span"]["end"] > f["span"]["start"] and f["span"]["text"] != pairs[f["segment"] - 1][1]]
    assert {f["check"] for f in partial} >= {"term-deprecated", "number-mismatch"}
    for f in partial:
        row = page.get_element_by_id(f"s{f['segment']}")
        draft = row.xpath("./td")[2]
        tip = f"{f['check']}: {f['message']}"
        marks = [m for m in draft.xpath(".//mark") if tip in (m.get("title") or "")]
        assert "".join(m.text_content() for m in marks) == f["span"]["text"]
        assert {m.get("class") for m in marks} <= {"error", "warning", "info"}
        items = [li.text_content() for li in draft.xpath(".//ol[@class='findings']/li")]
        assert any(f["check"] in li and f["message"] in li for li in items)
    dep = next(f for f in partial if f["check"] == "term-deprecated")
    row = page.get_element_by_id(f"s{dep['segment']}")
    assert row.get("class") == "error"
    assert "Hàn Quốc" in row.xpath(".//span[@class='sugg']")[0].text_content()
    # The number of the source that the draft's wrong number stands for is marked in the source column.
    num = next(f for f in partial if f["check"] == "number-mismatch")
    assert (num["span"]["text"], num["suggestion"], num["severity"]) == ("23", "22", "error")
    src_marks = page.get_element_by_id(f"s{num['segment']}").xpath("./td[2]//mark[@class='src']")
    assert [m.text_content() for m in src_marks] == ["22"]
    assert "number-mismatch" in src_marks[0].get("title")


def test_whole_segment_findings_listed_not_marked(report, pairs):
    page, _, data = report
    whole = [f for f in data["findings"] if f["check"] == "untranslated"]
    assert [f["segment"] for f in whole] == [41]
    row = page.get_element_by_id("s41")
    assert row.xpath("./td[3]//mark") == []
    assert "untranslated" in row.xpath("./td[3]//ol")[0].text_content()
    clean = [r for r in page.xpath("//table[@class='segs']/tbody/tr") if r.get("class") == "clean"]
    flagged = {f["segment"] for f in data["findings"]}
    assert len(clean) == len(pairs) - len(flagged)


def test_summary_table(report):
    page, _, data = report
    table = page.xpath("//table[@class='summary']")[0]
    heads = [th.text_content() for th in table.xpath(".//thead//th")]
    assert heads == ["Check", "What it looks for", "Errors", "Warnings", "Info"]
    counts = {}
    for row in table.xpath(".//tbody/tr[not(@class='total')]"):
        cells = [td.text_content() for td in row.xpath("./td")]
        counts[cells[0]] = sum(int(c) for c in cells[2:])
    assert counts == data["summary"]["by_check"]
    total = [td.text_content() for td in table.xpath(".//tr[@class='total']/td")]
    s = data["summary"]
    assert total[2:] == [str(s["error"]), str(s["warning"]), str(s["info"])]
    assert f"{s['segments_with_errors']} of {s['segments']} segments" in total[1]
    assert page.xpath("//span[contains(@class, 'verdict')]")[0].text_content() == f"{s['error']} errors to fix"
