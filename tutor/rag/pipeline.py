"""Question (+history) -> cited Answer, streamed, in five steps with typed hand-offs:

retrieve (rewrite.py, retrieve.py: Retrieval) -> assess (assess.py: Answerability) -> generate
(generate.py: raw model text, or extractive.py) -> ground (ground.py: Grounded) -> compose (compose.py: Answer).
Every [n] in the final text is the rank of a passage in ``passages``.

What streams is what stays: ``Token`` events carry only checked text, and the ``Token`` texts joined are
exactly the final ``Answer.answer``. A model's sentences are grounded one at a time as each one is complete
and shown only if kept; while they are written and checked, ``Progress`` events say so (never the raw text).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ingest.text import content_tokens, split_sentences
from tutor.config import Settings, get_settings
from tutor.course import get_profile
from tutor.errors import TutorError
from tutor.llm.backends import get_chat_model
from tutor.rag.assess import assess
from tutor.rag.compose import asks_for_list, refusal, sentence_limit, with_key_quote
from tutor.rag.extractive import extractive_answer
from tutor.rag.generate import LLM_PASSAGES, build_messages, stream_text
from tutor.rag.ground import SentenceGrounder
from tutor.rag.grounding import SupportScorer
from tutor.rag.retrieve import FusionParams, Retriever
from tutor.rag.rewrite import keep_rewrite, points_back, rewrite
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
    """Checked answer text to append to what was shown: never removed or rewritten by the final answer."""

    text: str


@dataclass(frozen=True)
class Progress:
    """What the tutor is doing while nothing new can be shown yet ("Checking sentence 2 against your notes…")."""

    text: str


@dataclass(frozen=True)
class Final:
    answer: Answer


AnswerEvent = Retrieved | Progress | Token | Final


class CheckedSentences:
    """A model's streamed pieces -> its kept sentences (``"sentence [n]"``), each yielded once it is complete
    (the next one has begun, or the stream ended) and has passed the grounder's checks, with ``Progress``
    events in between. The raw text itself is never yielded."""

    def __init__(self, grounder: SentenceGrounder) -> None:
        self.grounder = grounder
        self.first_piece_at: float | None = None  # perf_counter() when the model's first piece arrived
        self.checking_ms = 0.0  # time spent grounding, inside the stream
        self.checked = 0

    def _check(self, sentence: str) -> Iterator[str | Progress]:
        self.checked += 1
        yield Progress(f"Checking sentence {self.checked} against your notes…")
        t = time.perf_counter()
        kept = self.grounder.add(sentence)
        self.checking_ms += (time.perf_counter() - t) * 1000
        if kept is not None:
            yield kept
        else:
            yield Progress(f"Sentence {self.checked} left out: your notes do not back it")

    def run(self, pieces: Iterator[str]) -> Iterator[str | Progress]:
        buffer = ""
        for piece in pieces:
            if self.first_piece_at is None:
                self.first_piece_at = time.perf_counter()
            buffer += piece
            spans = split_sentences(buffer)
            if len(spans) < 2:  # the last span may still be growing
                continue
            for s, e in spans[:-1]:
                yield from self._check(buffer[s:e])
            buffer = buffer[spans[-1][0] :]
            if self.grounder.full:  # the answer is complete: stop the model instead of discarding its text
                close = getattr(pieces, "close", None)
                if close is not None:
                    close()
                return
        for s, e in split_sentences(buffer):
            if not self.grounder.full:
                yield from self._check(buffer[s:e])


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
        # Taken for a follow-up only for its brevity or a "one": keep the rewrite only if it finds the question's words.
        if query != question and not points_back(question):
            own = self.retriever.search(question, k=k, doc_id=doc_id)
            lexical = self.retriever.lexical()
            if not keep_rewrite(
                question,
                next(iter(own.passages), None),
                next(iter(result.passages), None),
                lexical.doc_freq,
                len(lexical.ids),
            ):
                query, result = question, own
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
        common = self.retriever.lexical().common_words()
        scorer = SupportScorer(passages[:LLM_PASSAGES], self.embedder.embed, generic, common)
        unsupported: list[str] = []
        if model is None:
            text, citations = extractive_answer(query, result.query_vector, passages, scorer)
            yield Token(text)
            timings["generate"] = round((time.perf_counter() - t0) * 1000)
        else:
            limit = sentence_limit(question)
            grounder = SentenceGrounder(
                passages, scorer, self.embedder.embed, query, limit, asks_for_list(question)
            )
            checked = CheckedSentences(grounder)
            shown: list[str] = []
            first_shown_ms = None
            yield Progress("Writing the answer; each sentence appears once your notes back it…")
            messages = build_messages(query, passages, scorer, result.query_vector)
            for item in checked.run(stream_text(model, backend, messages)):
                if isinstance(item, Progress):
                    yield item
                    continue
                if first_shown_ms is None:
                    first_shown_ms = round((time.perf_counter() - t0) * 1000)
                yield Token(item if not shown else f" {item}")
                shown.append(item)
            timings["generate"] = round((time.perf_counter() - t0) * 1000 - checked.checking_ms)
            timings["first_token"] = (
                round((checked.first_piece_at - t0) * 1000) if checked.first_piece_at else timings["generate"]
            )
            if first_shown_ms is not None:
                timings["first_sentence"] = first_shown_ms
            # compose: the checked sentences stay as shown; the final answer may only append to them
            t1 = time.perf_counter()
            grounded = grounder.result()
            text, citations, unsupported = grounded.text, grounded.citations, grounded.unsupported
            if not citations:
                yield Progress("Nothing the model wrote is backed by your notes; quoting them instead…")
                text, citations = extractive_answer(query, result.query_vector, passages, scorer)
            elif self.settings.answer_key_quote:
                text, citations = with_key_quote(
                    query, result.query_vector, passages, scorer, text, citations, limit - len(shown)
                )
            already = " ".join(shown)
            assert text.startswith(already), "compose may only append to the text already shown"
            if text[len(already) :]:
                yield Token(text[len(already) :])
            timings["verify"] = round(checked.checking_ms + (time.perf_counter() - t1) * 1000)
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
