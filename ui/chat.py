"""Chat page: ask about the notes, get streamed answers with citation chips; kept across reloads."""

from __future__ import annotations

import time

import streamlit as st

from tutor.documents import IndexedDocument, example_questions, list_documents
from tutor.errors import TutorError
from tutor.rag.pipeline import Final, Retrieved, Token
from tutor.study import conversations
from tutor.study.conversations import Conversation, Turn
from ui import session
from ui.components import md_escape, render_answer

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


def render_turn(turn: Turn) -> None:
    with st.chat_message(
        turn.role, avatar=":material/person:" if turn.role == "user" else ":material/school:"
    ):
        if turn.role == "user":
            st.markdown(md_escape(turn.content))
        elif turn.answer is not None:
            render_answer(turn.answer)
        else:
            st.error(turn.content, icon=":material/error:")


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
            text = ""
            final = None
            for event in tutor.ask_stream(question, history, backend=backend, doc_id=doc_id):
                if isinstance(event, Retrieved):
                    status.update(label=f"Found {len(event.passages)} passages · writing the answer…")
                    if event.rewritten_query.strip().lower() != question.strip().lower():
                        status.write(f"Searched for: *{md_escape(event.rewritten_query)}*")
                elif isinstance(event, Token):
                    text += event.text
                    streamed.markdown(md_escape(text) + " ▌")
                elif isinstance(event, Final):
                    final = event.answer
            if final is None:
                raise TutorError("The tutor returned no answer; try asking again.")
            streamed.empty()
            status.update(label=f"Answered in {time.perf_counter() - started:.1f} s", state="complete")
            with done:
                render_answer(final)
            conv.turns.append(Turn(role="assistant", content=final.answer, answer=final))
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
    for turn in conv.turns:
        render_turn(turn)
    question = st.chat_input("Ask about your notes", max_chars=2000)
    pending = st.session_state.pop("pending_question", None)
    question = question or pending
    if question:
        answer_question(conv, question)
    elif not conv.turns:
        empty_state(bool(docs))


main()
