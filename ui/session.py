"""Per-process resources and per-session choices shared by the pages (no tutoring logic lives here)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from tutor.config import BACKENDS, Settings, get_settings
from tutor.errors import TutorError
from tutor.llm.status import load_backend
from tutor.rag.pipeline import Tutor, get_tutor

log = logging.getLogger("tutor.ui")

BACKEND_KEY = "backend"
_loaded: set[str] = set()


def settings() -> Settings:
    return get_settings()


def current_backend() -> str:
    if st.session_state.get(BACKEND_KEY) not in BACKENDS:
        st.session_state[BACKEND_KEY] = settings().backend
    return str(st.session_state[BACKEND_KEY])


def _home() -> str:
    return str(settings().home.resolve())


@st.cache_resource(show_spinner=False)
def _tutor(home: str) -> Tutor:
    return get_tutor()


def tutor_loaded() -> bool:
    return f"tutor:{_home()}" in _loaded


def tutor() -> Tutor:
    """The one Tutor (embedding model + index) for this server process, loaded on first use."""
    t = _tutor(_home())
    _loaded.add(f"tutor:{_home()}")
    return t


@st.cache_resource(show_spinner=False)
def _backend(name: str, home: str) -> str:
    load_backend(name)
    return name


def backend_loaded(name: str) -> bool:
    return name == "extractive" or f"backend:{name}:{_home()}" in _loaded


def ensure_backend(name: str) -> None:
    """Load the backend's model once per process (cached; a failure is not cached and is retried)."""
    _backend(name, _home())
    _loaded.add(f"backend:{name}:{_home()}")


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
