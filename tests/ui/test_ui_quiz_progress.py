"""Quiz and Progress pages in AppTest: answer an item -> cited feedback -> score; mastery, recent attempts, reset."""

from __future__ import annotations

import time
from typing import Any

import pytest
from ui_helpers import UIEnv, errors, html_bodies, new_app, no_traceback

from tutor.quiz.models import QuizItem
from tutor.study.progress import Progress

pytestmark = pytest.mark.usefixtures("app_env")


def quiz_page():  # type: ignore[no-untyped-def]
    at = new_app().run()
    at.switch_page("quiz.py").run()
    no_traceback(at)
    return at


def button(at, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def current_item(at) -> QuizItem:  # type: ignore[no-untyped-def]
    run = at.session_state["quiz_run"]
    return run.items[run.index]


def answer(at, item: QuizItem, right: bool) -> None:  # type: ignore[no-untyped-def]
    if item.type == "short":
        at.text_input[0].set_value(item.answer if right else "Amazon Lighthouse").run()
        return
    radio = at.radio[0]
    pick = next(o for o in radio.options if o.endswith(item.answer) == right)
    radio.set_value(pick).run()


def start(at, n: int) -> None:  # type: ignore[no-untyped-def]
    at.slider(key="quiz_n").set_value(n).run()
    button(at, "Start quiz").click().run()
    no_traceback(at)
    assert not errors(at), errors(at)


@pytest.fixture
def fresh_progress(app_env: UIEnv) -> Progress:
    progress = Progress()
    progress.reset("default")
    return progress


def test_answer_items_get_cited_feedback_and_a_score(fresh_progress: Progress) -> None:
    at = quiz_page()
    start(at, 2)
    first = current_item(at)
    answer(at, first, right=False)
    button(at, "Check answer").click().run()
    no_traceback(at)
    assert [e.value for e in at.error] and "Not quite" in at.error[0].value
    assert any("<mark>" in b and "tutor-source" in b for b in html_bodies(at)), (
        "feedback quotes the cited passage"
    )
    assert any("comes back for review" in c.value for c in at.caption)
    button(at, "Next question").click().run()

    second = current_item(at)
    answer(at, second, right=True)
    button(at, "Check answer").click().run()
    assert at.success and at.success[0].value.startswith("Correct")
    button(at, "See my score").click().run()
    no_traceback(at)
    assert any("You scored 1 of 2" in s.value for s in at.subheader)
    assert fresh_progress.attempts("default") == 2


def test_missed_items_come_first_as_reviews(
    fresh_progress: Progress, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = quiz_page()
    start(at, 1)
    missed = current_item(at)
    answer(at, missed, right=False)
    button(at, "Check answer").click().run()

    # Two days later the missed item is due: the next quiz starts with it.
    later = time.time() + 2 * 86400
    init = Progress.__init__

    def init_later(self: Progress, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.clock = lambda: later

    monkeypatch.setattr(Progress, "__init__", init_later)
    at2 = quiz_page()
    assert at2.toggle(key="quiz_review_first").value is True
    start(at2, 2)
    assert current_item(at2).id == missed.id
    assert "Review" in at2.markdown[0].value


def test_progress_page_shows_mastery_attempts_and_resets(fresh_progress: Progress) -> None:
    at = new_app().run()
    at.switch_page("progress.py").run()
    no_traceback(at)
    assert any("No answers yet" in i.value for i in at.info)

    quiz = quiz_page()
    start(quiz, 1)
    answer(quiz, current_item(quiz), right=True)
    button(quiz, "Check answer").click().run()

    at.run()
    no_traceback(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Answers"] == "1" and metrics["Mastered"] == "100%"
    assert len(at.get("vega_lite_chart")) == 2, "a chart per exam domain and per document"
    recent = at.dataframe[0].value
    assert len(recent) == 1 and bool(recent["Correct"].iloc[0])

    button(at, "Yes, reset my progress").click().run()
    no_traceback(at)
    assert fresh_progress.attempts("default") == 0
    assert any("No answers yet" in i.value for i in at.info)
