"""Chat page: ask about the notes, get streamed answers with citation chips; kept across reloads.

A message is routed first (tutor.study.route): practice requests get checked items answered right here
(with the hint ladder), explain-again follow-ups a new cited answer on the same passages, everything else
an answer; under every answer, "Check yourself" asks one item drawn from the passages it cited.
"""

from __future__ import annotations

import time

import streamlit as st

from tutor.documents import IndexedDocument, example_questions, list_documents
from tutor.errors import TutorError
from tutor.rag.pipeline import Final, Progress, Retrieved, Token
from tutor.schema import Answer, Citation
from tutor.study import conversations
from tutor.study.conversations import Conversation, Practice, PracticeAnswer, Turn
from tutor.study.explain import explain_again
from tutor.study.practice import check_yourself, practice_items
from tutor.study.route import Route, route
from ui import session, sidebar
from ui.components import (
    TYPE_LABELS,
    answer_markdown,
    answer_widget,
    check_answer,
    feedback,
    hint_ladder,
    md_escape,
    render_answer,
)
from ui.quiz_state import LEARNER

CONV_KEY = "conversation"
QUERY_KEY = "c"
HISTORY_TURNS = 6


def current_conversation() -> Conversation:
    """This session's conversation: from session state, else the id in the URL (a reload), else a new one."""
    conv: Conversation | None = st.session_state.get(CONV_KEY)
    if conv is None:
        wanted = st.query_params.get(QUERY_KEY)
        conv = conversations.load(wanted)
        if conv is None:
            conv = (
                Conversation(id=wanted)
                if conversations.is_valid_id(wanted)
                else conversations.new_conversation()
            )
        st.session_state[CONV_KEY] = conv
    if st.query_params.get(QUERY_KEY) != conv.id:
        st.query_params[QUERY_KEY] = conv.id
    return conv


def start_new_conversation() -> None:
    conv = conversations.new_conversation(session.current_backend())
    st.session_state[CONV_KEY] = conv
    st.query_params[QUERY_KEY] = conv.id


def render_turn(turn: Turn, conv: Conversation | None = None, index: int = -1) -> None:
    with st.chat_message(
        turn.role, avatar=":material/person:" if turn.role == "user" else ":material/school:"
    ):
        if turn.role == "user":
            st.markdown(md_escape(turn.content))
        elif turn.practice is not None and conv is not None:
            render_practice(conv, index, turn.practice, turn.content)
        elif turn.answer is not None:
            render_answer(turn.answer)
            if conv is not None and turn.answer.answerable and turn.answer.citations:
                check_yourself_button(conv, index, turn.answer)
        elif turn.error:
            st.error(turn.content, icon=":material/error:")
        else:
            st.markdown(md_escape(turn.content))


def _last_citations(conv: Conversation) -> list[Citation]:
    for turn in reversed(conv.turns):
        if turn.answer is not None and turn.answer.answerable:
            return list(turn.answer.citations)
    return []


def check_yourself_button(conv: Conversation, index: int, answer: Answer) -> None:
    """One practice item drawn from the passages this answer cited, appended to the conversation."""
    if not st.button("Check yourself", icon=":material/quiz:", key=f"check_{conv.id}_{index}"):
        return
    try:
        with st.spinner("Writing a question from these passages…"):
            items = [check_yourself(answer.citations, learner=LEARNER, question=answer.question)]
    except TutorError as exc:  # the cited passages make no item: said plainly, nothing else is served
        st.info(str(exc), icon=":material/info:")
        return
    conv.turns.append(
        Turn(role="assistant", content="Check yourself", practice=Practice(items=items, origin="check"))
    )
    conversations.save(conv)
    st.rerun()


def render_practice(conv: Conversation, index: int, practice: Practice, title: str) -> None:
    """The items answered so far with their feedback, then the current one with its controls and hints."""
    n = len(practice.items)
    st.markdown(f"**{md_escape(title)}**")
    for i in range(min(practice.current + 1, n)):
        item = practice.items[i]
        done = practice.answers[i]
        key = f"chat_{conv.id}_{index}_{i}"
        with st.container(border=True):
            label = f"Question {i + 1} of {n}" if n > 1 else "Question"
            st.caption(f"{label} · {TYPE_LABELS[item.type]}")
            st.markdown(f"#### {md_escape(item.question)}")
            used = practice.hints[i]
            if hint_ladder(item, used, key=f"{key}_hint_{used}", locked=done is not None):
                practice.hints[i] = used + 1
                conversations.save(conv)
                st.rerun()
            response = answer_widget(item, key=f"{key}_answer", locked=done is not None)
            if done is not None:
                feedback(item, done.correct, done.feedback, done.due_hours, done.hints)
                continue
            # Only the current item (the last one shown) is unanswered: when grading fails, nothing follows.
            graded = check_answer(item, response, used, key=f"{key}_check", learner=LEARNER)
            if graded is not None:
                result, attempt = graded
                practice.answers[i] = PracticeAnswer(
                    response=result.response,
                    correct=result.correct,
                    feedback=result.feedback,
                    hints=used,
                    due_hours=(attempt.next_due - attempt.answered_at) / 3600,
                )
                conversations.save(conv)
                st.rerun()
    if practice.done and n > 1:
        st.markdown(
            f":material/emoji_events: You got **{practice.score} of {n}** right. Recorded in your progress."
        )


def serve_practice(conv: Conversation, decision: Route, history: list[str]) -> None:
    """Checked items for a practice request, added to the conversation as a practice turn."""
    with st.chat_message("assistant", avatar=":material/school:"):
        try:
            with st.spinner("Writing and checking questions…"):
                items = practice_items(
                    decision,
                    history,
                    cited=_last_citations(conv),
                    learner=LEARNER,
                    backend=session.current_backend(),
                )
        except TutorError as exc:
            st.error(str(exc), icon=":material/error:")
            conv.turns.append(Turn(role="assistant", content=str(exc), error=True))
            return
    about = (
        f" on {decision.topic}"
        if decision.topic
        else " on what we discussed"
        if decision.scope == "conversation"
        else ""
    )
    title = f"Practice{about}: {len(items)} question{'s' if len(items) != 1 else ''}"
    conv.turns.append(Turn(role="assistant", content=title, practice=Practice(items=items)))


def explain(conv: Conversation, message: str, decision: Route, history: list[str]) -> None:
    """A new cited answer on the earlier answer's passages (and the compared topic's)."""
    backend = session.current_backend()
    doc_id = st.session_state.get("chat_doc") or None
    with st.chat_message("assistant", avatar=":material/school:"):
        try:
            with st.spinner("Going back over the same passages…"):
                session.ensure_backend(backend)
                tutor = session.tutor()
                answer = explain_again(
                    message, decision, history, lambda q, h: tutor.ask(q, h, backend=backend, doc_id=doc_id)
                )
        except TutorError as exc:
            st.error(str(exc), icon=":material/error:")
            conv.turns.append(Turn(role="assistant", content=str(exc), error=True))
            return
    conv.turns.append(Turn(role="assistant", content=answer.answer, answer=answer))


def handle_message(conv: Conversation, message: str) -> None:
    """Route the message: practice and explain-again turns are added and the page redrawn; questions stream."""
    history = conv.user_turns()[-HISTORY_TURNS:]
    decision = route(message, history)
    if decision.route == "question":
        answer_question(conv, message)
        return
    conv.turns.append(Turn(role="user", content=message))
    conv.backend = session.current_backend()
    render_turn(conv.turns[-1])
    if decision.route == "practice":
        serve_practice(conv, decision, history)
    else:
        explain(conv, message, decision, history)
    conversations.save(conv)
    if not conv.turns[-1].error:
        st.rerun()


def answer_question(conv: Conversation, question: str) -> None:
    """Stream one answer into the page, then save both turns to the conversation file."""
    backend = session.current_backend()
    history = conv.user_turns()[-HISTORY_TURNS:]
    doc_id = st.session_state.get("chat_doc") or None
    conv.turns.append(Turn(role="user", content=question))
    conv.backend = backend
    render_turn(conv.turns[-1])
    with st.chat_message("assistant", avatar=":material/school:"):
        status = st.status("Searching your notes…", expanded=False)
        header = st.empty()
        streamed = st.empty()
        done = st.container()
        started = time.perf_counter()
        try:
            if not session.tutor_loaded():
                status.update(label="Loading the embedding model and search index (first question only)…")
            tutor = session.tutor()
            if not session.backend_loaded(backend):
                status.update(label=f"Loading the {backend} language model (first answer only)…")
            session.ensure_backend(backend)
            status.update(label="Searching your notes…")
            # Only checked text arrives as Tokens, and the final answer starts with all of it: what is
            # shown here stays (the finished answer is drawn into the same placeholder).
            text = ""
            final = None
            for event in tutor.ask_stream(question, history, backend=backend, doc_id=doc_id):
                if isinstance(event, Retrieved):
                    sidebar.refresh_status()  # the index has loaded by now
                    status.update(label=f"Found {len(event.passages)} passages · writing the answer…")
                    if event.rewritten_query.strip().lower() != question.strip().lower():
                        status.write(f"Searched for: *{md_escape(event.rewritten_query)}*")
                elif isinstance(event, Progress):
                    status.update(label=event.text)
                elif isinstance(event, Token):
                    text += event.text
                    streamed.markdown(answer_markdown(text) + " ▌")
                elif isinstance(event, Final):
                    final = event.answer
            if final is None:
                raise TutorError("The tutor returned no answer; try asking again.")
            status.update(label=f"Answered in {time.perf_counter() - started:.1f} s", state="complete")
            conv.turns.append(Turn(role="assistant", content=final.answer, answer=final))
            with done:
                render_answer(final, text_slot=streamed, header_slot=header)
                if final.answerable and final.citations:
                    check_yourself_button(conv, len(conv.turns) - 1, final)
        except TutorError as exc:
            streamed.empty()
            status.update(label="Could not answer", state="error")
            st.error(str(exc), icon=":material/error:")
            conv.turns.append(Turn(role="assistant", content=str(exc), error=True))
        except Exception as exc:
            session.log.exception("answer failed")
            streamed.empty()
            status.update(label="Could not answer", state="error")
            message = f"Something went wrong while answering: {exc.__class__.__name__}: {str(exc)[:300]}"
            st.error(message, icon=":material/error:")
            conv.turns.append(Turn(role="assistant", content=message, error=True))
    conversations.save(conv)


def empty_state(has_documents: bool) -> None:
    if not has_documents:
        st.info("Your library is empty. Add study documents first.", icon=":material/library_add:")
        st.page_link("library.py", label="Open the Library", icon=":material/library_books:")
        return
    st.markdown(
        "Ask anything about your study notes. Every answer cites the passages it comes from: "
        "click a numbered chip to read the source with the supporting sentence highlighted."
    )
    row = st.container(horizontal=True)
    for example in example_questions():
        if row.button(example, icon=":material/lightbulb:", key=f"example-{example}"):
            st.session_state["pending_question"] = example
            st.rerun()


def document_filter(docs: list[IndexedDocument]) -> None:
    options = [""] + [d.doc_id for d in docs]
    titles = {d.doc_id: d.title or d.doc_id for d in docs}
    with st.sidebar:
        st.selectbox(
            "Search in",
            options,
            key="chat_doc",
            format_func=lambda d: "All documents" if not d else titles.get(d, d),
            help="Limit answers to one document.",
        )


def main() -> None:
    conv = current_conversation()
    head, action = st.columns([0.72, 0.28], vertical_alignment="center")
    head.title(":material/forum: Ask your notes", anchor=False)
    if action.button("New conversation", icon=":material/add_comment:", width="stretch"):
        start_new_conversation()
        st.rerun()
    docs: list[IndexedDocument] = []
    with session.friendly_errors("reading the library"):
        docs = list_documents()
        document_filter(docs)
    for i, turn in enumerate(conv.turns):
        render_turn(turn, conv, i)
    question = st.chat_input("Ask about your notes, or say “quiz me on …”", max_chars=2000)
    pending = st.session_state.pop("pending_question", None)
    question = question or pending
    if question:
        handle_message(conv, question)
    elif not conv.turns:
        empty_state(bool(docs))


main()
