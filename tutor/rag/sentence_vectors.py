"""Sentence vectors: stored with the index at ingest, kept per process once read or computed.

Retrieval rescores its best candidates by their closest sentence and answer checking compares claims
with passage sentences: both ask for the same sentences, so they share one cache keyed by the sentence
text (overlapping chunks repeat sentences, so a text is embedded once however many chunks hold it).
Behind the per-process cache sits the index's ``SentenceVectorStore`` (filled at ingest), so a new
process reads vectors instead of embedding them; a sentence missing there is embedded and stored
(docs/decisions/0016-sentence-vectors-at-ingest.md).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from ingest.store import SentenceVectorStore
from ingest.text import split_sentences

Embed = Callable[[list[str]], np.ndarray]
# Shorter lines are headings, bullet stubs ("- Notebooks") or code: a question matching one of them alone
# shares a word with it, not a meaning.
MIN_MATCHING_WORDS = 3
_CAPACITY = 50_000  # ~75 MB of 384-d float32 vectors


class _VectorCache:
    def __init__(self, capacity: int) -> None:
        self._data: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.capacity = capacity

    def get(self, key: str) -> np.ndarray | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: str, value: np.ndarray) -> None:
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.capacity:
                self._data.popitem(last=False)


_CACHE = _VectorCache(_CAPACITY)
# The store answer checking reads through (it passes no store of its own): the one the retriever
# serves. Vectors depend only on the text and the model, so any index's store gives the right ones.
_persistent: SentenceVectorStore | None = None


def use_store(store: SentenceVectorStore | None) -> None:
    """Read and keep sentence vectors in ``store`` from now on (None: this process's memory only)."""
    global _persistent
    _persistent = store


def embed_sentences(texts: list[str], embed: Embed, store: SentenceVectorStore | None = None) -> np.ndarray:
    """A row per text: from this process's cache, else the stored vectors, else the embedder (a single
    batch, whose vectors are then stored)."""
    unique = list(dict.fromkeys(texts))
    cached = {t: v for t in unique if (v := _CACHE.get(t)) is not None}
    missing = [t for t in unique if t not in cached]
    store = store or _persistent
    if missing and store is not None:
        for text, vector in store.get(missing).items():
            _CACHE.put(text, vector)
            cached[text] = vector
        missing = [t for t in missing if t not in cached]
    if missing:
        fresh = dict(zip(missing, embed(missing), strict=True))
        for text, vector in fresh.items():
            _CACHE.put(text, vector)
            cached[text] = vector
        if store is not None:
            store.put(fresh)
    return np.vstack([cached[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)


def matching_sentences(text: str) -> list[str]:
    """The sentences of a passage a question is compared with (MIN_MATCHING_WORDS words or more)."""
    return [text[s:e] for s, e in split_sentences(text) if len(text[s:e].split()) >= MIN_MATCHING_WORDS]


def best_sentence_similarities(
    texts: list[str], query_vector: np.ndarray, embed: Embed, store: SentenceVectorStore | None = None
) -> list[float | None]:
    """Per passage, the cosine similarity of the query to its closest matching sentence (None: it has none)."""
    sentences = [matching_sentences(t) for t in texts]
    vectors = embed_sentences([s for group in sentences for s in group], embed, store)
    sims = vectors @ query_vector if len(vectors) else np.zeros(0, dtype=np.float32)
    out: list[float | None] = []
    at = 0
    for group in sentences:
        out.append(float(sims[at : at + len(group)].max()) if group else None)
        at += len(group)
    return out
