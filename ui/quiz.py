"""Quiz page: choose what to practise, answer one checked item at a time, get cited feedback, see the score."""

from __future__ import annotations

import streamlit as st

from tutor.documents import list_documents
from tutor.quiz.models import ITEM_TYPES, QuizItem
from tutor.quiz.service import list_topics
from tutor.quiz.topics import CourseTopics
from tutor.study.practice import start_quiz
from tutor.study.progress import Progress
from ui import session
from ui.components import TYPE_LABELS, answer_widget, check_answer, feedback, hint_ladder, md_escape
from ui.quiz_state import LEARNER, RUN_KEY, QuizRun

EVERYTHING, SUBJECT, DOCUMENT = "Everything", "A subject", "A document"


def focus_options(course: CourseTopics) -> tuple[str, ...]:
    """What a quiz can focus on; the course's own topics (or exam domains) when it has any."""
    listed = ("An exam domain" if course.exam_domains else "A topic") if course.topics else ""
    return tuple(x for x in (EVERYTHING, listed, SUBJECT, DOCUMENT) if x)


def topic_caption(course: CourseTopics, name: str) -> str:
    names = course.names
    if course.exam_domains and name in names:
        return f"Domain {names.index(name) + 1}: {name}"
    return name


def setup_form() -> None:
    due = 0
    with session.friendly_errors("reading your review queue"):
        due = len(Progress().due(LEARNER))
    st.markdown(
        "Practice questions are made from your own notes, and every answer key is checked against the passage it cites."
    )
    course = CourseTopics()
    with session.friendly_errors("reading the course's topics"):
        course = list_topics()
    options = focus_options(course)
    focus = st.segmented_control("Quiz me on", options, default=options[0], key="quiz_focus") or options[0]
    topic = doc_id = domain = None
    if focus == SUBJECT:
        topic = st.text_input("Subject", placeholder="e.g. a concept from your notes", key="quiz_topic")
    elif focus == DOCUMENT:
        docs = list_documents()
        titles = {d.doc_id: d.title or d.doc_id for d in docs}
        doc_id = st.selectbox("Document", list(titles), format_func=lambda d: titles[d], key="quiz_doc")
    elif focus not in (EVERYTHING, SUBJECT, DOCUMENT):
        domain = st.selectbox(
            course.label.capitalize(),
            course.names,
            key="quiz_domain",
            format_func=lambda d: topic_caption(course, d),
        )
    left, right = st.columns(2)
    n = left.slider("Questions", 1, 20, 5, key="quiz_n")
    with right:
        types = st.pills(
            "Question types",
            ITEM_TYPES,
            selection_mode="multi",
            default=list(ITEM_TYPES),
            format_func=TYPE_LABELS.__getitem__,  # every ITEM_TYPES entry has a label
            key="quiz_types",
        )
    review_first = True
    if due:
        review_first = st.toggle(
            f"Start with the {due} item{'s' if due != 1 else ''} due for review",
            value=True,
            key="quiz_review_first",
        )
    if st.button("Start quiz", type="primary", icon=":material/play_arrow:", key="quiz_start"):
        if not types:
            st.warning("Pick at least one question type.", icon=":material/warning:")
            return
        with st.spinner("Writing and checking questions…"), session.friendly_errors("making the quiz"):
            items, reviews = start_quiz(
                topic=topic if focus == SUBJECT else None,
                doc_id=doc_id,
                domain=domain,
                n=n,
                types=types,
                backend=session.current_backend(),
                learner=LEARNER,
                review_first=review_first,
            )
            st.session_state[RUN_KEY] = QuizRun(items=items, reviews=reviews)
            st.rerun()


def item_badges(item: QuizItem, run: QuizRun, i: int) -> str:
    badges = [f":blue-badge[{TYPE_LABELS[item.type]}]"]
    if i < run.reviews:
        badges.append(":orange-badge[:material/replay: Review]")
    if item.domain:
        badges.append(f":gray-badge[{md_escape(item.domain)}]")
    return " ".join(badges)


def item_view(run: QuizRun) -> None:
    i = run.index
    item = run.items[i]
    st.progress(i / len(run.items), text=f"Question {i + 1} of {len(run.items)} · {run.score} correct so far")
    with st.container(border=True):
        st.markdown(item_badges(item, run, i))
        st.markdown(f"#### {md_escape(item.question)}")
        result = run.results.get(i)
        used = run.hints.get(i, 0)
        if hint_ladder(item, used, key=f"quiz_hint_{run.key}_{i}_{used}", locked=result is not None):
            run.hints[i] = used + 1
            st.rerun()
        response = answer_widget(item, key=f"quiz_answer_{run.key}_{i}", locked=result is not None)
        if result is None:
            graded = check_answer(item, response, used, key=f"quiz_check_{run.key}_{i}", learner=LEARNER)
            if graded is not None:
                result, attempt = graded
                run.results[i] = result
                run.next_due_hours[i] = (attempt.next_due - attempt.answered_at) / 3600
                st.rerun()
            return
        feedback(item, result.correct, result.feedback, run.next_due_hours.get(i), used)
    last = i + 1 >= len(run.items)
    if st.button(
        "See my score" if last else "Next question",
        type="primary",
        icon=":material/flag:" if last else ":material/arrow_forward:",
        key=f"quiz_next_{run.key}_{i}",
    ):
        run.index += 1
        st.rerun()


def summary(run: QuizRun) -> None:
    answered = len(run.results)
    st.subheader(f":material/emoji_events: You scored {run.score} of {answered}", anchor=False)
    if answered:
        st.progress(run.score / answered)
    for i, item in enumerate(run.items):
        r = run.results.get(i)
        mark = (
            ":green[:material/check_circle:]"
            if r and r.correct
            else ":red[:material/cancel:]"
            if r
            else ":gray[:material/remove:]"
        )
        answer = f" — answer: **{md_escape(item.answer)}**" if r and not r.correct else ""
        st.markdown(f"{mark} {md_escape(item.question)}{answer}")
    missed = answered - run.score
    if missed:
        st.caption(f"The {missed} you missed will come back in your review queue.")
    left, right = st.columns(2)
    if left.button("New quiz", type="primary", icon=":material/refresh:", width="stretch", key="quiz_new"):
        del st.session_state[RUN_KEY]
        st.rerun()
    right.page_link("progress.py", label="See your progress", icon=":material/monitoring:", width="stretch")


def main() -> None:
    head, action = st.columns([0.72, 0.28], vertical_alignment="center")
    head.title(":material/quiz: Quiz", anchor=False)
    run: QuizRun | None = st.session_state.get(RUN_KEY)
    if (
        run is not None
        and not run.done
        and action.button("End quiz", icon=":material/close:", width="stretch", key="quiz_end")
    ):
        run.index = len(run.items)
        st.rerun()
    if run is None:
        with session.friendly_errors("setting up the quiz"):
            setup_form()
    elif run.done:
        summary(run)
    else:
        with session.friendly_errors("showing the question"):
            item_view(run)


main()
