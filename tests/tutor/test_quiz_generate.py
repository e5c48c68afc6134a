"""generate_quiz with the rule-based generator on the real corpus: what a learner gets, and the errors."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from pathlib import Path

import pytest
from quiz_support import fresh_home, quiz_home_fixture, remove  # noqa: F401

from tutor.errors import TutorError
from tutor.quiz.gate import validate
from tutor.quiz.models import QuizItem
from tutor.quiz.service import quiz_context
from tutor.study.practice import generate_quiz

CONTRACT = {"id", "type", "question", "options", "answer", "explanation", "citation"}
CITATION = {"n", "doc_id", "title", "heading", "text", "start", "end", "score", "support"}


def learner() -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


def quiz(**kw: object) -> list[QuizItem]:
    kw.setdefault("backend", "extractive")
    kw.setdefault("learner", learner())
    return generate_quiz(**kw)  # type: ignore[arg-type]


def test_items_follow_the_contract_and_pass_the_gate(quiz_home: Path) -> None:
    items = quiz(n=12)
    assert len(items) == 12
    bank = quiz_context().bank
    for item in items:
        data = json.loads(item.model_dump_json())
        assert set(data) >= CONTRACT and set(data["citation"]) >= CITATION
        assert item.type in ("mcq", "true_false", "short")
        assert item.citation.support in item.citation.text
        assert validate(item, bank).ok
        if item.type == "mcq":
            assert len(item.options) == 4 and len({o.lower() for o in item.options}) == 4
            assert item.answer in item.options
            assert item.answer.lower() not in item.question.lower()
            assert set(item.why_wrong) == set(item.options) - {item.answer}
        elif item.type == "true_false":
            assert item.options == ["True", "False"] and item.answer in item.options
        else:
            assert item.options == [] and item.answer
    assert {i.type for i in items} == {"mcq", "true_false", "short"}


def test_citation_points_at_the_cleaned_document_text(quiz_home: Path) -> None:
    from tutor.store import get_store

    chunks = {(c.doc_id, c.start, c.end): c.text for c in get_store().all_chunks()}
    for item in quiz(n=8):
        c = item.citation
        assert chunks[(c.doc_id, c.start, c.end)] == c.text


def test_without_a_topic_items_spread_over_every_document(quiz_home: Path) -> None:
    # Several learners, because each learner's quiz is shuffled differently.
    for _ in range(12):
        items = quiz(n=10)
        docs = Counter(i.citation.doc_id for i in items)
        assert len(docs) == 5 and max(docs.values()) == 2, docs
        assert Counter(i.type for i in items) == {"mcq": 4, "true_false": 3, "short": 3}


def test_topic_keeps_items_on_topic(quiz_home: Path) -> None:
    items = quiz(topic="Kinesis streaming data ingestion", n=4)
    assert items
    for item in items:
        assert "kinesis" in item.citation.text.lower() or "stream" in item.citation.text.lower()


def test_document_filter_accepts_the_file_stem(quiz_home: Path) -> None:
    items = quiz(doc_id="ml-services-key-concepts", n=5)
    assert {i.citation.doc_id for i in items} == {"ml-services-key-concepts.txt"}


def test_domain_filter(quiz_home: Path) -> None:
    items = quiz(domain="3", n=5)
    assert items and {i.domain for i in items} == {"Modeling"}
    assert all(
        "Modeling" in i.citation.heading or i.citation.doc_id != "aws-ml-specialty-exam-notes.txt"
        for i in items
    )


def test_type_filter(quiz_home: Path) -> None:
    items = quiz(n=4, types=["short"])
    assert [i.type for i in items] == ["short"] * 4


def test_a_learner_is_not_asked_the_same_thing_twice(quiz_home: Path) -> None:
    who = learner()
    first = quiz(n=10, learner=who)
    second = quiz(n=10, learner=who)
    assert not {i.fact_key for i in first} & {i.fact_key for i in second}
    # Another learner may get the same material.
    assert quiz(n=10, learner=learner(), seed=1)


def test_running_out_of_new_items_says_what_to_do(quiz_home: Path) -> None:
    who = learner()
    with pytest.raises(TutorError, match="No new questions left"):
        for _ in range(10):
            quiz(doc_id="ml-in-the-cloud-study-guide.txt", n=50, learner=who)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "at least 1"),
        ({"n": -3}, "at least 1"),
        ({"n": 500}, "at most"),
        ({"doc_id": "no-such-doc.txt"}, "Indexed documents: .*ml-services-key-concepts.txt"),
        ({"topic": "   "}, "topic is empty"),
        ({"topic": "quantum chromodynamics of gluons"}, "Nothing in your material about"),
        ({"domain": "seventh"}, "Unknown exam domain"),
        ({"types": ["essay"]}, "Unknown question type"),
    ],
)
def test_bad_input_raises_a_helpful_error(quiz_home: Path, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(TutorError, match=message):
        quiz(**kwargs)


def test_empty_index_says_to_ingest(monkeypatch: pytest.MonkeyPatch) -> None:
    from tutor.config import get_settings

    home = fresh_home()
    monkeypatch.setenv("TUTOR_HOME", str(home))
    get_settings.cache_clear()
    try:
        with pytest.raises(TutorError, match="tutor ingest"):
            quiz(n=3)
    finally:
        get_settings.cache_clear()
        remove(home)
