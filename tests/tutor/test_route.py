"""The chat router: practice requests, explain-again follow-ups and questions that merely mention tests."""

from __future__ import annotations

import json

import pytest

from evals.routing import FLOOR, ROUTING_DIR, run_routing, score
from tutor.study.route import DEFAULT_COUNT, route


def test_labelled_set_meets_the_issue_and_is_routed_above_the_floor() -> None:
    metrics, results = score()
    assert len(results) >= 80
    practice = [r for r in results if r.expected == "practice"]
    mentions = [
        r
        for r in results
        if r.expected == "question" and any(w in r.message.lower() for w in ("quiz", "test", "practi"))
    ]
    assert len(practice) >= 30 and len(mentions) >= 30
    for name, value in metrics.items():
        if name.startswith("routing_accuracy"):
            assert value >= FLOOR, (name, [(r.message, r.got) for r in results if not r.ok])


def test_heldout_split_exists_and_is_disjoint() -> None:
    dev = {json.loads(x)["message"] for x in (ROUTING_DIR / "messages.jsonl").read_text().splitlines() if x}
    held = {json.loads(x)["message"] for x in (ROUTING_DIR / "heldout.jsonl").read_text().splitlines() if x}
    assert len(held) >= 30 and not dev & held


def test_gate_passes_and_prints_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_routing(gate=True) == 0
    out = capsys.readouterr()
    assert out.out == "" and "routing: accuracy" in out.err


@pytest.mark.parametrize(
    ("message", "history", "topic", "count"),
    [
        ("quiz me on here documents", [], "here documents", DEFAULT_COUNT),
        ("give me 5 questions about factors in R", [], "factors in R", 5),
        ("test me", [], "", DEFAULT_COUNT),
        ("ask me something about what we just discussed", ["What is a crontab?"], "", DEFAULT_COUNT),
        ("a couple of true/false questions on loops please", [], "loops", 2),
    ],
)
def test_practice_requests(message: str, history: list[str], topic: str, count: int) -> None:
    r = route(message, history)
    assert (r.route, r.topic, r.count) == ("practice", topic, count)
    assert r.scope == ("topic" if topic else "conversation" if history else "everything")


@pytest.mark.parametrize(
    "message",
    [
        "what exit status does test return when the condition is false?",
        "how does t.test handle paired samples?",
        "Is it good practice to quote every variable?",
        "Give me 5 reasons to use one tool over another",
        "give me an example",  # no earlier answer to explain again: a question
    ],
)
def test_questions_that_mention_tests(message: str) -> None:
    assert route(message, []).route == "question"


@pytest.mark.parametrize(
    ("message", "kind", "topic"),
    [
        ("explain that more simply", "simpler", ""),
        ("give me an example", "example", ""),
        ("why?", "why", ""),
        ("how is that different from sapply?", "different", "sapply"),
    ],
)
def test_explain_again(message: str, kind: str, topic: str) -> None:
    r = route(message, ["What does lapply return?"])
    assert (r.route, r.kind, r.topic) == ("explain", kind, topic)


def test_more_after_a_practice_request_is_practice() -> None:
    assert route("another one", ["quiz me on vectors"]).route == "practice"
    assert route("another one", ["what is a vector?"]).route != "practice"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Why does the installer ask me questions during setup?", "question"),
        ("What should I do when the tool asks me to confirm?", "question"),
        ("why don't you quiz me on it?", "practice"),
        ("Why not quiz me on the last topic?", "practice"),
    ],
)
def test_a_question_that_mentions_being_asked_is_not_a_request(message: str, expected: str) -> None:
    assert route(message, ["What is a package manager?"]).route == expected


def test_a_question_about_examples_in_the_text_is_not_explain_again() -> None:
    """After an answer, a long question asking what examples an author gives names its own subject; "that" in it
    is a relative pronoun, not a pointer back (found reading the app on an unseen history question)."""
    history = ["How long did the second leader serve?"]
    message = "In the manifesto, what examples does the author give of free software that still succeeded commercially?"
    assert route(message, history).route == "question"
    assert route("Can you give me an example of that?", history).kind == "example"


def test_a_tool_that_shows_the_learner_something_is_a_question() -> None:
    """Found reading the app on an unseen handbook question: "show me" there is what a tool does, not a request
    for an example; said to the tutor alone it still is one."""
    history = ["What is the difference between the InRelease file and the Release file?"]
    message = (
        "Before a big upgrade, is there a tool that will show me the maintainers' warnings about changes?"
    )
    assert route(message, history).route == "question"
    assert route("Can you show me?", history).kind == "example"
    assert route("show me that in code", history).kind == "example"
