"""Practice in the chat (AppTest): a request serves gated items answered in the chat with cited feedback and
the hint ladder, recorded in progress; "Check yourself" under an answer cites that answer's passages;
explain-again gives a new cited answer."""

from __future__ import annotations

import pytest
from ui_helpers import UIEnv, errors, html_bodies, markdown_text, new_app, no_traceback

from tutor.quiz.gate import validate
from tutor.quiz.models import QuizItem
from tutor.quiz.service import quiz_context
from tutor.study import conversations
from tutor.study.conversations import Conversation, Practice
from tutor.study.progress import Progress

pytestmark = pytest.mark.usefixtures("app_env")


def send(at, message: str):  # type: ignore[no-untyped-def]
    at.chat_input[0].set_value(message).run()
    no_traceback(at)
    return at


def saved(at) -> Conversation:  # type: ignore[no-untyped-def]
    conv = conversations.load(at.query_params["c"])
    assert conv is not None
    return conv


def practice_of(conv: Conversation) -> Practice:
    p = conv.turns[-1].practice
    assert p is not None
    return p


def answer(at, item: QuizItem) -> None:  # type: ignore[no-untyped-def]
    if item.type == "short":
        at.text_input[-1].set_value(item.answer).run()
    else:
        radio = at.radio[-1]
        radio.set_value(next(o for o in radio.options if o.endswith(item.answer))).run()
    next(b for b in at.button if b.label == "Check answer").click().run()
    no_traceback(at)


def test_quiz_me_serves_gated_items_with_hints_and_records_the_attempt(app_env: UIEnv) -> None:
    Progress().reset("default")
    at = new_app().run()
    send(at, "Quiz me on data lakes")
    assert not errors(at), errors(at)
    practice = practice_of(saved(at))
    assert practice.items and practice.origin == "request"
    ctx = quiz_context()
    assert all(validate(i, ctx.bank).ok for i in practice.items), "chat items pass the Quiz page's gate"
    item = practice.items[0]
    assert item.question in markdown_text(at)

    for step, label in enumerate(("Hint: where to look", "Hint: the key sentence", "Show the answer"), 1):
        next(b for b in at.button if b.label == label).click().run()
        no_traceback(at)
        assert len([i for i in at.info if i.value.startswith("**")]) == step
    texts = [i.value for i in at.info]
    assert texts[0].startswith("**Where to look.**") and texts[1].startswith("**The key sentence.**")
    assert texts[2].startswith("**The answer.**") and item.answer in texts[2]

    answer(at, item)
    assert at.success and at.success[0].value.startswith("Correct")
    assert any("<mark>" in b and "tutor-source" in b for b in html_bodies(at)), "feedback quotes the passage"
    recorded = Progress().recent_attempts("default")
    assert recorded and recorded[0].item_id == item.id
    schedule = Progress().schedule_of("default", item.id)
    assert schedule is not None and schedule.reps == 0  # the answer was shown: it comes back tomorrow

    reloaded = new_app()
    reloaded.query_params["c"] = at.query_params["c"]
    reloaded.run()
    no_traceback(reloaded)
    assert item.question in markdown_text(reloaded), "a reload brings the practice back where it was"
    assert reloaded.success and reloaded.success[0].value.startswith("Correct")


def test_check_yourself_cites_one_of_the_answers_passages(app_env: UIEnv) -> None:
    Progress().reset("default")
    at = new_app().run()
    send(at, "What is a data lake?")
    answer_turn = saved(at).turns[-1].answer
    assert answer_turn is not None and answer_turn.citations
    next(b for b in at.button if b.label == "Check yourself").click().run()
    no_traceback(at)
    assert not [i.value for i in at.info if "check" in i.value.lower()], "no item: " + str(at.info)
    conv = saved(at)
    # A cited passage with no mined definition still makes an item from its own sentences: never a skip.
    item = practice_of(conv).items[0]
    cited = {(c.doc_id, c.start, c.end) for c in answer_turn.citations}
    assert (item.citation.doc_id, item.citation.start, item.citation.end) in cited
    assert practice_of(conv).origin == "check"
    assert validate(item, quiz_context().bank).ok, "the Quiz page's gate"


def test_explain_again_and_practice_the_last_topic(app_env: UIEnv) -> None:
    at = new_app().run()
    send(at, "What is a data lake?")
    send(at, "give me an example")
    assert not errors(at), errors(at)
    conv = saved(at)
    again = conv.turns[-1].answer
    assert again is not None and again.citations and "[1]" in again.answer
    send(at, "practice the last topic")
    assert not errors(at), errors(at)
    assert practice_of(saved(at)).items


def test_quiz_page_has_the_hint_ladder_and_hints_weaken_the_recall(app_env: UIEnv) -> None:
    Progress().reset("default")
    at = new_app().run()
    at.switch_page("quiz.py").run()
    at.slider(key="quiz_n").set_value(1).run()
    next(b for b in at.button if b.label == "Start quiz").click().run()
    no_traceback(at)
    run = at.session_state["quiz_run"]
    item = run.items[0]
    next(b for b in at.button if b.label == "Hint: where to look").click().run()
    next(b for b in at.button if b.label == "Hint: the key sentence").click().run()
    assert [i.value.split(".**")[0] for i in at.info] == ["**Where to look", "**The key sentence"]
    assert not [b for b in at.button if b.label == "Hint: the key sentence"]
    answer(at, item)
    assert at.success and at.success[0].value.startswith("Correct")
    assert any("after 2 hints" in c.value for c in at.caption)
    schedule = Progress().schedule_of("default", item.id)
    assert schedule is not None and schedule.ease < 2.5  # quality 3, not 5: the ease drops
