"""The validation gate rejects each kind of bad item, and malformed LLM output never reaches a learner."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from quiz_support import quiz_home_fixture  # noqa: F401

from tutor.quiz.gate import validate
from tutor.quiz.generate_llm import MAX_ATTEMPTS, Rephraser
from tutor.quiz.models import Fact, QuizItem, Served
from tutor.quiz.service import quiz_context


def fact(term: str, stem_words: str) -> Fact:
    bank = quiz_context().bank
    for f in bank.facts:
        if f.term.name == term and stem_words in f.stem:
            return f
    raise AssertionError(f"no fact about {term} with '{stem_words}'")


def mcq(term: str, stem_words: str) -> QuizItem:
    item = quiz_context().generator.mcq(fact(term, stem_words), random.Random(0))
    assert item is not None
    return item


def reasons(item: QuizItem, seen: list[Served] | None = None) -> str:
    verdict = validate(item, quiz_context().bank, seen or [])
    return "; ".join(verdict.reasons)


@pytest.fixture
def polly(quiz_home: Path) -> QuizItem:
    item = mcq("Amazon Polly", "text to speech")
    assert reasons(item) == ""
    return item


def test_wrong_key_is_rejected(polly: QuizItem) -> None:
    wrong = next(o for o in polly.options if o != polly.answer)
    assert "does not name the key" in reasons(polly.model_copy(update={"answer": wrong}))


def test_key_must_entail_the_question_not_just_appear(polly: QuizItem) -> None:
    # The passage names Polly, but says nothing about translating languages.
    other = polly.model_copy(
        update={"question": "Which AWS service translates text between languages in real time?"}
    )
    assert "does not entail" in reasons(other)


def test_question_must_not_give_away_the_key(polly: QuizItem) -> None:
    leaky = polly.model_copy(
        update={"question": "Which AWS service, Polly, is a Deep Learning enabled text to speech service?"}
    )
    assert "gives away" in reasons(leaky)


def test_options_must_be_four_distinct_of_the_same_kind(polly: QuizItem) -> None:
    opts = list(polly.options)
    assert "4 options" in reasons(
        polly.model_copy(update={"options": opts[:3] if polly.answer in opts[:3] else opts[1:]})
    )
    dup = [polly.answer, polly.answer.upper(), *[o for o in opts if o != polly.answer][:2]]
    assert "not distinct" in reasons(polly.model_copy(update={"options": dup}))
    first_wrong = next(i for i, o in enumerate(opts) if o != polly.answer)
    mixed = [("Object2Vec" if i == first_wrong else o) for i, o in enumerate(opts)]
    assert "is not a service like the key" in reasons(polly.model_copy(update={"options": mixed}))


def test_a_second_defensible_option_is_rejected(quiz_home: Path) -> None:
    item = mcq("Amazon Kinesis Video Streams", "ingest and analyze video")
    wrong = [o for o in item.options if o != item.answer]
    # "Amazon Kinesis" overlaps the key's name: a learner could defend it.
    both = item.model_copy(update={"options": [item.answer, "Amazon Kinesis", *wrong[:2]]})
    assert "could also be correct" in reasons(both)


def test_support_must_be_inside_the_cited_passage(polly: QuizItem) -> None:
    moved = polly.citation.model_copy(update={"support": "Amazon Polly is a service that reads minds."})
    assert "not in the cited passage" in reasons(polly.model_copy(update={"citation": moved}))


def test_near_duplicates_of_served_items_are_rejected(polly: QuizItem) -> None:
    same_fact = Served(polly.fact_key, polly.subject, "something else entirely")
    assert "near-duplicate" in reasons(polly, [same_fact])
    reworded = Served("other-key", polly.subject, polly.question.replace("Which AWS service", "What service"))
    assert "near-duplicate" in reasons(polly, [reworded])
    unrelated = Served(
        "k", "Amazon Translate", "Which AWS service is a Deep Learning based language translation service?"
    )
    assert reasons(polly, [unrelated]) == ""


def test_true_false_false_statement_must_really_be_false(quiz_home: Path) -> None:
    ctx = quiz_context()
    made = ((f, ctx.generator.true_false(f, random.Random(0))) for f in ctx.bank.facts)
    f, item = next((f, i) for f, i in made if i is not None and i.answer == "False" and reasons(i) == "")
    # Claiming the swapped statement is True contradicts the passage.
    assert reasons(item.model_copy(update={"answer": "True"})) != ""
    # With the real subject put back the statement is true, so "False" would be a wrong key.
    assert reasons(item.model_copy(update={"question": f"True or false: {f.statement}"})) != ""


def _rephraser(monkeypatch: pytest.MonkeyPatch, outputs: list[str]) -> tuple[Rephraser, list[str]]:
    calls: list[str] = []
    r = Rephraser("local", quiz_context().bank)

    def fake_ask(item: QuizItem, attempt: int = 0) -> str:
        calls.append(item.id)
        return outputs[min(len(calls) - 1, len(outputs) - 1)]

    monkeypatch.setattr(r, "_ask", fake_ask)
    return r, calls


def test_malformed_llm_output_is_retried_a_bounded_number_of_times_and_never_shown(
    polly: QuizItem, monkeypatch: pytest.MonkeyPatch
) -> None:
    r, calls = _rephraser(monkeypatch, ['{"question": ', "not json at all"])
    assert r(polly) is None
    assert len(calls) == MAX_ATTEMPTS
    assert r.stats["malformed"] == MAX_ATTEMPTS


def test_llm_rewording_that_leaks_the_key_is_rejected(
    polly: QuizItem, monkeypatch: pytest.MonkeyPatch
) -> None:
    r, _ = _rephraser(
        monkeypatch, ['{"question": "Is Amazon Polly the Deep Learning text to speech service?"}']
    )
    assert r(polly) is None
    assert r.stats["rejected"] == 1


def test_llm_rewording_that_keeps_the_meaning_is_used(
    polly: QuizItem, monkeypatch: pytest.MonkeyPatch
) -> None:
    q = "Which AWS service is the Deep Learning enabled text to speech service used to create talk based applications?"
    r, _ = _rephraser(monkeypatch, [f'{{"question": "{q}"}}'])
    out = r(polly)
    assert out is not None and out.question == q and out.source == "llm"
    assert out.answer == polly.answer and out.options == polly.options and out.citation == polly.citation


def test_llm_rewording_that_changes_what_is_asked_for_is_rejected(
    quiz_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (The course's simile "Scalability is similar to a restaurant chain" makes no stem since ADR 0020.)
    item = mcq("Scalability", "large datasets")
    r, _ = _rephraser(
        monkeypatch,
        [
            '{"question": "Which restaurant chain ensures that models can handle large datasets and high-demand workloads?"}'
        ],
    )
    assert r(item) is None and r.stats["rejected"] == 1


def test_llm_rewording_emptied_of_content_is_rejected(
    quiz_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the 135M model once produced for the Scalability item: the key-plus-question sentence was still
    # "covered", but the learner would be asked nothing.
    item = mcq("Scalability", "large datasets")
    r, _ = _rephraser(monkeypatch, ['{"question": "Which term describes?"}'])
    assert r(item) is None and r.stats["rejected"] == 1
    assert "too short or vague" in reasons(
        item.model_copy(update={"question": "Which term describes?", "source": "llm"})
    )


def test_true_false_items_are_not_reworded(quiz_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = quiz_context()
    item = next(
        i for i in (ctx.generator.true_false(f, random.Random(0)) for f in ctx.bank.facts) if i is not None
    )
    r, calls = _rephraser(monkeypatch, ['{"question": "True or false: something else."}'])
    assert r(item) is None and calls == []
