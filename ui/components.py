"""Rendering pieces shared by the pages: answers with citation chips, source passages, styles."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from tutor.errors import TutorError
from tutor.quiz.grade import LETTERS
from tutor.quiz.models import GradeResult, QuizItem
from tutor.rag.passages import label
from tutor.schema import Answer, Citation, Passage
from tutor.study.hints import MAX_HINTS, ladder
from tutor.study.practice import answer_item
from tutor.study.progress import Attempt

_MARKER = re.compile(r"\[(\d+)\]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|$~<>:])")

STYLE = """
<style>
.tutor-source {border-left: 4px solid #4f7cff; padding: .25rem 0 .25rem .9rem; margin: .25rem 0 .5rem 0;}
.tutor-source-title {font-weight: 600; font-size: 1.02rem; margin-bottom: .1rem;}
.tutor-source-path {color: #6b7280; font-size: .85rem; margin-bottom: .55rem;}
.tutor-source-text {white-space: pre-wrap; line-height: 1.55; font-size: .93rem; max-height: 22rem;
  overflow-y: auto; padding-right: .4rem;}
.tutor-source-text mark {background: #fff1a8; color: inherit; padding: .05rem .15rem; border-radius: .2rem;
  box-shadow: 0 0 0 1px #f3d34a inset;}
.tutor-source-meta {color: #6b7280; font-size: .78rem; margin-top: .5rem;}
.tutor-support {background: #f5f7ff; border-radius: .4rem; padding: .45rem .7rem; font-size: .9rem;
  margin-bottom: .6rem;}
</style>
"""


def inject_style() -> None:
    st.html(STYLE)


def md_escape(text: str) -> str:
    """Text shown verbatim by st.markdown (no accidental emphasis, links, LaTeX or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def answer_markdown(text: str, cited: Sequence[int] = ()) -> str:
    """Answer text with each ``[n]`` marker drawn as a numbered badge (blue when it has a citation)."""
    out: list[str] = []
    last = 0
    for m in _MARKER.finditer(text):
        out.append(md_escape(text[last : m.start()]))
        n = int(m.group(1))
        color = "blue" if not cited or n in cited else "gray"
        out.append(f":{color}-badge[{n}]")
        last = m.end()
    out.append(md_escape(text[last:]))
    return "".join(out).strip()


def support_span(text: str, support: str) -> tuple[int, int] | None:
    """Where the supporting sentence sits in the passage (exact, else ignoring case and spacing)."""
    support = (support or "").strip()
    if not support:
        return None
    i = text.find(support)
    if i >= 0:
        return i, i + len(support)
    words = support.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text, re.I)
    return (m.start(), m.end()) if m else None


def heading_path(heading: str) -> str:
    return " › ".join(part.strip() for part in heading.split(" > ") if part.strip())


def short_label(c: Citation | Passage, limit: int = 34) -> str:
    """A chip's name: the deepest heading holding the cited sentence (a citation's heading is that one), else
    the document title."""
    name = label(c) or c.doc_id
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _window_start(text: str, start: int, before: int) -> int:
    """Where to start showing a long passage so its highlighted span is in view: a paragraph or sentence start."""
    if start <= before or len(text) <= 2 * before:
        return 0
    floor = start - before
    for sep in ("\n", ". "):
        i = text.find(sep, floor, start)
        if i >= 0:
            return i + len(sep)
    return floor


def passage_html(
    title: str, heading: str, text: str, support: str = "", meta: str = "", before: int = 450
) -> str:
    span = support_span(text, support)
    if span:
        s, e = span
        w = _window_start(text, s, before)
        lead = "… " if w else ""
        body = f"{lead}{html.escape(text[w:s].lstrip())}<mark>{html.escape(text[s:e])}</mark>{html.escape(text[e:])}"
    else:
        body = html.escape(text)
    path_text = heading_path(heading)
    path = (
        f'<div class="tutor-source-path">{html.escape(path_text)}</div>'
        if path_text and path_text != title
        else ""
    )
    support_block = ""
    if support and not span:
        support_block = f'<div class="tutor-support">Supporting text: “{html.escape(support)}”</div>'
    meta_block = f'<div class="tutor-source-meta">{html.escape(meta)}</div>' if meta else ""
    return (
        f'<div class="tutor-source"><div class="tutor-source-title">{html.escape(title)}</div>{path}'
        f'{support_block}<div class="tutor-source-text">{body.strip()}</div>{meta_block}</div>'
    )


def _meta(p: Citation | Passage) -> str:
    bits = [p.doc_id]
    if p.page:
        bits.append(f"page {p.page}")
    bits.append(f"characters {p.start:,}–{p.end:,}")
    bits.append(f"relevance {p.score:.2f}")
    return " · ".join(bits)


def citation_panel(c: Citation) -> None:
    st.html(passage_html(c.title, c.heading, c.text, c.support, _meta(c)))


def citation_chips(citations: Sequence[Citation]) -> None:
    """One chip per citation; each opens the passage with the supporting span highlighted."""
    if not citations:
        return
    row = st.container(horizontal=True, gap="small")
    for c in citations:
        where = " › ".join(part for part in (c.title or c.doc_id, heading_path(c.heading)) if part)
        with row.popover(f"[{c.n}] {short_label(c)}", icon=":material/menu_book:", help=where):
            citation_panel(c)


def sources_considered(passages: Sequence[Passage], cited: Sequence[int]) -> None:
    if not passages:
        return
    with st.expander(f"Sources considered ({len(passages)})", icon=":material/manage_search:"):
        for p in passages:
            mark = " · cited" if p.rank in cited else ""
            st.markdown(
                f"**{p.rank}.** {md_escape(p.title)}  \n"
                f":gray[{md_escape(heading_path(p.heading))}  ·  relevance {p.score:.2f}{mark}]"
            )
            preview = p.text if len(p.text) <= 320 else p.text[:320].rsplit(" ", 1)[0] + " …"
            st.caption(md_escape(preview))


def answer_text(answer: Answer, slot: DeltaGenerator | None = None) -> None:
    """The answer's text with its [n] badges; into ``slot`` (the placeholder it streamed into) when given,
    so the finished answer replaces the streamed text with the same text, never a different one."""
    target = slot if slot is not None else st
    if answer.answerable:
        target.markdown(answer_markdown(answer.answer, [c.n for c in answer.citations]))
    else:
        target.info(md_escape(answer.answer), icon=":material/help:")


def render_answer(
    answer: Answer, text_slot: DeltaGenerator | None = None, header_slot: DeltaGenerator | None = None
) -> None:
    """A finished answer: what was searched, the text with chips, the citations, the sources and timings.

    A streamed answer passes the placeholders it streamed into (``header_slot`` above ``text_slot``)."""
    if answer.rewritten_query.strip().lower() != answer.question.strip().lower():
        (header_slot if header_slot is not None else st).caption(
            f":material/search: Searched for: *{md_escape(answer.rewritten_query)}*"
        )
    cited = [c.n for c in answer.citations]
    answer_text(answer, text_slot)
    citation_chips(answer.citations)
    if answer.unsupported:
        with st.expander(
            f"Left out: not backed by your notes ({len(answer.unsupported)})", icon=":material/block:"
        ):
            for sentence in answer.unsupported:
                st.caption(md_escape(sentence))
    sources_considered(answer.passages, cited)
    total = sum(v for k, v in answer.timings_ms.items() if k in ("retrieve", "generate", "verify"))
    st.caption(f"{answer.backend} · {total / 1000:.1f} s")


# -- practice items (the Quiz page and practice in the chat) ----------------------------------------------
TYPE_LABELS = {"mcq": "Multiple choice", "true_false": "True / false", "short": "Short answer"}
HINT_LABELS = ("Hint: where to look", "Hint: the key sentence", "Show the answer")


def answer_widget(item: QuizItem, key: str, locked: bool) -> str | None:
    """Options for multiple choice and true/false, a text box for a short answer; the chosen answer or None."""
    if item.type == "mcq":
        labels = [f"{letter}. {option}" for letter, option in zip(LETTERS, item.options, strict=False)]
        choice = st.radio("Your answer", labels, index=None, key=key, disabled=locked)
        return choice.split(". ", 1)[1] if choice else None
    if item.type == "true_false":
        return st.radio(
            "Your answer", ["True", "False"], index=None, key=key, horizontal=True, disabled=locked
        )
    text = st.text_input("Your answer", key=key, placeholder="A few words", disabled=locked)
    return text or None


def feedback(item: QuizItem, correct: bool, text: str, due_hours: float | None, hints: int = 0) -> None:
    """The grade, the cited passage with its supporting sentence marked, and when the item comes back."""
    verdict = text.split(" The material says:")[0]
    if correct:
        st.success(verdict, icon=":material/check_circle:")
    else:
        st.error(verdict, icon=":material/cancel:")
    c = item.citation
    meta = f"{c.doc_id} · characters {c.start:,}–{c.end:,}"
    st.html(passage_html(c.title, c.heading, c.text, c.support, meta))
    if hints and correct:
        st.caption(
            f":material/lightbulb: Answered after {hints} hint{'s' if hints != 1 else ''}: "
            "it comes back for review sooner than an answer without hints."
        )
    if not correct and due_hours is not None:
        st.caption(
            f":material/event_repeat: This question comes back for review in about {max(1, round(due_hours))} h."
        )


def hint_ladder(item: QuizItem, used: int, key: str, locked: bool = False) -> bool:
    """The hints shown so far and a button for the next one; True when the button was pressed."""
    for h in ladder(item, used):
        st.info(f"**{h.label}.** {md_escape(h.text)}", icon=":material/lightbulb:")
    if locked or used >= MAX_HINTS:
        return False
    return st.button(HINT_LABELS[used], icon=":material/lightbulb:", key=key)


def check_answer(
    item: QuizItem, response: str | None, hints_used: int, key: str, learner: str
) -> tuple[GradeResult, Attempt] | None:
    """The "Check answer" button: once pressed, the graded and recorded attempt; None until then or when
    grading fails (the error is shown)."""
    if not st.button(
        "Check answer",
        type="primary",
        icon=":material/done:",
        disabled=response is None,
        key=key,
    ):
        return None
    try:
        return answer_item(item, response or "", learner=learner, hints_used=hints_used)
    except TutorError as exc:
        st.error(str(exc), icon=":material/error:")
        return None
