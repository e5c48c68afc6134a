"""End to end in a real browser: `tutor ui` as a subprocess, Debian's chromium driven by Playwright.

Slow (starts servers, loads models); `make test` runs it, `make test-fast` skips it. Saves the README
screenshots docs/screenshots/chat.png and quiz.png.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from ui_helpers import ROOT, UIEnv

pytestmark = pytest.mark.slow

SCREENSHOTS = ROOT / "docs" / "screenshots"
QUESTION = "What is Amazon Comprehend used for?"
ANSWER_TIMEOUT_MS = 240_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._out = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tutor", "ui", "--port", str(self.port)],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it also stops the streamlit child
        )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"`tutor ui` exited with {self.proc.returncode}:\n{self.log.read_text()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError(f"`tutor ui` not ready after {timeout}s:\n{self.log.read_text()}")
        assert f"http://127.0.0.1:{self.port}" in self.log.read_text(), "the URL is printed"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._out.close()


def start_server(ui_env: UIEnv, backend: str, log: Path) -> Server:
    server = Server(ui_env.env(backend), log)
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="module")
def server(ui_env: UIEnv, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # Its own copy of the index: the browser tests add and remove documents, and a failure half-way must
    # not leave the in-process UI tests a changed library.
    base = tmp_path_factory.mktemp("server")
    shutil.copytree(ui_env.home, base / "home", symlinks=True)
    s = start_server(UIEnv(home=base / "home", corpus=ui_env.corpus), "extractive", base / "ui.log")
    yield s
    s.stop()


def open_app(browser, url: str, height: int = 1000):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1360, "height": height}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    chat_box(page).wait_for()
    return page


def chat_box(page):  # type: ignore[no-untyped-def]
    return page.get_by_placeholder(re.compile("Ask about your notes"))


def ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    chat_box(page).fill(question)
    chat_box(page).press("Enter")


def wait_answer(page, n: int = 1) -> None:  # type: ignore[no-untyped-def]
    """Wait for the n-th finished answer of the conversation (its 'Sources considered' expander)."""
    page.get_by_text(re.compile(r"^Sources considered")).nth(n - 1).wait_for(timeout=ANSWER_TIMEOUT_MS)


def give_answer(scope, text: str, first: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Answer the practice item shown in ``scope``: its second radio label (the first option), else ``text``
    typed into its text box. Waits for the widget itself: the question can show before its options do, and a
    choice item's radio group is labelled "Your answer" too, so a label lookup can take it for a text box."""
    widgets = scope.locator(":is([data-testid='stRadio'], [data-testid='stTextInput'])")
    widget = widgets.first if first else widgets.last
    widget.wait_for(timeout=ANSWER_TIMEOUT_MS)
    if widget.get_attribute("data-testid") == "stRadio":
        widget.locator("label").nth(1).click()  # nth(0) is the widget's own "Your answer" label
    else:
        box = widget.locator("input")
        box.fill(text)
        box.press("Enter")


def open_first_citation(page):  # type: ignore[no-untyped-def]
    chip = page.locator("[data-testid='stPopover'] button").filter(has_text=re.compile(r"\[\d+\]")).first
    chip.click()
    panel = page.locator(".tutor-source").filter(has=page.locator("mark")).first
    panel.wait_for(state="visible")
    return panel


def click_settled(page, locator, attempts: int = 20) -> None:  # type: ignore[no-untyped-def]
    """Click a widget once the app is idle and shows exactly one copy of it; mid-rerun, a stale copy can
    sit beside the new one (a strict-mode failure in CI), so wait for the page to settle and retry."""
    for _ in range(attempts):
        wait_idle(page)
        if locator.count() == 1:
            try:
                locator.click(timeout=5_000)
                return
            except PlaywrightError:
                pass
        page.wait_for_timeout(250)
    expect(locator).to_have_count(1)
    locator.click()


def wait_idle(page, timeout_ms: int = ANSWER_TIMEOUT_MS) -> None:  # type: ignore[no-untyped-def]
    """Wait until the app's script run has finished: mid-rerun, Streamlit shows stale copies of elements
    beside new ones, and a widget touched then can be replaced under the pointer."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=timeout_ms,
    )


# The answer text of the first assistant message (the streamed placeholder, then the finished answer): the
# chat message's markdown outside the status box, the captions and the citation chips.
_ANSWER_TEXT_JS = """
() => {
  const m = document.querySelectorAll('[data-testid=stChatMessage]')[1];
  if (!m) return null;
  return [...m.querySelectorAll('[data-testid=stMarkdownContainer]')]
    .filter(e => !e.closest('[data-testid=stExpander]') && !e.closest('[data-testid=stCaptionContainer]')
                 && !e.closest('[data-testid=stPopover]') && !e.closest('[data-testid=stAlert]')
                 && !e.closest('[data-testid=stButton]') && !e.closest('[data-testid=stStatusWidget]'))
    .map(e => e.innerText).join('\\n');
}
"""
# Polls that text every 50 ms while the answer streams and keeps each distinct value.
RECORD_STREAM = (
    "() => { window.__answerSamples = []; const read = "
    + _ANSWER_TEXT_JS.strip()
    + "; window.__answerTimer = setInterval(() => { const t = read(); const s = window.__answerSamples;"
    " if (t && s[s.length - 1] !== t) s.push(t); }, 50); }"
)


def _norm(text: str) -> str:
    return " ".join(text.replace("▌", " ").split())


def _answer_text(page) -> str:  # type: ignore[no-untyped-def]
    return _norm(page.evaluate(_ANSWER_TEXT_JS) or "")


def test_chat_cited_answer_citation_reload(server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_app(browser, server.url, height=1250)  # tall enough for the citation to open below the answer
    page.get_by_text("ready").first.wait_for()
    ask(page, QUESTION)
    wait_answer(page)
    answer = page.locator("[data-testid='stChatMessage']").nth(1)
    assert answer.locator("[data-testid='stPopover']").count() >= 1, "the answer carries citation chips"
    panel = open_first_citation(page)
    assert panel.locator(".tutor-source-title").inner_text().strip()
    assert panel.locator("mark").inner_text().strip(), "the supporting span is highlighted"
    page.mouse.move(1300, 1200)  # off the chip, so its tooltip does not cover the answer in the screenshot
    time.sleep(0.8)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat.png"))
    page.keyboard.press("Escape")

    assert "c=" in page.url
    page.reload()
    chat_box(page).wait_for()
    page.get_by_text(QUESTION).first.wait_for()
    wait_answer(page)
    page.context.close()


def test_quiz_item_gets_cited_feedback(server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    page = open_app(browser, server.url)
    page.get_by_role("link", name="Quiz").click()
    page.get_by_role("button", name="Start quiz").click()
    page.get_by_text(re.compile(r"^Question 1 of")).wait_for(timeout=ANSWER_TIMEOUT_MS)
    give_answer(page.locator("[data-testid='stMain']"), "Amazon SageMaker", first=True)
    check = page.get_by_role("button", name="Check answer")
    check.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some(b => b.innerText.includes('Check answer') && !b.disabled)"
    )
    check.click()
    page.locator(".tutor-source").first.wait_for()
    feedback = page.locator(
        "[data-testid='stAlertContentSuccess'], [data-testid='stAlertContentError']"
    ).first
    assert re.search(r"\b(Correct|Not quite)\b", feedback.inner_text())
    assert page.get_by_role("button", name="Next question").count() == 1
    time.sleep(0.5)
    page.screenshot(path=str(SCREENSHOTS / "quiz.png"))
    page.context.close()


def test_library_upload_through_the_browser(server: Server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A real upload (XSRF protection on) is indexed and listed; removing it restores the library."""
    notes = tmp_path / "glacier-notes.md"
    notes.write_text(
        "# Amazon S3 Glacier\n\nAmazon S3 Glacier is a low-cost storage class for data archiving and long-term "
        "backup, with retrieval times from minutes to hours.\n"
    )
    page = open_app(browser, server.url)
    page.get_by_role("link", name="Library").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(notes))
    page.get_by_role("button", name=re.compile(r"^Add 1 file")).click()
    page.get_by_text(re.compile(r"^Added glacier-notes\.md")).wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.get_by_text("glacier-notes.md").first.wait_for()
    wait_idle(page)
    page.locator("[data-testid='stSelectbox']").filter(has_text="Document").click()
    page.get_by_role("option", name=re.compile("glacier-notes.md")).click()
    # The selection starts a rerun that may not have begun yet, so wait for the box to show the choice; until the
    # rerun ends, the box of the run before can still be on the page beside the new one.
    document = page.get_by_role("combobox", name="Document")
    expect(document).to_have_count(1, timeout=60_000)
    expect(document).to_have_value(re.compile(r"glacier-notes\.md"), timeout=60_000)
    # By its widget key: the uploader's own "Remove glacier-notes.md" button may still be on the page.
    click_settled(page, page.locator(".st-key-remove_button").get_by_role("button", name="Remove"))
    page.get_by_text("Removed glacier-notes.md.").wait_for()
    page.context.close()


def test_two_sessions_get_their_own_conversations(server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    a = open_app(browser, server.url)
    b = open_app(browser, server.url)
    assert a.url != b.url, "each session gets its own conversation id"
    ask(a, "What is Amazon Kinesis?")
    ask(b, "What is AWS Glue?")
    wait_answer(a)
    wait_answer(b)
    assert a.get_by_text("What is AWS Glue?").count() == 0
    assert b.get_by_text("What is Amazon Kinesis?").count() == 0
    for page in (a, b):
        page.context.close()


def test_local_backend_answers(ui_env: UIEnv, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The default backend, for real: the model loads on the first answer and the answer is cited."""
    from tutor.llm.model_files import MODELS

    models = ui_env.home / "models"
    source = ROOT / ".tutor" / "models"
    if not (models / MODELS["local"].filename).exists() and (source / MODELS["local"].filename).exists():
        models.mkdir(parents=True, exist_ok=True)
        for f in source.glob(f"{MODELS['local'].filename}*"):
            (models / f.name).symlink_to(f)
    server = start_server(ui_env, "local", tmp_path / "ui-local.log")
    try:
        page = open_app(browser, server.url)
        page.evaluate(RECORD_STREAM)
        ask(page, "What is Amazon Athena?")
        wait_answer(page)
        # What streamed is what stays: every text the answer showed while streaming is where the finished
        # answer starts (no raw model text, no "NOT IN MATERIAL", nothing replaced).
        page.wait_for_timeout(500)
        samples: list[str] = page.evaluate("() => window.__answerSamples")
        final = _answer_text(page)
        streamed = [t for t in (_norm(x) for x in samples) if t]
        assert final and streamed, (samples, final)
        for text in streamed:
            assert final.startswith(text), f"streamed {text!r} is not where the answer {final!r} starts"
        assert not any("NOT IN MATERIAL" in t for t in streamed)
        assert (
            page.locator("[data-testid='stChatMessage']").nth(1).locator("[data-testid='stPopover']").count()
            >= 1
        )
        # The timing caption is the answer's last element: under load it can arrive after "Sources considered".
        caption = page.get_by_text(re.compile(r"^local · "))
        caption.wait_for(timeout=ANSWER_TIMEOUT_MS)
        assert caption.count() == 1
        page.context.close()
    finally:
        server.stop()
