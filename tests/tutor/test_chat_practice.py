"""Practice in the conversation: the hint ladder, weaker recall after hints, the schema migration, items
drawn from an answer's passages (check yourself) and chat practice requests, all through the same gate."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from quiz_support import cited_item, quiz_home_fixture  # noqa: F401

from evals.quiz_validity import check_item
from tutor.errors import TutorError
from tutor.quiz.gate import validate
from tutor.quiz.models import ITEM_TYPES, GradeResult, QuizItem
from tutor.quiz.service import quiz_context
from tutor.schema import Citation
from tutor.study.hints import BLANK, hint, ladder
from tutor.study.practice import (
    _facts_in,
    answer_item,
    check_yourself,
    items_from_passages,
    last_topic,
    passage_items,
    practice_items,
)
from tutor.study.progress import Progress, quality_of
from tutor.study.route import route


def _item(kind: str = "short", answer: str = "Data Lake") -> QuizItem:
    support = "A data lake stores raw data of any shape at any scale."
    return cited_item(
        f"x-{kind}",
        "True or false: A warehouse stores raw data of any shape at any scale."
        if kind == "true_false"
        else "Which term stores raw data of any shape at any scale?",
        "False" if kind == "true_false" else answer,
        type=kind,  # type: ignore[arg-type]
        options=["True", "False"] if kind == "true_false" else [],
        text=f"Intro. {support} More.",
        support=support,
        doc_id="notes.txt",
        title="Notes",
        heading="Storage > Lakes",
        end=60,
        subject="data lake",
        fact_key="k",
    )


def test_hint_ladder_goes_section_cloze_answer() -> None:
    item = _item()
    steps = ladder(item, 3)
    assert [h.step for h in steps] == [1, 2, 3]
    assert "Notes › Storage › Lakes" in steps[0].text
    assert BLANK in steps[1].text and "data lake" not in steps[1].text.lower()
    assert "Data Lake" in steps[2].text and item.citation.support in steps[2].text
    assert ladder(item, 1) == steps[:1] and ladder(item, 0) == []
    with pytest.raises(ValueError):
        hint(item, 4)


def test_true_false_cloze_blanks_the_subject() -> None:
    text = hint(_item("true_false"), 2).text
    assert BLANK in text and "data lake" not in text.lower()


def _result(correct: bool, score: float = 1.0) -> GradeResult:
    return GradeResult(correct, score if correct else 0.0, "k", "r", "f", "q", "s")


def test_hints_make_a_correct_answer_a_weaker_recall() -> None:
    qualities = [quality_of(_result(True), h) for h in range(4)]
    assert qualities == [5, 4, 3, 2]
    assert quality_of(_result(True, 0.9), 0) == 4 and quality_of(_result(True, 0.9), 1) == 4
    assert quality_of(_result(False), 0) == quality_of(_result(False), 3) == 1


def test_hints_shorten_the_next_review(tmp_path: Path) -> None:
    clean, hinted = Progress(tmp_path / "a.db"), Progress(tmp_path / "b.db")
    item = _item()
    for _ in range(3):  # a third correct answer multiplies the interval by the ease hints lowered
        a = clean.record_attempt("me", item, "Data Lake", _result(True))
        b = hinted.record_attempt("me", item, "Data Lake", _result(True), hints_used=2)
    assert b.next_due < a.next_due
    Progress(tmp_path / "c.db").record_attempt("me", item, "x", _result(True), hints_used=3)
    shown = Progress(tmp_path / "c.db").schedule_of("me", item.id)
    assert shown is not None and shown.reps == 0  # the answer was shown: the item comes back tomorrow


def test_old_database_gains_the_hints_column_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE attempts (id INTEGER PRIMARY KEY AUTOINCREMENT, learner TEXT NOT NULL, item_id TEXT NOT NULL,"
        " response TEXT NOT NULL, correct INTEGER NOT NULL, score REAL NOT NULL, doc_id TEXT NOT NULL,"
        " domain TEXT NOT NULL, answered_at REAL NOT NULL);"
        "INSERT INTO attempts (learner, item_id, response, correct, score, doc_id, domain, answered_at)"
        " VALUES ('me', 'old', 'r', 1, 1.0, 'd', '', 1.0);"
    )
    db.commit()
    db.close()
    progress = Progress(path)
    assert progress.attempts("me") == 1
    progress.record_attempt("me", _item(), "Data Lake", _result(True), hints_used=1)
    rows = sqlite3.connect(path).execute("SELECT item_id, hints FROM attempts ORDER BY id").fetchall()
    assert rows == [("old", 0), ("x-short", 1)]
    Progress(path)  # migrating twice is a no-op


def test_last_topic_skips_practice_requests() -> None:
    assert last_topic(["What is a data lake?", "quiz me on it"]) == "What is a data lake?"
    assert last_topic(["test me"]) == ""


def test_check_yourself_items_cite_the_answers_passages(quiz_home: Path) -> None:
    ctx = quiz_context()
    rows = [r for r in ctx.rows if any(f.chunk_id == r.id for f in ctx.bank.facts)][:4]
    items = items_from_passages(rows, n=3, learner="check-yourself")
    allowed = {(r.doc_id, r.start, r.end) for r in rows}
    assert items and all((i.citation.doc_id, i.citation.start, i.citation.end) in allowed for i in items)
    assert all(validate(i, ctx.bank).ok for i in items)
    result, attempt = answer_item(items[0], items[0].answer, learner="check-yourself", hints_used=1)
    assert result.correct and attempt.next_due > attempt.answered_at


def test_check_yourself_uses_a_fact_mined_from_the_overlapping_chunk(quiz_home: Path) -> None:
    """Chunks overlap: a fact mined from one chunk also lies in its neighbour. An answer citing only the
    neighbour still gets that item, cited as the neighbour (the passage the answer showed)."""
    ctx = quiz_context()
    pair = next(
        (f, r)
        for f in ctx.bank.facts
        for r in ctx.rows
        if r.doc_id == f.doc_id
        and r.id != f.chunk_id
        and r.start < f.end
        and f.start < r.end
        and " ".join(f.sentence.split()) in " ".join(r.text.split())
        and not any(g.chunk_id == r.id for g in ctx.bank.facts)
    )
    _fact, neighbour = pair
    items = items_from_passages([neighbour], n=1, learner="neighbour", repeat_ok=True)
    assert items, "the neighbour's sentence makes an item"
    c = items[0].citation
    assert (c.doc_id, c.start, c.end) == (neighbour.doc_id, neighbour.start, neighbour.end)
    assert " ".join(c.support.split()) in " ".join(neighbour.text.split())
    assert validate(items[0], ctx.bank).ok


def test_check_yourself_asks_from_the_cited_sentence_when_the_passage_defines_nothing(
    quiz_home: Path,
) -> None:
    """An answer whose cited passage holds no mined definition still gets an item citing that passage, made
    from the sentence that backs the answer (a term of the material it names, asked for), and it passes the
    Quiz page's gate and the independent checker. Before, check-yourself fell back to an uncited passage."""
    ctx = quiz_context()
    said = "You can use AWS Lambda and Amazon API Gateway to format the input request"
    # A passage holding that sentence and no mined fact (chunks overlap: the neighbour may hold one).
    row = next(r for r in ctx.rows if said in " ".join(r.text.split()) and not _facts_in(ctx.bank.facts, [r]))
    at = " ".join(row.text.split()).index(said)
    sentence = " ".join(row.text.split())[at:].split(". ")[0] + "."
    cited = Citation(
        **row.model_dump(include=set(Citation.model_fields) - {"n", "score", "support"}),
        n=1,
        score=1.0,
        support=sentence,
    )
    item = check_yourself([cited], learner="cloze", question="How can a web page call the endpoint?")
    c = item.citation
    assert (c.doc_id, c.start, c.end) == (row.doc_id, row.start, row.end), "it cites the answer's passage"
    assert " ".join(c.support.split()) == sentence and item.answer in sentence
    assert item.type in ("mcq", "short") and validate(item, ctx.bank).ok
    assert check_item(item, row.text) == []
    result, _ = answer_item(item, item.answer, learner="cloze")
    assert result.correct


def test_check_yourself_says_so_rather_than_asking_about_a_passage_the_answer_did_not_cite(
    quiz_home: Path,
) -> None:
    """When the cited passages hold no sentence a question can be made from, the learner is told so plainly;
    no item from another retrieved passage is served in their place."""
    ctx = quiz_context()
    row = ctx.rows[0]
    cited = Citation(
        **row.model_dump(include=set(Citation.model_fields) - {"n", "score", "support", "text", "end"}),
        text="- Overview\n- Setup",
        end=row.start + 18,
        n=1,
        score=1.0,
        support="- Overview",
    )
    with pytest.raises(TutorError, match="cites"):
        check_yourself([cited], learner="nothing-cited")
    with pytest.raises(TutorError):
        check_yourself([], learner="nothing-cited")


def test_check_yourself_asks_from_a_cited_sentence_that_names_no_term(quiz_home: Path) -> None:
    """A cited passage whose sentences name no term of the material still gets an item citing it: the support
    sentence with one phrase blanked, typed as a short answer, valid by the gate and the independent checker."""
    ctx = quiz_context()
    bare = [r for r in ctx.rows if not _facts_in(ctx.bank.facts, [r])]
    made = 0
    for row in bare[:40]:
        blanks = [i for i in passage_items(ctx, [row], 1, ITEM_TYPES, []) if BLANK in i.question]
        for item in blanks:
            made += 1
            assert item.type in ("short", "mcq") and item.answer.lower() not in item.question.lower()
            assert (item.citation.doc_id, item.citation.start) == (row.doc_id, row.start)
            assert validate(item, ctx.bank).ok and check_item(item, row.text) == [], item.question
            assert answer_item(item, item.answer, learner="blank")[0].correct
    assert made, "some passage made a fill-in-the-blank item"


def test_sentence_items_pass_the_independent_checker_across_the_corpus(quiz_home: Path) -> None:
    """Every passage the miner found no fact in: the items made from its own sentences are valid by the gate
    and by evals/quiz_validity.py's independent checker, and a good share of those passages get one."""
    ctx = quiz_context()
    bare = [r for r in ctx.rows if not _facts_in(ctx.bank.facts, [r])]
    made = [(r, i) for r in bare for i in passage_items(ctx, [r], 1, ITEM_TYPES, [])]
    assert len(made) >= len(bare) // 6, f"{len(made)} of {len(bare)} fact-less passages"
    for row, item in made:
        assert (item.citation.doc_id, item.citation.start) == (row.doc_id, row.start)
        assert validate(item, ctx.bank).ok and check_item(item, row.text) == [], item.question


def test_chat_practice_request_serves_gated_items_on_the_topic(quiz_home: Path) -> None:
    ctx = quiz_context()
    decision = route("give me 2 questions about data lakes")
    items = practice_items(decision, learner="chat-topic")
    assert 1 <= len(items) <= 2
    assert all(validate(i, ctx.bank).ok for i in items)
    assert any("lake" in (i.citation.text + i.question).lower() for i in items)
