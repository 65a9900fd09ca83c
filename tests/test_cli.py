"""The command line as a whole: help with examples, version, one-line errors with exit code 2."""
import pytest

from cli import main

COMMANDS = [
    ["build"], ["stats"], ["align"], ["lookup"], ["match"], ["concordance"], ["check"], ["score"],
    ["correct"], ["import"], ["import", "glossary"], ["import", "tmx"], ["export"],
    ["export", "glossary"], ["export", "tmx"], ["terms"], ["terms", "extract"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(cli, command):
    result = cli(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert "songngu " + command[0] in result.output


def test_version(cli):
    result = cli("--version", db=False)
    assert result.exit_code == 0 and result.output.startswith("songngu, version ")


@pytest.mark.sqlite_only("a missing file (a server URL always names a store)")
def test_stats_without_a_store_says_what_to_do(cli, db_path):
    result = cli("stats")
    assert result.exit_code == 2
    assert "songngu build" in result.output and str(db_path) in result.output
    assert not db_path.exists()


def test_db_from_environment(tmp_path, monkeypatch):
    from click.testing import CliRunner

    target = tmp_path / "env.db"
    monkeypatch.setenv("SONGNGU_DB", str(target))
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert target.exists()


@pytest.mark.sqlite_only("damages the file's bytes")
def test_damaged_store_is_one_line_exit_2(cli, db_path):
    db_path.write_bytes(b"this is not sqlite" * 300)
    result = cli("stats")
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1


def test_bad_option_is_exit_2(cli):
    assert cli("stats", "--format", "yaml").exit_code == 2


@pytest.mark.parametrize("args, problem", [
    (["match", ""], "the query is empty"),
    (["match"], "give one query TEXT or --batch FILE"),
    (["match", "--batch", "/no/such/queries.txt"], "/no/such/queries.txt: no such file"),
    (["concordance", " .. "], "the phrase has no words"),
    (["export", "tmx", "-o", "/no/such/folder/out.tmx"], "/no/such/folder/out.tmx: cannot write here"),
    (["import", "tmx", "/no/such/memory.tmx"], "/no/such/memory.tmx: no such file"),
    (["check", "/no/such/draft.txt"], "/no/such/draft.txt: no such file"),
    (["correct", "/no/such/draft.txt"], "/no/such/draft.txt: no such file"),
    (["align", "/no/such/a.vi.txt", "/no/such/b.en.txt"], "/no/such/a.vi.txt: no such file"),
])
def test_bad_input_is_one_line_exit_2(cli, args, problem):
    assert cli("build").exit_code == 0
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert problem in result.output and "Traceback" not in result.output
    assert len([line for line in result.output.splitlines() if line.startswith("Error:")]) == 1
