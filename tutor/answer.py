"""Question (+history) -> cited Answer, streamed.

Pipeline: rewrite follow-ups -> hybrid retrieval -> answerability from calibrated retrieval signals ->
generate (LLM over numbered excerpts, or extractive) -> align every sentence to the passage that supports
it (the model's own [n] markers are only a hint) -> drop what nothing supports -> extractive fallback when
nothing survives. Every [n] in the final text is the rank of a passage in ``passages``.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.messages import HumanMessage, SystemMessage

from tutor.answerability import assess
from tutor.config import Settings, get_settings
from tutor.errors import TutorError
from tutor.llm import backend_errors, get_chat_model
from tutor.retrieve import FusionParams, Retriever
from tutor.rewrite import rewrite
from tutor.schema import Answer, Citation, Passage, citation_from_passage
from tutor.store import get_embedder, get_store
from tutor.support import SUPPORT_THRESHOLD, SupportScorer, lexical_recall
from tutor.text import STOPWORDS, content_tokens, split_sentences

PROMPTS = Path(__file__).parent / "prompts"
MAX_QUESTION_CHARS = 2000
LLM_PASSAGES = 3
EXCERPT_WORDS = 60
# Extractive sentence choice (weights picked on the eval set): novelty saturates at this many new words,
# and a sentence whose words are mostly in one already picked is a near-duplicate.
NOVEL_CAP = 12
PASSAGE_BONUS = 0.1
NEAR_DUPLICATE = 0.7
# How many of the notes' own sentences may follow a model-written answer (see _with_key_quote).
KEY_QUOTES = 3
NOT_IN_MATERIAL = "NOT IN MATERIAL"

_INJECTION = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules|above|previous)\b|\byou are now\b|\bsystem prompt\b|"
    r"\bnew instructions?\b|\bdo not follow\b|\bact as\b",
    re.I,
)


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


@lru_cache(maxsize=8)
def prompt(name: str) -> str:
    return (PROMPTS / f"{name}.txt").read_text(encoding="utf-8")


def is_instruction_like(sentence: str) -> bool:
    """Text in a document that addresses the model rather than the learner; never shown to the LLM or cited."""
    return bool(_INJECTION.search(sentence))


def validate_question(question: str) -> str:
    if question is None or not question.strip():
        raise TutorError("The question is empty. Type what you want to know, e.g. 'What is Amazon Kinesis?'.")
    if len(question) > MAX_QUESTION_CHARS:
        raise TutorError(
            f"The question is {len(question):,} characters; the limit is {MAX_QUESTION_CHARS:,}. Ask about one thing at a time."
        )
    return re.sub(r"\s+", " ", question).strip()


def _relevance(text: str, vector: np.ndarray, qvec: np.ndarray, query: str, query_tokens: set[str]) -> float:
    """How well a passage sentence answers the query: meaning, the query's words, and what it adds.

    A sentence that only restates the question teaches nothing, so words the question lacks count too.
    Weights picked on the eval set (evals/datasets/mls_c01.jsonl; the held-out set was not used).
    """
    novel = min(len(set(content_tokens(text)) - query_tokens), NOVEL_CAP) / NOVEL_CAP
    return 0.55 * float(vector @ qvec) + 0.3 * lexical_recall(query, text) + 0.2 * novel


def _excerpt(index: int, scorer: SupportScorer, qvec: np.ndarray, query: str, qtok: set[str]) -> str:
    """Passage ``index``'s sentences that best answer the query, in order, within a word budget (short prompts)."""
    own = [(j, sent.text) for j, sent in enumerate(scorer.sentences) if sent.passage_index == index]
    rows = [
        (j, text) for pos, (j, text) in enumerate(own)
        if not is_instruction_like(text) and not _titles_next(text, own[pos + 1][1] if pos + 1 < len(own) else "")
    ]
    ranked = sorted(rows, key=lambda r: -_relevance(r[1], scorer.vectors[r[0]], qvec, query, qtok))
    chosen: list[tuple[int, str]] = []
    words = 0
    for j, text in ranked:
        n = len(text.split())
        if chosen and words + n > EXCERPT_WORDS:
            continue
        chosen.append((j, text))
        words += n
    return " ".join(text for _, text in sorted(chosen))


class Tutor:
    """Holds the retriever and models for one process; ``ask_stream`` is safe to call from several threads."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.embedder = get_embedder()
        s = self.settings
        fusion = FusionParams(
            method=s.fusion, rrf_k=s.rrf_k, dense_weight=s.dense_weight, lexical_weight=s.lexical_weight,
            linear_alpha=s.linear_alpha, sentence_weight=s.sentence_weight,
        )
        self.retriever = Retriever(get_store(s), self.embedder, fusion)
        self._lock = threading.Lock()

    # -- answering -------------------------------------------------------------------------------
    def ask(self, question: str, history: list[str] | None = None, backend: str | None = None, k: int | None = None, doc_id: str | None = None) -> Answer:
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

        t0 = time.perf_counter()
        query = rewrite(question, history)
        if self.retriever.store.count() == 0:
            raise TutorError("The index is empty. Run `tutor ingest` (or add documents in the Library page) first.")
        result = self.retriever.search(query, k=k, doc_id=doc_id)
        passages = result.passages
        verdict = assess(question, passages, self.retriever.lexical())
        answerable = verdict.answerable
        timings["retrieve"] = round((time.perf_counter() - t0) * 1000)
        yield Retrieved(query, passages, answerable)

        if not answerable:
            text, suggestions = self._refusal(passages, verdict.unknown_terms)
            yield Token(text)
            timings["generate"] = 0
            yield Final(Answer(
                question=question, rewritten_query=query, answer=text, answerable=False, backend=backend,
                citations=[], passages=passages, timings_ms=timings, suggestions=suggestions,
            ))
            return

        t0 = time.perf_counter()
        model = get_chat_model(backend, self.settings)
        scorer = SupportScorer(passages[:LLM_PASSAGES], self.embedder.embed)
        if model is None:
            text, citations = self._extractive(query, result.query_vector, passages, scorer)
            yield Token(text)
            unsupported: list[str] = []
            timings["generate"] = round((time.perf_counter() - t0) * 1000)
        else:
            raw_parts: list[str] = []
            first_token_ms = None
            with backend_errors(backend):
                for chunk in model.stream(self._messages(query, passages, scorer, result.query_vector)):
                    piece = str(chunk.content)
                    if not piece:
                        continue
                    if first_token_ms is None:
                        first_token_ms = round((time.perf_counter() - t0) * 1000)
                    raw_parts.append(piece)
                    yield Token(piece)
            timings["generate"] = round((time.perf_counter() - t0) * 1000)
            timings["first_token"] = first_token_ms or timings["generate"]
            t1 = time.perf_counter()
            text, citations, unsupported = self._verify("".join(raw_parts), passages, scorer)
            if not citations:
                text, citations = self._extractive(query, result.query_vector, passages, scorer)
            elif self.settings.answer_key_quote:
                text, citations = self._with_key_quote(query, result.query_vector, passages, scorer, text, citations)
            timings["verify"] = round((time.perf_counter() - t1) * 1000)
        yield Final(Answer(
            question=question, rewritten_query=query, answer=text, answerable=True, backend=backend,
            citations=citations, passages=passages, timings_ms=timings, unsupported=unsupported,
        ))

    # -- pieces ----------------------------------------------------------------------------------
    def _messages(
        self, query: str, passages: list[Passage], scorer: SupportScorer, qvec: np.ndarray
    ) -> list[SystemMessage | HumanMessage]:
        qtok = set(content_tokens(query))
        numbered = "\n".join(
            f"[{p.rank}] ({_label(p)}) {_excerpt(i, scorer, qvec, query, qtok)}"
            for i, p in enumerate(passages[:LLM_PASSAGES])
        )
        user = prompt("answer_user").format(passages=numbered, question=query)
        return [SystemMessage(content=prompt("answer_system")), HumanMessage(content=user)]

    def _refusal(self, passages: list[Passage], unknown: tuple[str, ...] = ()) -> tuple[str, list[str]]:
        topics: list[str] = []
        for p in passages:
            topic = _label(p)
            if topic and topic not in topics:
                topics.append(topic)
        topics = topics[:3]
        hint = f" They never mention {', '.join(repr(u) for u in unknown[:3])}." if unknown else ""
        hint += f" The closest topics in your notes are: {'; '.join(topics)}." if topics else ""
        return prompt("refusal").strip().format(suggestions=hint), topics

    def _verify(self, raw: str, passages: list[Passage], scorer: SupportScorer) -> tuple[str, list[Citation], list[str]]:
        if NOT_IN_MATERIAL.lower() in raw.lower() and len(raw.strip()) < 40:
            return "", [], []
        sentences: list[tuple[str, list[int]]] = []
        labels = {_label(p) for p in passages[:LLM_PASSAGES]}
        for s, e in split_sentences(raw):
            piece = raw[s:e]
            hints = [int(n) for n in re.findall(r"\[(\d+)\]", piece)]
            clean = re.sub(r"\s*\[\d+(?:,\s*\d+)*\]", "", piece).strip()
            clean = re.sub(r"^[-*•]\s*", "", clean)
            # Small models copy a passage's "(topic)" label along with its words.
            label = _LEADING_LABEL.match(clean)
            if label and label.group(1) in labels:
                clean = clean[label.end():]
            # ...and a title line run into its sentence: "Model Deployment Model Deployment makes ...".
            clean = _REPEATED_OPENING.sub(r"\1", clean)
            if len(clean.split()) < 3 or NOT_IN_MATERIAL.lower() in clean.lower() or _is_fragment(clean):
                continue
            # Small models repeat themselves; say each thing once.
            if any(lexical_recall(clean, earlier) >= 0.9 and lexical_recall(earlier, clean) >= 0.9 for earlier, _ in sentences):
                continue
            sentences.append((clean, hints))
        if not sentences:
            return "", [], []
        vectors = self.embedder.embed([s for s, _ in sentences])
        kept: list[str] = []
        unsupported: list[str] = []
        best_support: dict[int, tuple[float, str]] = {}
        for (clean, hints), vec in zip(sentences, vectors, strict=True):
            choice = None
            for h in hints:
                if 1 <= h <= len(scorer.passages):
                    cand = scorer.best(clean, vec, passage_index=h - 1)
                    if cand and cand.score >= SUPPORT_THRESHOLD and not is_instruction_like(cand.sentence.text):
                        choice = cand
                        break
            if choice is None:
                cand = scorer.best(clean, vec)
                if cand and cand.score >= SUPPORT_THRESHOLD and not is_instruction_like(cand.sentence.text):
                    choice = cand
            if choice is None:
                unsupported.append(clean)
                continue
            n = passages[choice.passage_index].rank
            kept.append(f"{clean.rstrip()} [{n}]")
            if n not in best_support or choice.score > best_support[n][0]:
                best_support[n] = (choice.score, choice.sentence.text)
        citations = [citation_from_passage(passages[n - 1], n, best_support[n][1]) for n in sorted(best_support)]
        return " ".join(kept), citations, unsupported

    def _with_key_quote(
        self, query: str, qvec: np.ndarray, passages: list[Passage], scorer: SupportScorer, text: str, citations: list[Citation]
    ) -> tuple[str, list[Citation]]:
        """Add the notes' own best sentence when the model's verified answer leaves out what it says.

        Small local models often answer in a vague sentence; the learner is better served by the exact
        line from their notes next to it than by a fluent paraphrase that drops the key term.
        """
        quote, quote_citations = self._extractive(query, qvec, passages, scorer, limit=KEY_QUOTES)
        kept = [
            part.strip()
            for part in re.split(r"(?<=\])\s+", quote)
            if part.strip() and lexical_recall(re.sub(r"\s*\[\d+\]", "", part), text) < 0.6
        ]
        if not kept:
            return text, citations
        used = {int(n) for part in kept for n in re.findall(r"\[(\d+)\]", part)}
        merged = {c.n: c for c in citations}
        for c in quote_citations:
            if c.n in used:
                merged.setdefault(c.n, c)
        return " ".join([text, *kept]), [merged[n] for n in sorted(merged)]

    def _extractive(
        self, query: str, qvec: np.ndarray, passages: list[Passage], scorer: SupportScorer, limit: int = 3
    ) -> tuple[str, list[Citation]]:
        """The passage sentences that best answer the query, stitched with citations. Deterministic.

        A sentence that introduces a list ("... three components:") brings its items along; a bare list item
        gets its section heading as a subject ("Glue: managed serverless ETL service").
        """
        candidates: list[tuple[float, int, str, frozenset[int]]] = []
        query_tokens = set(content_tokens(query))
        for j, sent in enumerate(scorer.sentences):
            p = passages[sent.passage_index]
            text = _DOC_REFS.sub("", sent.text).lstrip("-*• ").strip()
            if is_instruction_like(text) or (_is_heading(text, p) and not sent.list_items):
                continue
            covers = frozenset(range(j, j + 1 + len(sent.list_items)))
            if sent.list_items:
                text = f"{text.rstrip(':')}: {'; '.join(i.rstrip(':') for i in sent.list_items)}"
            elif text.endswith(":") or len(text.split()) < 3:
                continue
            if sent.is_list_item and p.heading and not _HAS_SUBJECT.match(text):
                text = f"{_label(p).rstrip(':')}: {text}"
            score = _relevance(text, scorer.vectors[j], qvec, query, query_tokens) + PASSAGE_BONUS * (LLM_PASSAGES - sent.passage_index)
            candidates.append((score, j, text, covers))
        candidates.sort(key=lambda c: -c[0])
        picked: list[tuple[int, str]] = []
        covered: set[int] = set()
        seen_texts: set[str] = set()
        for score, j, text, covers in candidates:
            if len(picked) >= limit or (picked and score < 0.3) or (len(picked) == 2 and score < 0.4):
                break
            # Overlapping chunks repeat sentences; a list and its items overlap too.
            key = _DOC_REFS.sub("", scorer.sentences[j].text).strip().lower()
            if covers & covered or key in seen_texts:
                continue
            if any(lexical_recall(text, earlier) >= NEAR_DUPLICATE for _, earlier in picked):
                continue
            picked.append((j, text))
            covered |= covers
            seen_texts.add(key)
        if not picked:
            p = passages[0]
            s, e = split_sentences(p.text)[0]
            return f"{p.text[s:e]} [{p.rank}]", [citation_from_passage(p, p.rank, p.text[s:e])]
        parts: list[str] = []
        supports: dict[int, str] = {}
        for j, text in sorted(picked):
            sent = scorer.sentences[j]
            p = passages[sent.passage_index]
            sentence = text if text.endswith((".", "!", "?")) else text.rstrip(":;") + "."
            parts.append(f"{sentence} [{p.rank}]")
            supports.setdefault(p.rank, sent.text)
        citations = [citation_from_passage(passages[n - 1], n, supports[n]) for n in sorted(supports)]
        return " ".join(parts), citations


_DOC_REFS = re.compile(r"\s*\[\d+\]")
_LEADING_LABEL = re.compile(r"^\(([^()]{1,120})\)\s*")
_REPEATED_OPENING = re.compile(r"^(\w[\w-]*(?:\s+\w[\w-]*){0,4})\s+\1\b")
_LOWER_WORD = re.compile(r"\b[a-z][a-z-]{2,}\b")
# A list item that already names its subject ("Amazon FSx for Lustre: ...") needs no heading in front.
_HAS_SUBJECT = re.compile(r"^[^:.]{2,60}:\s")


def _label(p: Passage) -> str:
    """The topic a passage is shown under: in the prompt, and as a nearby topic in a refusal."""
    return p.heading.split(" > ")[-1] if p.heading else p.title


def _is_fragment(sentence: str) -> bool:
    """A bare list of names ("AWS Glue and Amazon EMR") says nothing a learner can use."""
    return not any(w not in STOPWORDS for w in _LOWER_WORD.findall(sentence))


def _titles_next(line: str, following: str) -> bool:
    """A title line whose next sentence opens with the same words ("Model Deployment" / "Model Deployment
    makes ..."): joined into one excerpt they read "Model Deployment Model Deployment makes", which small
    models copy."""
    return not line.rstrip().endswith((".", "!", "?", ":")) and following.lower().startswith(line.strip().lower() + " ")


def _is_heading(text: str, p: Passage) -> bool:
    """A line that is one of the passage's own headings says nothing by itself."""
    bare = text.rstrip(":").strip().lower()
    return any(bare == h.strip().lower() for h in p.heading.split(" > ")) if p.heading else False


_TUTORS: dict[str, Tutor] = {}
_TUTORS_LOCK = threading.Lock()


def get_tutor(settings: Settings | None = None) -> Tutor:
    s = settings or get_settings()
    key = f"{s.home.resolve()}|{s.chroma_host}|{s.chroma_port}"
    with _TUTORS_LOCK:
        if key not in _TUTORS:
            _TUTORS[key] = Tutor(s)
        return _TUTORS[key]


def ask(question: str, history: list[str] | None = None, backend: str | None = None, k: int | None = None, doc_id: str | None = None) -> Answer:
    return get_tutor().ask(question, history, backend, k, doc_id)


def ask_stream(
    question: str, history: list[str] | None = None, backend: str | None = None, k: int | None = None, doc_id: str | None = None
) -> Iterator[AnswerEvent]:
    return get_tutor().ask_stream(question, history, backend, k, doc_id)
