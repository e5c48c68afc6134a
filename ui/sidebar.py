"""The sidebar every page shares: the backend in use, its status, and a way to switch it."""

from __future__ import annotations

import streamlit as st

from tutor.config import BACKENDS
from tutor.llm.status import backend_status
from ui import session


def render_sidebar() -> None:
    session.current_backend()
    with st.sidebar:
        st.selectbox(
            "Answer engine",
            BACKENDS,
            key=session.BACKEND_KEY,
            help="Which language model writes answers and quiz items. 'extractive' needs no model and is instant.",
        )
        status = backend_status(session.current_backend())
        if not status.ready:
            badge = ":red-badge[:material/error: not available]"
        elif status.loaded or session.backend_loaded(status.name):
            badge = ":green-badge[:material/check_circle: ready]"
        else:
            badge = ":orange-badge[:material/hourglass_top: loads on first use]"
        st.markdown(f"{badge}")
        st.caption(f"{status.description}. {status.detail[:1].upper()}{status.detail[1:]}.")
