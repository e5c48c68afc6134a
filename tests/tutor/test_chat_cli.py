"""`tutor chat` in the terminal: practice on request, the hint ladder, /check and explain-again."""

from __future__ import annotations

import io
import sqlite3
import uuid
from pathlib import Path

import pytest
from quiz_support import quiz_home_fixture  # noqa: F401

from tutor.cli.main import main
from tutor.config import get_settings
from tutor.study.progress import Progress


def test_chat_practice_hints_check_and_explain(
    quiz_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    learner = uuid.uuid4().hex
    # "1" answers any item: option 1 of a multiple choice, True for true/false, a (wrong) short answer.
    script = "\n".join(
        [
            "What is a data lake?",
            "/check",
            "?",
            "?",
            "?",
            "1",
            "give me 2 questions about data lakes",
            "1",
            "1",
            "why?",
            "",
        ]
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(script + "\n"))
    code = main(["chat", "--backend", "extractive", "--learner", learner])
    out = capsys.readouterr().out
    assert code == 0
    assert "/check: a question on these passages" in out
    for step in (1, 2, 3):
        assert f"hint {step}/3" in out, out
    assert "Q1/2" in out or "Q1/1" in out, "the practice request served items"
    assert out.count("✔") + out.count("✘") >= 2
    assert Progress().attempts(learner) >= 2
    rows = sqlite3.connect(get_settings().progress_db).execute(
        "SELECT hints FROM attempts WHERE learner = ? ORDER BY id", (learner,)
    )
    assert next(r[0] for r in rows) == 3, "the /check answer was given after all three hints"
    tail = out.rsplit("you>", 2)[-2]
    assert "tutor>" in tail and "[1]" in tail, "why? is re-explained with citations"
