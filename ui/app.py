"""Entry point: `tutor ui` runs `streamlit run ui/app.py`. Sets up the page, the sidebar and navigation."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts ui/ on the path, not the project root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from ui.components import inject_style  # noqa: E402
from ui.sidebar import render_live_status, render_sidebar  # noqa: E402

st.set_page_config(page_title="Study Tutor", page_icon=":material/school:", layout="centered")

PAGES = [
    st.Page("chat.py", title="Chat", icon=":material/forum:", url_path="chat", default=True),
    st.Page("quiz.py", title="Quiz", icon=":material/quiz:", url_path="quiz"),
    st.Page("progress.py", title="Progress", icon=":material/monitoring:", url_path="progress"),
    st.Page("library.py", title="Library", icon=":material/library_books:", url_path="library"),
]

page = st.navigation(PAGES)
inject_style()
with st.sidebar:
    st.markdown("### :material/school: Study Tutor")
    st.caption("Cited answers and checked practice questions from your own notes. Runs offline.")
render_sidebar()
page.run()
# Not after st.rerun/st.stop (they raise): the next run draws it, and the status drawn above stays meanwhile.
render_live_status()
