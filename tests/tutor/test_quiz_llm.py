"""Quizzes with a real language model: it may only reword stems, and every item still passes the gate."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from quiz_support import quiz_home_fixture  # noqa: F401

from evals.quiz_validity import check_item
from tutor.quiz.gate import validate
from tutor.quiz.service import quiz_context
from tutor.study.practice import generate_quiz


def _check(backend: str, n: int) -> None:
    items = generate_quiz(
        n=n, types=["mcq", "short"], backend=backend, learner=uuid.uuid4().hex, remember=False
    )
    assert len(items) == n
    bank = quiz_context().bank
    for item in items:
        assert validate(item, bank).ok
        assert check_item(item, item.citation.text) == []
        # Keys and options always come from the material, whoever worded the question.
        assert item.answer in item.citation.support or item.answer.split(" ", 1)[-1] in item.citation.support


@pytest.mark.slow  # minutes on a busy 2-core machine, even with the 135M model
def test_tiny_model_items_pass_the_gate(quiz_home: Path) -> None:
    _check("tiny", 2)


@pytest.mark.slow
def test_local_model_items_pass_the_gate(quiz_home: Path) -> None:
    _check("local", 4)
