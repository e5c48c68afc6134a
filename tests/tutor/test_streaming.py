"""What streams is what stays: every streamed piece of an answer is a prefix of the final answer text.

Through the real pipeline (real index, real embedder): the extractive backend, a scripted chat model whose raw
text mixes supported sentences with ones the checks drop (deterministic, fast), and the local model (slow).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from tutor.rag.pipeline import AnswerEvent, Final, Progress, Token
from tutor.schema import Answer


def _stream(events: Iterator[AnswerEvent]) -> tuple[list[str], list[str], Answer]:
    """(what the learner had on screen after each Token, the Progress texts, the final answer)."""
    shown: list[str] = []
    progress: list[str] = []
    final: Answer | None = None
    text = ""
    for event in events:
        if isinstance(event, Token):
            text += event.text
            shown.append(text)
        elif isinstance(event, Progress):
            progress.append(event.text)
        elif isinstance(event, Final):
            final = event.answer
    assert final is not None
    return shown, progress, final


def _assert_prefix_consistent(shown: list[str], final: Answer) -> None:
    assert shown, "something was streamed"
    for prefix in shown:
        assert final.answer.startswith(prefix), (prefix, final.answer)
    assert shown[-1] == final.answer, "the streamed pieces join to the final answer"


@pytest.mark.parametrize(
    "question",
    [
        "What is Amazon Athena?",
        "Which service would I use to label training images with human workers?",
        "What is the capital of France?",  # refused: the refusal streams as it stays
    ],
)
def test_extractive_stream_is_a_prefix_of_the_final_answer(tutor, question: str) -> None:  # type: ignore[no-untyped-def]
    shown, _, final = _stream(tutor.ask_stream(question, backend="extractive"))
    _assert_prefix_consistent(shown, final)


RAW = (
    "[1] NOT IN MATERIAL\n[2] NOT IN MATERIAL\n[3] Athena is an interactive query service that runs SQL "
    "queries on S3 data [3]. It was invented in 1850 by Napoleon for baking bread [2]. "
    "Tabular data processing with Athena lets you manipulate data files in Amazon S3 using SQL [2]."
)


def test_model_sentences_stream_only_once_checked(tutor, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A model's raw text never reaches the learner: its NOT IN MATERIAL lines and the sentence no passage
    backs are never shown, the kept sentences are, one at a time, and the final answer starts with them."""
    model = GenericFakeChatModel(messages=iter([AIMessage(content=RAW)]))
    monkeypatch.setattr("tutor.rag.pipeline.get_chat_model", lambda backend, settings=None: model)
    shown, progress, final = _stream(tutor.ask_stream("What is Amazon Athena?", backend="local"))
    _assert_prefix_consistent(shown, final)
    assert not any("NOT IN MATERIAL" in s or "Napoleon" in s for s in shown)
    assert any("Napoleon" in u for u in final.unsupported)
    assert final.answer.startswith("Athena is an interactive query service")
    assert len(shown) >= 2, "kept sentences stream one by one"
    assert any(p.startswith("Checking sentence 4") for p in progress)
    assert any("left out" in p for p in progress)
    assert final.timings_ms["first_sentence"] <= final.timings_ms["generate"] + final.timings_ms["verify"]


def test_nothing_streams_when_no_model_sentence_is_backed(tutor, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """When the checks drop everything, the learner sees progress, then the notes' own sentences."""
    model = GenericFakeChatModel(
        messages=iter([AIMessage(content="[1] NOT IN MATERIAL [2] NOT IN MATERIAL [3] NOT IN MATERIAL")])
    )
    monkeypatch.setattr("tutor.rag.pipeline.get_chat_model", lambda backend, settings=None: model)
    shown, progress, final = _stream(tutor.ask_stream("What is Amazon Athena?", backend="local"))
    _assert_prefix_consistent(shown, final)
    assert len(shown) == 1 and final.citations
    assert any(p.startswith("Nothing the model wrote") for p in progress)


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    ["What is Amazon Athena?", "Is Amazon Athena serverless, and what does it query?"],
)
def test_local_stream_is_a_prefix_of_the_final_answer(tutor, question: str) -> None:  # type: ignore[no-untyped-def]
    shown, _, final = _stream(tutor.ask_stream(question, backend="local"))
    _assert_prefix_consistent(shown, final)
    assert not any("NOT IN MATERIAL" in s for s in shown)
    assert final.answerable and final.citations


@pytest.mark.parametrize("command", ["ask", "chat"])
def test_the_terminal_shows_the_streamed_answer_once(
    tutor, command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """`tutor ask` on a terminal and `tutor chat` print the streamed text, which is the whole answer: no
    second copy of it after the stream."""
    import io
    import sys

    from tutor.cli.main import main

    question = "What is Amazon Athena?"
    answer = tutor.ask(question, backend="extractive").answer
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    if command == "ask":
        code = main(["ask", question, "--backend", "extractive"])
    else:
        monkeypatch.setattr("sys.stdin", io.StringIO(question + "\n\n"))
        code = main(["chat", "--backend", "extractive"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.count(answer) == 1, out
