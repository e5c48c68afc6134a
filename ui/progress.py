"""Progress page: mastery per topic (or exam domain) and per document, what is due, recent attempts, reset."""

from __future__ import annotations

from datetime import datetime

import altair as alt
import pandas as pd
import streamlit as st

from tutor.quiz.service import list_topics
from tutor.quiz.topics import CourseTopics
from tutor.study.progress import Mastery, Progress
from ui import session
from ui.components import md_escape
from ui.quiz_state import LEARNER, RUN_KEY, QuizRun


def mastery_chart(rows: list[Mastery], label: str, order: list[str] | None = None) -> None:
    if not rows:
        st.caption("Nothing practised yet.")
        return
    data = pd.DataFrame(
        {
            label: [m.name for m in rows],
            "Mastery": [m.mastery for m in rows],
            "Items": [m.items for m in rows],
            "Correct": [m.correct_items for m in rows],
            "Attempts": [m.attempts for m in rows],
        }
    )
    sort = order if order else "-x"
    bars = (
        alt.Chart(data)
        .mark_bar(cornerRadiusEnd=4, height=22)
        .encode(
            x=alt.X("Mastery:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%", title=None)),
            y=alt.Y(f"{label}:N", sort=sort, title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color(
                "Mastery:Q",
                scale=alt.Scale(domain=[0, 0.5, 1], range=["#ef4444", "#f59e0b", "#22c55e"]),
                legend=None,
            ),
            tooltip=[label, alt.Tooltip("Mastery:Q", format=".0%"), "Correct", "Items", "Attempts"],
        )
        .properties(height=max(90, 44 * len(rows)))
    )
    st.altair_chart(bars, width="stretch")


def due_section(progress: Progress) -> None:
    due = progress.due(LEARNER)
    st.subheader(f":material/event_repeat: Due for review ({len(due)})", anchor=False)
    if not due:
        st.caption("Nothing is due. Questions you miss come back here on a spaced schedule.")
        return
    for d in due[:10]:
        st.markdown(f"- {md_escape(d.item.question)}  :gray[(missed {d.lapses}×)]")
    if len(due) > 10:
        st.caption(f"…and {len(due) - 10} more.")
    if st.button("Practise them now", type="primary", icon=":material/replay:", key="progress_practise"):
        st.session_state[RUN_KEY] = QuizRun(items=[d.item for d in due[:20]], reviews=min(20, len(due)))
        st.switch_page("quiz.py")


def recent_section(progress: Progress) -> None:
    st.subheader(":material/history: Recent attempts", anchor=False)
    recent = progress.recent_attempts(LEARNER, limit=25)
    if not recent:
        st.caption("No answers yet.")
        return
    rows = [
        {
            "When": datetime.fromtimestamp(a.answered_at).strftime("%b %d %H:%M"),
            "Correct": a.correct,
            "Question": a.question,
            "Your answer": a.response,
            "Document": a.doc_id,
        }
        for a in recent
    ]
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={
            "Correct": st.column_config.CheckboxColumn("Correct", width="small"),
            "Question": st.column_config.TextColumn("Question", width="large"),
        },
    )


def reset_section(progress: Progress) -> None:
    with st.popover("Reset progress", icon=":material/restart_alt:"):
        st.markdown(
            "This forgets every answer, your mastery and your review queue. Questions can be asked again."
        )
        if st.button("Yes, reset my progress", type="primary", key="progress_reset"):
            removed = progress.reset(LEARNER)
            st.session_state.pop(RUN_KEY, None)
            st.toast(f"Progress reset ({removed} answers removed).", icon=":material/check_circle:")
            st.rerun()


def main() -> None:
    st.set_page_config(layout="wide")
    head, action = st.columns([0.8, 0.2], vertical_alignment="center")
    head.title(":material/monitoring: Progress", anchor=False)
    progress = Progress()
    mastery = progress.mastery(LEARNER)
    attempts = progress.attempts(LEARNER)
    course = CourseTopics()
    with session.friendly_errors("reading the course's topics"):
        course = list_topics()
    label = course.label
    with action:
        reset_section(progress)
    if not attempts:
        st.info(
            f"No answers yet. Take a quiz and your mastery per {label} and document shows up here.",
            icon=":material/info:",
        )
        st.page_link("quiz.py", label="Take a quiz", icon=":material/quiz:")
        due_section(progress)
        return
    domains = [m for m in mastery if m.scope == "domain"]
    documents = [m for m in mastery if m.scope == "document"]
    items = sum(m.items for m in documents)
    correct = sum(m.correct_items for m in documents)
    a, b, c = st.columns(3)
    a.metric("Answers", attempts)
    b.metric("Questions practised", items)
    c.metric(
        "Mastered", f"{correct / items:.0%}" if items else "—", help="Questions whose latest answer was right"
    )
    names = course.names
    st.subheader(f":material/school: Mastery per {label}", anchor=False)
    mastery_chart(
        domains,
        label.capitalize(),
        order=[d for d in names if any(m.name == d for m in domains)] or None,
    )
    untouched = [d for d in names if not any(m.name == d for m in domains)]
    if untouched:
        st.caption("Not practised yet: " + ", ".join(untouched))
    st.subheader(":material/description: Mastery per document", anchor=False)
    mastery_chart(documents, "Document")
    due_section(progress)
    recent_section(progress)


with session.friendly_errors("reading your progress"):
    main()
