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


def render_status() -> None:
    warm = session.warm_start()
    name = session.current_backend()
    status = session.status_of(name)
    state, note = session.backend_state(name)
    st.markdown(BADGES[state])
    st.caption(f"{status.description}. {status.detail[:1].upper()}{status.detail[1:]}.")
    if note:
        st.caption(note)
    if warm.index == "loading":
        st.caption(":material/hourglass_top: Loading the search index and embedding model…")
    elif warm.index == "failed":
        st.caption(
            f":material/error: The search index did not load ({warm.error}); asking a question retries."
        )


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
        # A fragment that re-renders itself while loads run in the background, so the badge never lags.
        st.fragment(render_status, run_every=POLL_S if session.loading_anything() else None)()
