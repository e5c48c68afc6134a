"""Answerability on a small course of its own: an asked-for duration may be stated as a period between dates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

NOTES = """# Club history

## Leaders

The club has had several chairs since it was founded in 1990.

Ann Example led the club from March 2003 until March 2005.

Bo Sample led the club from April 2005 until April 2009.

## Meetings

The club meets on the first Monday of every month in the village hall.
Members bring their own tea and the chair keeps the minutes.
"""


def _club(home: Path, notes: str) -> Any:
    from tutor.documents import ingest
    from tutor.rag.pipeline import get_tutor

    corpus = home.parent / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "club.md").write_text(notes)
    assert ingest().added == 1
    return get_tutor()


def test_a_period_between_two_dates_answers_how_long(tutor_home: Path, minilm: Any) -> None:
    club = _club(tutor_home, NOTES)
    answer = club.ask("How long did Ann Example lead the club?", backend="extractive")
    assert answer.answerable and "March 2003 until March 2005" in answer.answer


def test_two_dates_in_different_sentences_are_no_period(tutor_home: Path, minilm: Any) -> None:
    from tutor.rag.assess import assess

    notes = NOTES.replace("led the club from March 2003 until March 2005", "became chair in 2003").replace(
        "led the club from April 2005 until April 2009", "became chair in 2005"
    )
    club = _club(tutor_home, notes)
    question = "How long did Ann Example lead the club?"
    passages = club.retriever.search(question, k=5).passages
    assert "no such duration" in assess(question, passages, club.retriever.lexical()).reason
