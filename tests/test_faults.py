"""Bad input tried as a new user would (issue 13, section 4): each fault reproduced, one line,
exit 2, nothing passes silently."""
from __future__ import annotations

import json

import pytest


def _one_error_line(res) -> str:
    lines = [line for line in res.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.output and "internal error" not in res.output
    return lines[0]


@pytest.fixture
def unrelated(tmp_path, iwslt):
    """Two unrelated English files: one line of a TED talk, and 22 lines of one."""
    out = {}
    for n in (1, 22):
        path = tmp_path / f"unrelated{n}.en"
        path.write_text("\n".join(e for _, e in iwslt("tst2013")[:n]) + "\n", encoding="utf-8")
        out[n] = path
    return out


@pytest.mark.parametrize("n", [1, 22])
def test_score_with_an_unrelated_source(cli, seed_paths, unrelated, n):
    res = cli("score", seed_paths["000"], "--source", unrelated[n])
    assert res.exit_code == 2
    line = _one_error_line(res)
    assert str(unrelated[n]) in line and "does not correspond" in line


@pytest.mark.parametrize("n", [1, 22])
def test_check_with_an_unrelated_source_is_no_pass(cli, seed_paths, unrelated, n):
    """It used to pair 0 segments and exit 0 (a QA gate passed); without a source the same
    draft has errors."""
    res = cli("check", seed_paths["000"], "--source", unrelated[n])
    assert res.exit_code == 2
    line = _one_error_line(res)
    assert str(unrelated[n]) in line and "does not correspond" in line
    assert cli("check", seed_paths["000"]).exit_code == 1


def test_correct_with_an_unrelated_source(cli, seed_paths, unrelated, tmp_path):
    out = tmp_path / "fixed.vi"
    res = cli("correct", seed_paths["000"], "--source", unrelated[22], "-o", out)
    assert res.exit_code == 2 and not out.exists()
    assert str(unrelated[22]) in _one_error_line(res)


def test_check_with_an_unrelated_source_of_as_many_lines(cli, tmp_path, iwslt):
    """Line-for-line pairing needs the files to correspond too: 30 lines of one talk against 30
    lines of another is refused; the talk's own English passes to the checks."""
    draft, other, own = tmp_path / "d.vi", tmp_path / "other.en", tmp_path / "own.en"
    pairs = iwslt("tst2013")
    draft.write_text("\n".join(v for v, _ in pairs[:30]) + "\n", encoding="utf-8")
    other.write_text("\n".join(e for _, e in pairs[600:630]) + "\n", encoding="utf-8")
    own.write_text("\n".join(e for _, e in pairs[:30]) + "\n", encoding="utf-8")
    res = cli("check", draft, "--source", other)
    assert res.exit_code == 2 and "do not follow each other" in _one_error_line(res)
    res = cli("check", draft, "--source", own, "--format", "json")
    assert res.exit_code in (0, 1) and json.loads(res.stdout)["summary"]["pairing"] == "lines"


def test_check_with_its_real_source_still_pairs(cli, tmp_path, iwslt):
    pairs = iwslt("tst2013")[:40]
    draft, source = tmp_path / "d.vi", tmp_path / "s.en"
    draft.write_text(" ".join(v for v, _ in pairs) + "\n", encoding="utf-8")  # one paragraph: aligned
    source.write_text("\n".join(e for _, e in pairs) + "\n", encoding="utf-8")
    res = cli("check", draft, "--source", source, "--format", "json")
    assert res.exit_code in (0, 1), res.output
    summary = json.loads(res.stdout)["summary"]
    assert summary["pairing"] == "sentences" and summary["segments"] >= 35


@pytest.mark.parametrize("args", [
    ("match", "hợp tác", "--min", "nan"),
    ("match", "hợp tác", "--min", "0"),
    ("align", "{vi}", "{en}", "--min-score", "2"),
    ("align", "{vi}", "{en}", "--min-score", "-1"),
    ("align", "{vi}", "{en}", "--min-score", "nan"),
    ("correct", "{vi}", "--min-confidence", "nan"),
    ("correct", "{vi}", "--min-confidence", "1.5"),
])
def test_bounded_floats(cli, seed_paths, args):
    paths = {"vi": str(seed_paths["000"]), "en": str(seed_paths["001"])}
    res = cli(*[a.format(**paths) for a in args])
    assert res.exit_code == 2
    assert "Invalid value" in _one_error_line(res)


def test_export_tmx_to_stdout(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("build").exit_code == 0
    res = cli("export", "tmx", "-o", "-")
    assert res.exit_code == 0
    assert res.stdout.startswith("<?xml") and res.stdout.rstrip().endswith("</tmx>")
    assert not (tmp_path / "-").exists()
    assert "units" in res.stderr
    written = tmp_path / "m.tmx"
    assert cli("export", "tmx", "-o", written).exit_code == 0
    assert written.read_text(encoding="utf-8") == res.stdout
