"""Question (+history) -> cited Answer, streamed, in five steps with typed hand-offs:

retrieve (rewrite.py, retrieve.py: Retrieval) -> assess (assess.py: Answerability) -> generate
(generate.py: raw model text, or extractive.py) -> ground (ground.py: Grounded) -> compose (compose.py: Answer).
Every [n] in the final text is the rank of a passage in ``passages``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ingest.text import content_tokens
from tutor.config import Settings, get_settings
from tutor.course import get_profile
from tutor.errors import TutorError
from tutor.llm.backends import get_chat_model
from tutor.rag.assess import assess
from tutor.rag.compose import refusal, with_key_quote
from tutor.rag.extractive import extractive_answer
from tutor.rag.generate import LLM_PASSAGES, build_messages, stream_text
from tutor.rag.ground import ground
from tutor.rag.grounding import SupportScorer
from tutor.rag.retrieve import FusionParams, Retriever
from tutor.rag.rewrite import rewrite
from tutor.rag.safety import validate_question
from tutor.schema import Answer, Passage
from tutor.store import get_embedder, get_store


@dataclass(frozen=True)
class Retrieved:
    rewritten_query: str
    passages: list[Passage]
    answerable: bool


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Final:
    answer: Answer


AnswerEvent = Retrieved | Token | Final


class Tutor:
    """Holds the retriever and models for one process; ``ask_stream`` is safe to call from several threads."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.embedder = get_embedder()
        s = self.settings
        fusion = FusionParams(
            method=s.fusion,
            rrf_k=s.rrf_k,
            dense_weight=s.dense_weight,
            lexical_weight=s.lexical_weight,
            linear_alpha=s.linear_alpha,
            sentence_weight=s.sentence_weight,
        )
        self.retriever = Retriever(get_store(s), self.embedder, fusion)
        self._lock = threading.Lock()

    def ask(
        self,
        question: str,
        history: list[str] | None = None,
        backend: str | None = None,
        k: int | None = None,
        doc_id: str | None = None,
    ) -> Answer:
        final: Answer | None = None
        for event in self.ask_stream(question, history, backend, k, doc_id):
            if isinstance(event, Final):
                final = event.answer
        assert final is not None
        return final

    def ask_stream(
        self,
        question: str,
        history: list[str] | None = None,
        backend: str | None = None,
        k: int | None = None,
        doc_id: str | None = None,
    ) -> Iterator[AnswerEvent]:
        question = validate_question(question)
        history = [validate_question(h) for h in (history or []) if h and h.strip()]
        backend = backend or self.settings.backend
        k = k or self.settings.top_k
        if k < 1 or k > 50:
            raise TutorError("k must be between 1 and 50.")
        timings: dict[str, int] = {}

        # retrieve
        t0 = time.perf_counter()
        profile = get_profile(self.settings)
        query = rewrite(question, history, profile.generic_words())
        if self.retriever.store.count() == 0:
            raise TutorError(
                "The index is empty. Run `tutor ingest` (or add documents in the Library page) first."
            )
        result = self.retriever.search(query, k=k, doc_id=doc_id)
        passages = result.passages
        # assess
        verdict = assess(question, passages, self.retriever.lexical(), profile.owner_words())
        timings["retrieve"] = round((time.perf_counter() - t0) * 1000)
        yield Retrieved(query, passages, verdict.answerable)

        if not verdict.answerable:
            text, suggestions = refusal(passages, verdict.unknown_terms)
            yield Token(text)
            timings["generate"] = 0
            yield Final(
                Answer(
                    question=question,
                    rewritten_query=query,
                    answer=text,
                    answerable=False,
                    backend=backend,
                    citations=[],
                    passages=passages,
                    timings_ms=timings,
                    suggestions=suggestions,
                )
            )
            return

        # generate
        t0 = time.perf_counter()
        model = get_chat_model(backend, self.settings)
        generic = frozenset(content_tokens(" ".join(profile.generic_names)))
        scorer = SupportScorer(passages[:LLM_PASSAGES], self.embedder.embed, generic)
        unsupported: list[str] = []
        if model is None:
            text, citations = extractive_answer(query, result.query_vector, passages, scorer)
            yield Token(text)
            timings["generate"] = round((time.perf_counter() - t0) * 1000)
        else:
            raw_parts: list[str] = []
            first_token_ms = None
            for piece in stream_text(
                model, backend, build_messages(query, passages, scorer, result.query_vector)
            ):
                if first_token_ms is None:
                    first_token_ms = round((time.perf_counter() - t0) * 1000)
                raw_parts.append(piece)
                yield Token(piece)
            timings["generate"] = round((time.perf_counter() - t0) * 1000)
            timings["first_token"] = first_token_ms or timings["generate"]
            # ground, then compose
            t1 = time.perf_counter()
            grounded = ground("".join(raw_parts), passages, scorer, self.embedder.embed)
            text, citations, unsupported = grounded.text, grounded.citations, grounded.unsupported
            if not citations:
                text, citations = extractive_answer(query, result.query_vector, passages, scorer)
            elif self.settings.answer_key_quote:
                text, citations = with_key_quote(
                    query, result.query_vector, passages, scorer, text, citations
                )
            timings["verify"] = round((time.perf_counter() - t1) * 1000)
        yield Final(
            Answer(
                question=question,
                rewritten_query=query,
                answer=text,
                answerable=True,
                backend=backend,
                citations=citations,
                passages=passages,
                timings_ms=timings,
                unsupported=unsupported,
            )
        )


_TUTORS: dict[str, Tutor] = {}
_TUTORS_LOCK = threading.Lock()


def get_tutor(settings: Settings | None = None) -> Tutor:
    s = settings or get_settings()
    key = f"{s.home.resolve()}|{s.chroma_host}|{s.chroma_port}"
    with _TUTORS_LOCK:
        if key not in _TUTORS:
            _TUTORS[key] = Tutor(s)
        return _TUTORS[key]


def ask(
    question: str,
    history: list[str] | None = None,
    backend: str | None = None,
    k: int | None = None,
    doc_id: str | None = None,
) -> Answer:
    return get_tutor().ask(question, history, backend, k, doc_id)


def ask_stream(
    question: str,
    history: list[str] | None = None,
    backend: str | None = None,
    k: int | None = None,
    doc_id: str | None = None,
) -> Iterator[AnswerEvent]:
    return get_tutor().ask_stream(question, history, backend, k, doc_id)
