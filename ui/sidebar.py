"""The sidebar every page shares: the backend in use, what is loaded (true at every moment), a way to switch."""

from __future__ import annotations

import streamlit as st

from tutor.config import BACKENDS
from ui import session

BADGES = {
    "unavailable": ":red-badge[:material/error: not available]",
    "ready": ":green-badge[:material/check_circle: ready]",
    "loading": ":orange-badge[:material/hourglass_top: loading…]",
    "not loaded": ":orange-badge[:material/hourglass_top: loads on first use]",
    "failed": ":red-badge[:material/error: failed to load]",
}
POLL_S = 1.0  # how often the status refreshes itself while something loads in the background
# The sidebar slot holding the status (one element, replaced in place while the page runs and, once it has
# run, by a self-refreshing fragment while something loads), and what it showed when last drawn.
_NOW = "_sidebar_status_now"
_SHOWN = "_sidebar_status_shown"


def _snapshot() -> tuple[str, ...]:
    warm = session.warm_start()
    return (warm.index, *(session.backend_state(n)[0] for n in BACKENDS))


def _small(text: str) -> str:
    return f":small[:gray[{text}]]"


def status_markdown() -> str:
    """What is loaded, as one Markdown element (so a placeholder can replace it in place)."""
    warm = session.warm_start()
    name = session.current_backend()
    status = session.status_of(name)
    state, note = session.backend_state(name)
    lines = [BADGES[state], _small(f"{status.description}. {status.detail[:1].upper()}{status.detail[1:]}.")]
    if note:
        lines.append(_small(note))
    if warm.index == "loading":
        lines.append(_small(":material/hourglass_top: Loading the search index and embedding model…"))
    elif warm.index == "failed":
        lines.append(
            _small(
                f":material/error: The search index did not load ({warm.error}); asking a question retries."
            )
        )
    return "\n\n".join(lines)


def render_status() -> None:
    st.markdown(status_markdown())


def render_sidebar() -> None:
    session.current_backend()
    warm = session.warm_start()
    with st.sidebar:
        st.selectbox(
            "Answer engine",
            BACKENDS,
            key=session.BACKEND_KEY,
            help="Which language model writes answers and quiz items. 'extractive' needs no model and is instant.",
        )
        name = session.current_backend()
        if session.status_of(name).state == "not loaded":
            warm.start_backend(name)  # chosen in the sidebar: load it now, not on the first question
        now = st.empty()
    now.markdown(status_markdown())  # true as the run begins; an answer's wait may change it
    st.session_state[_NOW] = now
    st.session_state[_SHOWN] = _snapshot()


def render_live_status() -> None:
    """After the page has run: while loads run in the background, the status becomes a fragment that
    re-renders itself, so the badge never lags; otherwise the element drawn above stays, brought up to
    date in place (emptying it for a new element blanked the status for 0.3 s as each answer ended)."""
    now = st.session_state.get(_NOW)
    if now is None:
        return
    if not session.loading_anything():
        refresh_status()
        return
    with now.container():
        st.fragment(render_status, run_every=POLL_S)()


def refresh_status() -> None:
    """Redraw the status while the page's script is busy (an answer streaming), when no timer can run."""
    now = st.session_state.get(_NOW)
    snapshot = _snapshot()
    if now is None or snapshot == st.session_state.get(_SHOWN):
        return
    st.session_state[_SHOWN] = snapshot
    now.markdown(status_markdown())
