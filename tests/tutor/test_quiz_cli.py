"""`tutor quiz`, `tutor review`, `tutor export` as a user runs them."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import pytest
from quiz_support import quiz_home_fixture  # noqa: F401

from tutor.cli.main import main
from tutor.study.progress import Progress


def run(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    stdin: str | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> tuple[int, str, str]:
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_quiz_json_prints_items(quiz_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["quiz", "--n", "3", "--backend", "extractive", "--json", "--learner", uuid.uuid4().hex], capsys
    )
    assert code == 0
    items = json.loads(out)["items"]
    assert len(items) == 3
    assert {"id", "type", "question", "options", "answer", "explanation", "citation"} <= set(items[0])


def test_quiz_type_and_doc_options(quiz_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "quiz",
            "--n",
            "2",
            "--type",
            "mcq",
            "--doc",
            "aws-for-ml-engineers-blog",
            "--backend",
            "extractive",
            "--json",
            "--learner",
            uuid.uuid4().hex,
        ],
        capsys,
    )
    items = json.loads(out)["items"]
    assert code == 0 and [i["type"] for i in items] == ["mcq", "mcq"]
    assert {i["citation"]["doc_id"] for i in items} == {"aws-for-ml-engineers-blog.md"}


def test_interactive_quiz_grades_records_and_schedules_review(
    quiz_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    who = uuid.uuid4().hex
    # Wrong letter, then an unreadable answer followed by a real one.
    code, out, _ = run(
        ["quiz", "--n", "2", "--type", "mcq", "--backend", "extractive", "--learner", who],
        capsys,
        stdin="Z\nA\nB\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0
    assert "Q1/2 [mcq]" in out and "A) " in out
    assert "not one of the options" in out  # "Z" is refused, not graded
    assert "The material says:" in out
    assert "correct." in out  # the summary line
    assert Progress().attempts(who) == 2
    code, out, _ = run(["review", "--learner", who, "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["due"] == []  # misses come back tomorrow, not now
    assert {m["scope"] for m in data["mastery"]} == {"document", "domain"}


def test_quiz_stops_cleanly_at_end_of_input(
    quiz_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(
        ["quiz", "--n", "3", "--backend", "extractive", "--learner", uuid.uuid4().hex],
        capsys,
        stdin="",
        monkeypatch=monkeypatch,
    )
    assert code == 0 and "Q1/3" in out


def test_export_command(
    quiz_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    who = uuid.uuid4().hex
    run(
        ["quiz", "--n", "2", "--type", "true_false", "--backend", "extractive", "--learner", who],
        capsys,
        stdin="maybe\ntrue\ntrue\n",
        monkeypatch=monkeypatch,
    )
    code, out, _ = run(["export", "--learner", who, "--out", str(tmp_path / "d.apkg"), "--json"], capsys)
    assert code == 0 and json.loads(out) == {"path": str(tmp_path / "d.apkg"), "items": 2}
    assert (tmp_path / "d.apkg").stat().st_size > 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["quiz", "--n", "0"], "at least 1"),
        (["quiz", "--doc", "missing.pdf"], "No document 'missing.pdf'"),
        (["quiz", "--topic", "quantum chromodynamics of gluons"], "Nothing in your material"),
        (["quiz", "--domain", "99"], "Unknown exam domain"),
        (["export", "--learner", "never-quizzed"], "take a quiz first"),
    ],
)
def test_user_errors_are_one_line_without_traceback(
    quiz_home: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run([*argv, "--learner", "cli-errors"] if "--learner" not in argv else argv, capsys)
    assert code == 2
    assert err.startswith("error: ") and message in err and "Traceback" not in err
