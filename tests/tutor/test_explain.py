"""Explain it again: cited sentences of the same passages, and "no example" said rather than invented."""

from __future__ import annotations

import pytest

from tutor.errors import TutorError
from tutor.schema import Answer, Citation, Passage
from tutor.study.explain import explain_again
from tutor.study.route import route

LAKE = (
    "A data lake stores raw data of any shape at any scale. "
    "Teams use one because schemas can be decided when the data is read. "
    "For example, logs and images can sit next to tables."
)
WAREHOUSE = "A data warehouse stores cleaned, structured data for reporting."


def _answer(question: str, text: str, doc: str) -> Answer:
    p = Passage(doc_id=doc, title=doc, heading="H", text=text, start=0, end=len(text), rank=1, score=0.9)
    first = text.split(". ")[0] + "."
    c = Citation(
        n=1, doc_id=doc, title=doc, heading="H", text=text, start=0, end=len(text), score=0.9, support=first
    )
    return Answer(
        question=question,
        rewritten_query=question,
        answer=f"{first} [1]",
        answerable=True,
        backend="extractive",
        citations=[c],
        passages=[p],
        timings_ms={},
    )


def _ask(question: str, history: list[str]) -> Answer:
    if "warehouse" in question:
        return _answer(question, WAREHOUSE, "warehouse.txt")
    return _answer(question, LAKE, "lake.txt")


def _explain(message: str, text: str = LAKE) -> Answer:
    history = ["What is a data lake?"]
    return explain_again(message, route(message, history), history, lambda q, h: _answer(q, text, "lake.txt"))


def test_every_kind_answers_with_cited_passage_sentences() -> None:
    for message in ("explain that more simply", "give me an example", "why?"):
        answer = _explain(message)
        assert answer.citations and all(c.support in LAKE for c in answer.citations), message
        assert "[1]" in answer.answer
    assert "For example, logs and images" in _explain("give me an example").answer
    assert "because schemas" in _explain("why?").answer


def test_no_example_in_the_notes_is_said_not_invented() -> None:
    text = "A data lake stores raw data of any shape at any scale."
    answer = _explain("give me an example", text)
    assert answer.answer.startswith("Your notes give no example of this.")


def test_difference_cites_both_sides() -> None:
    history = ["What is a data lake?"]
    message = "how is that different from a data warehouse?"
    answer = explain_again(message, route(message, history), history, _ask)
    assert [c.doc_id for c in answer.citations] == ["lake.txt", "warehouse.txt"]
    assert "[2]" in answer.answer and "a data warehouse" in answer.answer


def test_nothing_to_explain_without_an_earlier_question() -> None:
    with pytest.raises(TutorError):
        explain_again("why?", route("why?", ["quiz me"]), ["quiz me"], _ask)
