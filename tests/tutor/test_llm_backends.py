"""Backends for real: the tiny GGUF through llama-cpp-python, and the `openai` backend against llama-cpp-python's
own OpenAI-compatible server on 127.0.0.1 (no mocked client)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage

from tutor.config import get_settings
from tutor.errors import TutorError
from tutor.llm.backends import get_chat_model
from tutor.llm.model_files import tiny_model_path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_tiny_local_model_streams_tokens() -> None:
    model = get_chat_model("tiny")
    assert model is not None
    pieces = [str(c.content) for c in model.stream([HumanMessage(content="Say the word hello.")])]
    assert len(pieces) > 1 and "".join(pieces).strip()


def test_model_is_loaded_once_per_process() -> None:
    assert get_chat_model("tiny") is get_chat_model("tiny")


def test_extractive_has_no_model() -> None:
    assert get_chat_model("extractive") is None


def test_openai_backend_without_settings_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUTOR_OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(TutorError, match="TUTOR_OPENAI_BASE_URL"):
            get_chat_model("openai")
    finally:
        get_settings.cache_clear()


def test_bedrock_without_region_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(TutorError, match="AWS_REGION"):
            get_chat_model("bedrock")
    finally:
        get_settings.cache_clear()


def test_unreachable_openai_server_gives_a_clear_error(tutor, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TUTOR_OPENAI_BASE_URL", f"http://127.0.0.1:{_free_port()}/v1")
    monkeypatch.setenv("TUTOR_REQUEST_TIMEOUT", "5")
    get_settings.cache_clear()
    tutor.settings = get_settings()
    with pytest.raises(TutorError, match="TUTOR_OPENAI_BASE_URL"):
        tutor.ask("What is Amazon Athena?", backend="openai")


@pytest.fixture(scope="module")
def openai_server() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(tiny_model_path()),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "2048",
            "--n_threads",
            "2",
            "--model_alias",
            "smollm2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/models", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("llama_cpp.server exited early")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.slow
def test_openai_backend_against_a_real_local_server(
    tutor, openai_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TUTOR_OPENAI_BASE_URL", openai_server)
    monkeypatch.setenv("TUTOR_OPENAI_MODEL", "smollm2")
    get_settings.cache_clear()
    tutor.settings = get_settings()
    answer = tutor.ask("What is Amazon Athena?", backend="openai")
    assert answer.backend == "openai" and answer.answerable
    assert "generate" in answer.timings_ms
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers and markers <= {c.n for c in answer.citations}


@pytest.mark.slow
def test_local_backend_answers_with_verified_citations(tutor, corpus_home: Path) -> None:  # type: ignore[no-untyped-def]
    answer = tutor.ask("What is Amazon Kinesis Data Firehose used for?", backend="local")
    assert answer.answerable and answer.citations
    assert answer.timings_ms["first_token"] <= answer.timings_ms["generate"]
    ranks = {p.rank for p in answer.passages}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)} <= ranks
