"""Chat page in AppTest: cited answers, citation panels, follow-ups, persistence across a reload, errors."""

from __future__ import annotations

import pytest
from ui_helpers import UIEnv, errors, html_bodies, markdown_text, new_app, no_traceback

from tutor.study import conversations

pytestmark = pytest.mark.usefixtures("app_env")


def ask(at, question: str):  # type: ignore[no-untyped-def]
    at.chat_input[0].set_value(question).run()
    no_traceback(at)
    return at


def test_ask_shows_a_cited_answer_with_an_openable_passage(app_env: UIEnv) -> None:
    at = new_app().run()
    no_traceback(at)
    assert "extractive" in [s.value for s in at.selectbox if s.label == "Answer engine"]
    ask(at, "What is Amazon Athena?")
    assert not errors(at)
    text = markdown_text(at)
    assert ":blue-badge[" in text, text  # [n] markers drawn as chips
    panels = [b for b in html_bodies(at) if "tutor-source" in b and "<style>" not in b]
    assert panels, "a citation opens a passage panel"
    assert "<mark>" in panels[0], "the supporting span is highlighted"
    assert "tutor-source-path" in panels[0], "the heading path is shown"
    assert any(e.label.startswith("Sources considered") for e in at.expander)
    conv_id = at.query_params["c"]
    assert conversations.is_valid_id(conv_id)
    saved = conversations.load(conv_id)
    assert saved is not None and [t.role for t in saved.turns] == ["user", "assistant"]
    assert saved.turns[1].answer is not None and saved.turns[1].answer.citations


def test_follow_up_uses_history_and_survives_a_reload(app_env: UIEnv) -> None:
    at = new_app().run()
    ask(at, "What is Amazon Athena?")
    ask(at, "How is it priced?")
    assert not errors(at)
    assert "Searched for" in "\n".join(c.value for c in at.caption), "the rewritten follow-up query is shown"
    conv_id = at.query_params["c"]

    reloaded = new_app()
    reloaded.query_params["c"] = conv_id
    reloaded.run()
    no_traceback(reloaded)
    users = [m for m in reloaded.chat_message if m.name == "user"]
    assert len(users) == 2
    assert "What is Amazon Athena?" in markdown_text(reloaded)
    assert reloaded.query_params["c"] == conv_id

    new = next(b for b in reloaded.button if b.label == "New conversation")
    new.click().run()
    assert reloaded.query_params["c"] != conv_id
    assert not [m for m in reloaded.chat_message if m.name == "user"]


def test_a_bad_question_is_a_readable_error_not_a_traceback(app_env: UIEnv) -> None:
    at = new_app().run()
    ask(at, "   ")
    assert any("question is empty" in e for e in errors(at)), errors(at)


def test_an_unconfigured_backend_is_a_readable_error(app_env: UIEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("TUTOR_OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    at = new_app().run()
    at.selectbox(key="backend").set_value("openai").run()
    assert any("not available" in m for m in markdown_text(at).splitlines())
    ask(at, "What is Amazon Athena?")
    assert any("TUTOR_OPENAI_BASE_URL" in e for e in errors(at)), errors(at)


def test_two_sessions_keep_their_own_conversations(app_env: UIEnv) -> None:
    a = new_app().run()
    b = new_app().run()
    assert a.query_params["c"] != b.query_params["c"]
    ask(a, "What is Amazon Kinesis?")
    assert not [m for m in b.run().chat_message if m.name == "user"]
