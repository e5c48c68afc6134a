"""Grading: rule-based for choices, normalised match + similarity for short answers, feedback that explains."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from quiz_support import quiz_home_fixture  # noqa: F401

from tutor.errors import TutorError
from tutor.quiz.grade import grade
from tutor.quiz.models import QuizItem
from tutor.quiz.service import quiz_context
from tutor.store import get_embedder


def _fact(term: str, words: str):  # type: ignore[no-untyped-def]
    return next(f for f in quiz_context().bank.facts if f.term.name == term and words in f.stem)


@pytest.fixture
def transcribe_mcq(quiz_home: Path) -> QuizItem:
    item = quiz_context().generator.mcq(_fact("Amazon Transcribe", "speech to text"), random.Random(3))
    assert item is not None
    return item


@pytest.fixture
def transcribe_short(quiz_home: Path) -> QuizItem:
    item = quiz_context().generator.short(_fact("Amazon Transcribe", "speech to text"))
    assert item is not None
    return item


def g(item: QuizItem, response: str):  # type: ignore[no-untyped-def]
    return grade(item, response, bank=quiz_context().bank, embed=get_embedder().embed)


def test_mcq_accepts_letter_number_or_text(transcribe_mcq: QuizItem) -> None:
    idx = transcribe_mcq.options.index(transcribe_mcq.answer)
    for response in ("ABCD"[idx], "abcd"[idx] + ")", str(idx + 1), transcribe_mcq.answer.lower()):
        result = g(transcribe_mcq, response)
        assert result.correct, response
        assert "Correct" in result.feedback and transcribe_mcq.citation.support in result.feedback


def test_wrong_choice_says_why_that_option_is_wrong_and_quotes_the_passage(transcribe_mcq: QuizItem) -> None:
    wrong = next(o for o in transcribe_mcq.options if o != transcribe_mcq.answer)
    result = g(transcribe_mcq, wrong)
    assert not result.correct and result.score == 0.0
    assert f"the answer is {transcribe_mcq.answer}" in result.feedback
    assert transcribe_mcq.why_wrong[wrong] in result.feedback
    assert wrong in transcribe_mcq.why_wrong[wrong]
    assert transcribe_mcq.citation.support in result.feedback
    assert transcribe_mcq.citation.title in result.feedback


def test_a_response_that_picks_no_option_is_refused_not_graded(transcribe_mcq: QuizItem) -> None:
    with pytest.raises(TutorError, match="A-D"):
        g(transcribe_mcq, "E")


def test_true_false_variants(quiz_home: Path) -> None:
    ctx = quiz_context()
    item = next(
        i
        for i in (ctx.generator.true_false(f, random.Random(0)) for f in ctx.bank.facts)
        if i and i.answer == "False"
    )
    for response in ("false", "F", "no", "False."):
        assert g(item, response).correct
    result = g(item, "true")
    assert not result.correct and "Not quite: the statement is False" in result.feedback
    assert item.subject in result.feedback
    with pytest.raises(TutorError, match="True or False"):
        g(item, "maybe")


def test_short_answer_normalised_match(transcribe_short: QuizItem) -> None:
    for response in ("Amazon Transcribe", "transcribe", "  AWS   Transcribe ", "Amazon Transcrbe"):
        assert g(transcribe_short, response).correct, response


def test_short_answer_naming_another_service_is_wrong_with_a_reason(transcribe_short: QuizItem) -> None:
    result = g(transcribe_short, "Amazon Translate")
    assert not result.correct
    assert "not Amazon Translate" in result.feedback
    assert "translation" in result.feedback  # Translate's own definition, quoted from the corpus
    assert transcribe_short.citation.support in result.feedback


def test_short_answer_unrelated_text_is_wrong(transcribe_short: QuizItem) -> None:
    result = g(transcribe_short, "a relational database")
    assert not result.correct and result.score < 0.8


def test_short_answer_semantic_match_on_a_descriptive_key(quiz_home: Path) -> None:
    ctx = quiz_context()
    f = next(f for f in ctx.bank.facts if f.term.name == "Custom Model Training")
    item = ctx.generator.short(f)
    assert item is not None
    assert g(item, "custom model training").correct
    assert g(item, "training a custom model").correct  # same meaning, other word order


def test_empty_short_answer_is_refused(transcribe_short: QuizItem) -> None:
    with pytest.raises(TutorError, match="empty"):
        g(transcribe_short, "   ")
