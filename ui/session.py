"""Per-process resources and per-session choices shared by the pages (no tutoring logic lives here)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import streamlit as st

from tutor.config import BACKENDS, Settings, get_settings
from tutor.documents import example_questions
from tutor.errors import TutorError
from tutor.llm.status import BackendStatus, backend_status, load_backend
from tutor.rag.pipeline import Tutor, get_tutor

log = logging.getLogger("tutor.ui")

BACKEND_KEY = "backend"
WARM_UP_QUESTION = "What do these notes cover?"  # asked only when the index offers no example question


def settings() -> Settings:
    return get_settings()


def current_backend() -> str:
    if st.session_state.get(BACKEND_KEY) not in BACKENDS:
        st.session_state[BACKEND_KEY] = settings().backend
    return str(st.session_state[BACKEND_KEY])


def _home() -> str:
    return str(settings().home.resolve())


@dataclass
class WarmStart:
    """What the background warm-up has done so far in this server process (read by the sidebar)."""

    index: str = "loading"  # "loading", "ready" or "failed"
    error: str = ""
    backends: set[str] = field(default_factory=set)  # background loads started (once each)
    failed: dict[str, str] = field(default_factory=dict)  # backend -> why its background load failed
    answering: set[str] = field(default_factory=set)  # backends answering their warm-up question now
    asked: set[str] = field(default_factory=set)  # backends a learner's question has gone to
    question: str = ""  # the warm-up question ("" when the index is empty)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def load_index(self) -> None:
        """The embedding model, the chunks and BM25, the sentence vectors, and one question answered
        extractively end to end, so the learner's first question pays for none of it."""
        try:
            tutor = get_tutor()
            tutor.embedder.embed([WARM_UP_QUESTION])
            if tutor.retriever.store.count():
                tutor.retriever.lexical()
        except Exception as exc:  # shown in the sidebar; the first question retries and reports it
            log.exception("warm start: loading the index failed")
            self.error = f"{exc.__class__.__name__}: {str(exc)[:200]}"
            self.index = "failed"
            return
        # Loaded: a question asked now is answered from it, so the sidebar must not say "loading" any more.
        self.index = "ready"
        if not tutor.retriever.store.count():
            return
        question = next(iter(example_questions(n=1)), WARM_UP_QUESTION)
        try:
            tutor.ask(question, backend="extractive")
            self.question = question
        except Exception:  # a warm-up only: the learner's own question reports any real failure
            log.exception("warm start: the extractive warm-up answer failed")

    def load_backend(self, name: str) -> None:
        """The model's weights, then (once the index is ready) one answer through it: the prompt, the
        streamed generation and the citation checks all run once before a learner's question does."""
        try:
            load_backend(name)
            self.failed.pop(name, None)
        except Exception as exc:  # shown in the sidebar; answering retries and reports it
            log.exception("warm start: loading the %s backend failed", name)
            self.failed[name] = str(exc)[:300]
            return
        if not self.question or name in self.asked:
            return  # a learner's question warms it up better, and must not queue behind a warm-up answer
        self.answering.add(name)
        try:
            get_tutor().ask(self.question, backend=name)
        except Exception:  # a warm-up only: the learner's own question reports any real failure
            log.exception("warm start: the %s warm-up answer failed", name)
        finally:
            self.answering.discard(name)

    def start_backend(self, name: str) -> None:
        """Load ``name`` in the background unless that has started already (or it needs no model)."""
        with self.lock:
            if name == "extractive" or name in self.backends:
                return
            self.backends.add(name)
        threading.Thread(target=self.load_backend, args=(name,), daemon=True, name=f"warm-{name}").start()


@st.cache_resource(show_spinner=False)
def _warm_start(home: str) -> WarmStart:
    warm = WarmStart()
    backend = settings().backend
    if backend != "extractive":
        warm.backends.add(backend)
    # One thread per server process: the index first (every backend needs it), then the default model.
    threading.Thread(target=_warm_run, args=(warm, backend), daemon=True, name="warm-start").start()
    return warm


def _warm_run(warm: WarmStart, backend: str) -> None:
    warm.load_index()
    if backend != "extractive":
        warm.load_backend(backend)


def warm_start() -> WarmStart:
    """Start loading everything in the background as soon as the app starts (once per process)."""
    return _warm_start(_home())


@st.cache_resource(show_spinner=False)
def _tutor(home: str) -> Tutor:
    return get_tutor()


def tutor_loaded() -> bool:
    """True once the embedding model and the index are loaded and warmed up."""
    return warm_start().index == "ready"


def tutor() -> Tutor:
    """The one Tutor (embedding model + index) for this server process; its locks make a question asked
    during the warm-up wait for it rather than load anything twice."""
    return _tutor(_home())


def status_of(name: str) -> BackendStatus:
    return backend_status(name)


def backend_state(name: str) -> tuple[str, str]:
    """The sidebar's badge state for ``name`` and a note: "ready", "loading", "not loaded", "unavailable"
    or "failed" (the note says why)."""
    warm = warm_start()
    state = status_of(name).state
    if state == "not loaded" and name in warm.failed:
        return "failed", warm.failed[name]
    if state == "not loaded" and name in warm.backends:
        return "loading", ""  # its thread has started and is about to report itself
    if state == "ready" and name in warm.answering:
        return "loading", ""  # loaded, finishing its warm-up answer (a question now would wait for it)
    return state, ""


def backend_loaded(name: str) -> bool:
    return backend_state(name)[0] == "ready"


def loading_anything() -> bool:
    return warm_start().index == "loading" or any(backend_state(n)[0] == "loading" for n in BACKENDS)


def ensure_backend(name: str) -> None:
    """Load the backend's model now if the warm-up has not (a failure is raised and retried next time)."""
    warm_start().asked.add(name)
    if name != "extractive" and not backend_loaded(name):
        load_backend(name)


@contextmanager
def friendly_errors(action: str = "") -> Iterator[None]:
    """Show a user-caused error as its message, anything else as one readable line: never a traceback."""
    try:
        yield
    except TutorError as exc:
        st.error(str(exc), icon=":material/error:")
    except Exception as exc:
        log.exception("UI action failed: %s", action)
        what = f" while {action}" if action else ""
        st.error(
            f"Something went wrong{what}: {exc.__class__.__name__}: {str(exc)[:300]}. "
            "Try again; if it keeps happening, the server log has the details.",
            icon=":material/error:",
        )
