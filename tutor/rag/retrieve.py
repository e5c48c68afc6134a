"""Hybrid retrieval: dense (Chroma) + lexical BM25 (bm25s), blended, then the best candidates rescored by
their closest sentence.

Everyday questions sit close to one sentence of their passage, not its average; the top RESCORE are
rescored from the sentence vectors stored at ingest (docs/decisions/0003-sentence-rescoring-top-3.md,
docs/decisions/0018-sentence-rescoring-depth-10.md).
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import dataclass

import bm25s
import numpy as np

from ingest.embed import LocalSentenceEmbedder
from ingest.models import StoredChunk
from ingest.store import ChunkStore
from ingest.text import content_tokens
from tutor.rag.sentence_vectors import best_sentence_similarities, use_store
from tutor.schema import Passage

CANDIDATES = 30
# Sentence vectors are read from the ingest store, not embedded, so rescoring 10 costs about a millisecond and
# lifts the right passage from ranks 4-10 (docs/decisions/0018-sentence-rescoring-depth-10.md).
RESCORE = 10
_MID_SENTENCE_NAME = re.compile(r"(?<=[\w,;:*(] )\**([A-Z][a-z]+)\b")


@dataclass(frozen=True)
class FusionParams:
    """How dense and lexical rankings combine; defaults chosen on five eval sets, four in learners' own words
    (docs/decisions/0002-hybrid-fusion-weights.md)."""

    method: str = "linear"  # "linear" (cosine blended with max-normalised BM25) or "rrf" (weighted reciprocal rank fusion)
    rrf_k: int = 10  # rrf only
    dense_weight: float = 1.0  # rrf only
    lexical_weight: float = 2.0  # rrf only
    linear_alpha: float = 0.85  # linear: weight of the dense score
    sentence_weight: float = 0.7  # share of the best sentence's similarity in a passage's dense score


@dataclass(frozen=True)
class RetrievalResult:
    passages: list[Passage]
    query_vector: np.ndarray
    timings_ms: dict[str, float]


# A word in more than this share of the chunks names the course, not a topic in it (ADR 0017).
COMMON_SHARE = 0.2


class LexicalIndex:
    def __init__(self, chunks: list[StoredChunk], vectors: np.ndarray) -> None:
        self.chunks = chunks
        self.ids = [c.id for c in chunks]
        self.texts = [c.text for c in chunks]
        self.position = {cid: i for i, cid in enumerate(self.ids)}
        self.vectors = vectors
        corpus = [content_tokens(f"{c.title} {c.heading} {c.text}") for c in chunks]
        self.bm25 = bm25s.BM25()
        self.bm25.index(corpus, show_progress=False)
        self.vocab = set(self.bm25.vocab_dict)
        self.doc_freq: dict[str, int] = {}
        self._common: dict[float, frozenset[str]] = {}
        self.bigrams: set[tuple[str, str]] = set()
        # Words the material writes capitalised mid-sentence: names ("Autopilot"), as opposed to words it
        # only uses in their everyday sense ("experiments").
        self.names = {m.group(1) for t in self.texts for m in _MID_SENTENCE_NAME.finditer(t)}
        # The material as one line: whether it ever writes a code fragment ("set -e", "|>") verbatim.
        self.flat_text = re.sub(r"\s+", " ", "\n".join(self.texts))
        for toks in corpus:
            for tok in set(toks):
                self.doc_freq[tok] = self.doc_freq.get(tok, 0) + 1
            self.bigrams.update(itertools.pairwise(toks))

    def common_words(self, share: float = COMMON_SHARE) -> frozenset[str]:
        """Stems in more than ``share`` of the chunks: the course's own subject (the project's name in a book about one project),
        which says nothing about which part of it a sentence is on."""
        if share not in self._common:
            limit = share * max(1, len(self.ids))
            self._common[share] = frozenset(t for t, n in self.doc_freq.items() if n > limit)
        return self._common[share]

    def scores(self, query: str) -> np.ndarray:
        toks = [t for t in content_tokens(query) if t in self.vocab]
        if not toks or not self.ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(toks), dtype=np.float32)


class Retriever:
    def __init__(
        self, store: ChunkStore, embedder: LocalSentenceEmbedder, fusion: FusionParams | None = None
    ) -> None:
        self.store = store
        self.fusion = fusion or FusionParams()
        self.embedder = embedder
        self._lexical: LexicalIndex | None = None
        self._version = ""
        self._lock = threading.Lock()
        if store.sentences is not None:
            use_store(store.sentences)  # answer checking reads the same stored sentence vectors

    def lexical(self) -> LexicalIndex:
        version = self.store.version
        with self._lock:
            if self._lexical is None or version != self._version:
                self._lexical = LexicalIndex(*self.store.chunks_with_vectors())
                self._version = version
            return self._lexical

    def embed_query(self, query: str) -> np.ndarray:
        vector: np.ndarray = self.embedder.embed([query])[0]
        return vector

    def search(self, query: str, k: int = 5, doc_id: str | None = None) -> RetrievalResult:
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        lex = self.lexical()
        timings["load"] = (time.perf_counter() - t0) * 1000
        if not lex.ids:
            return RetrievalResult([], np.zeros(self.embedder.dimension, dtype=np.float32), timings)

        t0 = time.perf_counter()
        qvec = self.embed_query(query)
        where = {"doc_id": doc_id} if doc_id else None
        dense_hits = self.store.query(qvec, CANDIDATES, where=where)
        timings["dense"] = (time.perf_counter() - t0) * 1000

        t0 = time.perf_counter()
        bm = lex.scores(query)
        if doc_id:
            mask = np.array([c.doc_id == doc_id for c in lex.chunks])
            bm = np.where(mask, bm, 0.0)
        order = np.argsort(-bm)[:CANDIDATES]
        lexical_ids = [lex.ids[i] for i in order if bm[i] > 0]
        timings["bm25"] = (time.perf_counter() - t0) * 1000

        t0 = time.perf_counter()
        bm_max = float(bm.max()) if bm.size and bm.max() > 0 else 1.0
        f = self.fusion
        passage_sim = {hit.id: float(hit.similarity or 0.0) for hit in dense_hits}
        own: dict[str, float] = {}  # each candidate's own cosine similarity
        for cid in {*passage_sim, *lexical_ids}:
            i = lex.position.get(cid)
            if i is None:  # written after the lexical index was built; next search sees it
                continue
            own[cid] = passage_sim.get(cid, float(lex.vectors[i] @ qvec))
        dense = dict(own)
        sentence: dict[str, float] = {}  # best sentence's similarity, where it raised the dense score

        def fuse() -> dict[str, float]:
            if f.method == "linear":
                return {
                    cid: f.linear_alpha * d + (1 - f.linear_alpha) * float(bm[lex.position[cid]]) / bm_max
                    for cid, d in dense.items()
                }
            fused: dict[str, float] = {}
            for rank, cid in enumerate(sorted(dense, key=lambda c: -dense[c])[:CANDIDATES]):
                fused[cid] = fused.get(cid, 0.0) + f.dense_weight / (f.rrf_k + rank + 1)
            for rank, cid in enumerate(lexical_ids):
                fused[cid] = fused.get(cid, 0.0) + f.lexical_weight / (f.rrf_k + rank + 1)
            return fused

        fused = fuse()
        ranked = sorted(fused, key=lambda c: -fused[c])
        timings["fuse"] = (time.perf_counter() - t0) * 1000
        if f.sentence_weight and ranked:
            t0 = time.perf_counter()
            head = ranked[:RESCORE]
            texts = [lex.texts[lex.position[cid]] for cid in head]
            for cid, best in zip(
                head,
                best_sentence_similarities(texts, qvec, self.embedder.embed, self.store.sentences),
                strict=True,
            ):
                if best is not None and best > own[cid]:
                    sentence[cid] = best
                    dense[cid] = (1 - f.sentence_weight) * own[cid] + f.sentence_weight * best
            rescored = fuse()
            ranked = sorted(head, key=lambda c: -rescored[c]) + ranked[RESCORE:]
            timings["sentences"] = (time.perf_counter() - t0) * 1000
        top = ranked[:k]
        passages: list[Passage] = []
        for rank, cid in enumerate(top, start=1):
            i = lex.position[cid]
            c = lex.chunks[i]
            passages.append(
                Passage(
                    rank=rank,
                    doc_id=c.doc_id,
                    title=c.title,
                    heading=c.heading,
                    text=c.text,
                    start=c.start,
                    end=c.end,
                    score=round(own[cid], 4),
                    page=c.page,
                    sections=c.sections,
                    chunk_id=cid,
                    dense=own[cid],
                    sentence=sentence.get(cid, own[cid]),
                    lexical=float(bm[i]) / bm_max,
                )
            )
        return RetrievalResult(passages, qvec, timings)
