"""Practice in the chat, end to end in a real browser (`tutor ui` + Debian's chromium via Playwright).

"Quiz me on <topic>" -> an item about the topic -> the hint ladder's three steps in order -> answered in the
chat -> feedback quoting the cited passage -> the attempt on the Progress page; "Check yourself" under an
answer serves an item citing one of that answer's passages. Saves docs/screenshots/chat-practice.png.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from test_ui_browser import (
    ANSWER_TIMEOUT_MS,
    SCREENSHOTS,
    Server,
    ask,
    chat_box,
    click_settled,
    give_answer,
    open_app,
    start_server,
    wait_answer,
    wait_idle,
)
from ui_helpers import UIEnv

from tutor.quiz.gate import validate
from tutor.quiz.service import quiz_context
from tutor.study.conversations import Conversation, Practice
from tutor.study.progress import Progress

pytestmark = pytest.mark.slow
TOPIC = "data lakes"


@pytest.fixture(scope="module")
def practice_server(ui_env: UIEnv, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    # Its own copy of the index and progress, so the attempts it records are the only ones.
    base = tmp_path_factory.mktemp("practice-server")
    home = base / "home"
    shutil.copytree(ui_env.home, home, symlinks=True)
    for stale in home.glob("progress.sqlite*"):
        stale.unlink()
    s = start_server(UIEnv(home=home, corpus=ui_env.corpus), "extractive", base / "ui.log")
    yield s, home
    s.stop()


def conversation(page, home: Path) -> Conversation:  # type: ignore[no-untyped-def]
    conv_id = parse_qs(urlparse(page.url).query)["c"][0]
    return Conversation.model_validate_json((home / "conversations" / f"{conv_id}.json").read_text())


def last_practice(page, home: Path) -> Practice:  # type: ignore[no-untyped-def]
    for _ in range(40):  # the file is written at the end of the script run
        practice = next((t.practice for t in reversed(conversation(page, home).turns) if t.practice), None)
        if practice is not None:
            return practice
        time.sleep(0.25)
    raise AssertionError("no practice turn was saved")


def answer_current(page) -> None:  # type: ignore[no-untyped-def]
    wait_idle(page)
    give_answer(page.locator("[data-testid='stChatMessage']"), "a guess")
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some(b => b.innerText.includes('Check answer') && !b.disabled)"
    )
    click_settled(page, page.get_by_role("button", name="Check answer"))
    page.locator(
        "[data-testid='stChatMessage'] [data-testid='stAlertContentSuccess'], "
        "[data-testid='stChatMessage'] [data-testid='stAlertContentError']"
    ).first.wait_for(timeout=ANSWER_TIMEOUT_MS)


def test_quiz_me_hints_answer_feedback_progress(practice_server: tuple[Server, Path], browser) -> None:  # type: ignore[no-untyped-def]
    server, home = practice_server
    page = open_app(browser, server.url, height=1400)
    ask(page, f"Quiz me on {TOPIC}")
    page.get_by_text(re.compile(rf"^Practice on {TOPIC}")).wait_for(timeout=ANSWER_TIMEOUT_MS)
    practice = last_practice(page, home)
    item = practice.items[0]
    page.get_by_text(item.question).first.wait_for()
    about = f"{item.question} {item.citation.text}".lower()
    assert "lake" in about, "the item is about the topic asked for"
    ctx_ok = all(validate(i, quiz_context().bank).ok for i in practice.items)
    assert ctx_ok, "items served in the chat pass the Quiz page's validity gate"

    labels = ("Where to look.", "The key sentence.", "The answer.")
    for step, button in enumerate(("Hint: where to look", "Hint: the key sentence", "Show the answer")):
        click_settled(page, page.get_by_role("button", name=button))
        page.get_by_text(labels[step]).first.wait_for()
    wait_idle(page)
    alerts = page.locator(
        "[data-testid='stChatMessage'] [data-testid='stAlertContentInfo']"
    ).all_inner_texts()
    hints = [a.strip() for a in alerts if any(x in a for x in labels)]
    order = [next(x for x in labels if x in h) for h in hints]
    assert order == list(labels), alerts
    assert item.answer in hints[-1] and item.citation.support[:40] in " ".join(hints[-1].split())

    answer_current(page)
    panel = page.locator("[data-testid='stChatMessage'] .tutor-source").filter(has=page.locator("mark")).first
    panel.wait_for()
    assert item.citation.support[:30] in panel.locator("mark").inner_text().replace("\n", " ")
    time.sleep(0.5)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat-practice.png"), full_page=True)

    page.get_by_role("link", name="Progress").click()
    page.get_by_text("Recent attempts").first.wait_for()
    wait_idle(page)
    assert page.get_by_text("No answers yet").count() == 0, "the Progress page shows the attempt"
    recent = Progress(home / "progress.sqlite").recent_attempts("default")
    assert recent and recent[0].item_id == item.id
    page.context.close()


def test_check_yourself_cites_the_answers_passage(practice_server: tuple[Server, Path], browser) -> None:  # type: ignore[no-untyped-def]
    server, home = practice_server
    page = open_app(browser, server.url, height=1400)
    ask(page, "What is a data lake?")
    wait_answer(page)
    answer = next(t.answer for t in reversed(conversation(page, home).turns) if t.answer)
    assert answer is not None and answer.citations
    click_settled(page, page.get_by_role("button", name="Check yourself"))
    page.get_by_text("Check yourself", exact=True).first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    practice = last_practice(page, home)
    assert practice.origin == "check"
    item = practice.items[0]
    page.get_by_text(item.question).first.wait_for()
    where = {(c.doc_id, c.start, c.end) for c in answer.citations}
    assert (item.citation.doc_id, item.citation.start, item.citation.end) in where, (
        "the check-yourself item cites one of the answer's passages"
    )
    answer_current(page)
    chat_box(page).wait_for()
    page.context.close()
