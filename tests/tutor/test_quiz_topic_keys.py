"""A topic quiz (the chat's "quiz me on X") keeps "True" from being the safe guess without getting shorter.

A statement about the course's own subject can only be true (no credible term swaps in for it): once the quiz
is at its share of "True", such a fact is asked from its sentence instead (a phrase to fill in). Short quizzes
in a row keep their keys balanced together, also through the learner's saved progress.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from quiz_support import PACKAGES

from evals.quiz_validity import check_item, unbalanced
from ingest.models import StoredChunk
from ingest.text import content_tokens
from tutor.quiz import service
from tutor.quiz.cloze import BLANK
from tutor.quiz.facts import FactBank, build_fact_bank
from tutor.quiz.generate_rules import RuleGenerator
from tutor.quiz.models import QuizItem, Served
from tutor.quiz.topics import CourseTopics
from tutor.study.progress import Progress

ACME = """# Chapter 1. The Acme Project

Acme is a free operating system first released in 1993 by a group of volunteers.
Acme is a community project whose developers elect a project leader every 12 months.
Acme is a distribution that publishes a stable release roughly every 24 months.
Acme is a project that keeps its bug tracker open to everyone since 1997.
Acme is an operating system that runs on 9 processor architectures.
Acme is a volunteer project that signed its social contract in 2004.
Acme is a distribution that ships more than 50000 packages in its archive.
Acme is a project that holds its yearly conference in a different city since 2000.
"""
# Enough other sentences that a figure said once is no word the whole course uses.
APPENDIX = "# Appendix\n\n" + "\n".join(
    f"Filler sentence number {i} says nothing in particular." for i in range(120)
)


def _rows(docs: dict[str, str]) -> tuple[StoredChunk, ...]:
    return tuple(
        StoredChunk(
            id=f"{d}::0", doc_id=d, title=d.split(".")[0].title(), heading="", text=t, start=0, end=len(t)
        )
        for d, t in docs.items()
    )


def _use(monkeypatch: pytest.MonkeyPatch, rows: tuple[StoredChunk, ...], bank: FactBank, doc: str) -> None:
    """The quiz over ``bank``, its topic's passages being the facts of ``doc`` in their order."""
    ctx = service.QuizContext("v", bank, rows, RuleGenerator(bank), CourseTopics(source="documents"))
    monkeypatch.setattr(service, "quiz_context", lambda settings=None: ctx)
    ranked = [(f, 1.0) for f in bank.facts if f.doc_id == doc]
    monkeypatch.setattr(service, "_topic_facts", lambda ctx, facts, topic, d, s: list(ranked))


def _keys(items: list[QuizItem]) -> list[str]:
    return [i.answer for i in items if i.type == "true_false"]


def test_a_topic_whose_facts_can_only_be_true_still_makes_a_full_balanced_quiz(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = _rows({"acme.md": ACME, "appendix.md": APPENDIX})
    # "Acme" is in most of the course's passages: the course's own subject, so every fact about it is true-only.
    bank = build_fact_bank(list(rows), common=frozenset(content_tokens("Acme")))
    assert bank.facts and all(f.term.name == "Acme" for f in bank.facts)
    _use(monkeypatch, rows, bank, "acme.md")
    items = list(service.iter_quiz(topic="the acme project", n=6, backend="extractive"))
    assert len(items) == 6, [i.question for i in items]
    keys = _keys(items)
    assert keys.count("True") <= keys.count("False") + 1, keys
    # The rest ask the same sentences with a figure to fill in, each backed by its sentence in the passage.
    blanks = [i for i in items if BLANK in i.question]
    assert len(blanks) >= 4
    assert all(i.citation.support in ACME and i.answer in i.citation.support for i in blanks)
    assert all(check_item(i, ACME) == [] for i in items), [(i.question, check_item(i, ACME)) for i in items]
    assert unbalanced(items) == set()


def test_short_topic_quizzes_in_a_row_keep_their_keys_balanced_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Four one-statement quizzes: "False", "True", "False", "True", not four times the same key."""
    rows = _rows({"packages.md": PACKAGES})
    bank = build_fact_bank(list(rows))
    _use(monkeypatch, rows, bank, "packages.md")
    served: list[Served] = []
    items: list[QuizItem] = []
    for _ in range(4):
        got = list(
            service.iter_quiz(
                topic="package tools", n=1, types=("true_false",), backend="extractive", served=served
            )
        )
        items += got
        served += [service.served_as(i) for i in got]
    keys = _keys(items)
    assert len(keys) == 4 and keys.count("True") == 2, keys
    assert unbalanced(items) == set()


def test_saved_progress_remembers_each_true_false_key(tmp_path: Path) -> None:
    rows = _rows({"packages.md": PACKAGES})
    bank = build_fact_bank(list(rows))
    gen = RuleGenerator(bank)
    made = [
        gen.make(bank.facts[0], "true_false", random.Random(0), truth=False),
        gen.make(bank.facts[1], "true_false", random.Random(0), truth=True),
        gen.make(bank.facts[2], "short", random.Random(0)),
    ]
    items = [i for i in made if i is not None]
    assert [i.answer for i in items] == ["False", "True", bank.facts[2].term.name]
    progress = Progress(tmp_path / "p.sqlite")
    progress.mark_served("ann", items)
    served = progress.served("ann")
    assert sorted(s.answer for s in served) == [
        "",
        "False",
        "True",
    ]  # the short answer's key is no true/false key
    assert service.key_counts(served) == {True: 1, False: 1}
