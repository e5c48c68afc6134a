"""Progress: attempts, mastery, SM-2 review queue on a fake clock, restarts, and concurrent writers."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from quiz_support import ROOT, cited_item, quiz_home_fixture  # noqa: F401

from tutor.quiz.models import GradeResult, QuizItem
from tutor.study.progress import DAY, Progress


class FakeClock:
    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def item(i: int, doc: str = "doc-a.txt", domain: str = "Modeling") -> QuizItem:
    return cited_item(
        f"item-{i}",
        f"Question {i}?",
        f"A{i}",
        text=f"Passage {i}.",
        support=f"Passage {i}.",
        doc_id=doc,
        title="T",
        heading="H",
        end=10,
        explanation="e",
        domain=domain,
        subject=f"S{i}",
        fact_key=f"fact-{i}",
    )


def result(correct: bool) -> GradeResult:
    return GradeResult(
        correct=correct,
        score=1.0 if correct else 0.0,
        expected="x",
        response="y",
        feedback="",
        quote="",
        source="",
    )


def test_a_missed_item_comes_back_for_review_on_schedule(tmp_path: Path) -> None:
    clock = FakeClock()
    p = Progress(tmp_path / "p.sqlite", clock=clock)
    it = item(1)
    p.record_attempt("ann", it, "wrong", result(False))
    assert p.due("ann") == []
    clock.advance(DAY - 60)
    assert p.due("ann") == []  # not yet
    clock.advance(120)
    assert [d.item.id for d in p.due("ann")] == ["item-1"]
    assert p.due("ann")[0].lapses == 1
    # Answered right, it leaves the queue and returns after 1 day, then 6 days (SM-2).
    p.record_attempt("ann", it, "right", result(True))
    assert p.due("ann") == []
    clock.advance(DAY + 1)
    assert [d.item.id for d in p.due("ann")] == ["item-1"]
    p.record_attempt("ann", it, "right", result(True))
    clock.advance(5 * DAY)
    assert p.due("ann") == []
    clock.advance(DAY + 1)
    assert [d.item.id for d in p.due("ann")] == ["item-1"]
    # Another learner's queue is separate.
    assert p.due("bob") == []


def test_the_review_queue_survives_a_restart(tmp_path: Path) -> None:
    clock = FakeClock()
    Progress(tmp_path / "p.sqlite", clock=clock).record_attempt("ann", item(2), "x", result(False))
    clock.advance(2 * DAY)
    reopened = Progress(tmp_path / "p.sqlite", clock=clock)
    due = reopened.due("ann")
    assert [d.item.question for d in due] == ["Question 2?"]
    assert due[0].item == item(2)


def test_mastery_per_document_and_domain_uses_the_latest_attempt(tmp_path: Path) -> None:
    p = Progress(tmp_path / "p.sqlite", clock=FakeClock())
    p.record_attempt("ann", item(1, "a.txt", "Modeling"), "x", result(False))
    p.record_attempt("ann", item(1, "a.txt", "Modeling"), "x", result(True))  # now known
    p.record_attempt("ann", item(2, "a.txt", "Modeling"), "x", result(False))
    p.record_attempt("ann", item(3, "b.txt", "Data Engineering"), "x", result(True))
    m = {(x.scope, x.name): x for x in p.mastery("ann")}
    assert m[("document", "a.txt")].items == 2 and m[("document", "a.txt")].mastery == 0.5
    assert m[("document", "a.txt")].attempts == 3
    assert m[("document", "b.txt")].mastery == 1.0
    assert m[("domain", "Modeling")].mastery == 0.5
    assert m[("domain", "Data Engineering")].correct_items == 1
    assert p.attempts("ann") == 4


def test_items_and_missed_items(tmp_path: Path) -> None:
    p = Progress(tmp_path / "p.sqlite", clock=FakeClock())
    p.mark_served("ann", [item(1), item(2), item(3)])
    p.record_attempt("ann", item(2), "x", result(False))
    p.record_attempt("ann", item(3), "x", result(True))
    assert [i.id for i in p.items("ann")] == ["item-1", "item-2", "item-3"]
    assert [i.id for i in p.items("ann", missed_only=True)] == ["item-2"]
    assert [s.fact_key for s in p.served("ann")] == ["fact-1", "fact-2", "fact-3"]
    assert p.items("bob") == []


_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from tutor.study.progress import Progress
    from tutor.quiz.models import GradeResult, QuizItem
    from tutor.schema import Citation

    name, path, go, count = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    p = Progress(path)
    while not go.exists():
        time.sleep(0.01)
    for i in range(count):
        c = Citation(n=1, doc_id="d", title="t", heading="h", text="x", start=0, end=1, score=1.0, support="x")
        it = QuizItem(id=f"{{name}}-{{i % 7}}", type="short", question="q?", options=[], answer="a",
                      explanation="e", citation=c, domain="Modeling")
        p.record_attempt(name, it, f"{{name}}-{{i}}", GradeResult(i % 2 == 0, 1.0, "a", "r", "", "", ""))
    print("done", name)
    """
)


def test_two_processes_answering_at_once_lose_no_attempt(tmp_path: Path) -> None:
    db, go, count = tmp_path / "shared.sqlite", tmp_path / "go", 150
    Progress(db)  # create the schema first, as the app would
    script = _WRITER.format(root=str(ROOT))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, name, str(db), str(go), str(count)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("ann", "bob")
    ]
    time.sleep(1.0)
    go.touch()
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    p = Progress(db)
    assert p.attempts("ann") == count and p.attempts("bob") == count
    import sqlite3

    rows = sqlite3.connect(db).execute("SELECT response FROM attempts").fetchall()
    assert sorted(r[0] for r in rows) == sorted(f"{n}-{i}" for n in ("ann", "bob") for i in range(count))
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_real_item_missed_in_a_quiz_is_due_tomorrow(quiz_home: Path, tmp_path: Path) -> None:
    from tutor.quiz.grade import grade
    from tutor.study.practice import generate_quiz

    clock = FakeClock()
    p = Progress(tmp_path / "p.sqlite", clock=clock)
    it = generate_quiz(n=1, types=["mcq"], backend="extractive", learner="real", remember=False)[0]
    wrong = next(o for o in it.options if o != it.answer)
    res = grade(it, wrong)
    assert not res.correct
    attempt = p.record_attempt("real", it, wrong, res)
    assert attempt.next_due == pytest.approx(clock.now + DAY)
    clock.advance(DAY)
    assert [d.item.id for d in p.due("real")] == [it.id]
