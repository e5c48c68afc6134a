"""What the sidebar is told about a backend follows what is really in memory, at every moment of a load."""

from __future__ import annotations

import threading

import pytest

from tutor.errors import TutorError
from tutor.llm import backends
from tutor.llm.backends import LlamaCppChat
from tutor.llm.status import backend_status, load_backend


def test_extractive_is_always_ready() -> None:
    status = backend_status("extractive")
    assert status.state == "ready" and status.loaded and not status.loading


def test_an_unknown_backend_is_unavailable() -> None:
    assert backend_status("no-such-backend").state == "unavailable"


def test_a_local_model_reads_not_loaded_then_loading_then_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backends, "_MODELS", {})  # as in a process that has not built it yet
    assert backend_status("tiny").state == "not loaded"

    entered, release = threading.Event(), threading.Event()
    real_warm_up = LlamaCppChat.warm_up

    def held_warm_up(self: LlamaCppChat) -> None:
        entered.set()
        release.wait(60)
        real_warm_up(self)

    monkeypatch.setattr(LlamaCppChat, "warm_up", held_warm_up)
    loader = threading.Thread(target=load_backend, args=("tiny",))
    loader.start()
    try:
        assert entered.wait(60)
        during = backend_status("tiny")
        assert during.state == "loading" and during.loading and not during.loaded
    finally:
        release.set()
        loader.join(120)
    after = backend_status("tiny")
    assert after.state == "ready" and after.loaded and not after.loading


def test_a_failed_load_is_not_reported_as_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backends, "_MODELS", {})

    def broken(self: LlamaCppChat) -> None:
        raise RuntimeError("the weights are corrupt")

    monkeypatch.setattr(LlamaCppChat, "warm_up", broken)
    with pytest.raises(TutorError, match="weights are corrupt"):
        load_backend("tiny")
    assert backend_status("tiny").state == "not loaded"
