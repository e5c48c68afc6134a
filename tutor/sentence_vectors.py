"""Sentence vectors of passages, embedded on first use and kept per process.

Retrieval rescores its best candidates by their closest sentence and answer checking compares claims
with passage sentences: both need the same vectors, so they share this cache. Keys carry the chunk id,
which includes the document's content hash, so a re-ingested document never reuses stale vectors.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from tutor.text import split_sentences

Embed = Callable[[list[str]], np.ndarray]
# Shorter lines are headings or bullet stubs ("- Notebooks"): a question matching one of them alone
# shares a word with it, not a meaning.
MIN_MATCHING_WORDS = 3


class _VectorCache:
    def __init__(self, capacity: int = 4096) -> None:
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


_CACHE = _VectorCache()


def _key(chunk_id: str, text: str) -> str:
    return f"{chunk_id}:{hash(text)}"


def sentence_vectors(passages: list[tuple[str, str]], embed: Embed) -> list[np.ndarray]:
    """One matrix per (chunk id, text): a row per ``split_sentences(text)`` span. Every sentence not yet
    cached goes through the embedder in a single batch."""
    out: list[np.ndarray | None] = [_CACHE.get(_key(cid, text)) for cid, text in passages]
    missing = [i for i, v in enumerate(out) if v is None]
    if missing:
        spans = {i: [passages[i][1][s:e] for s, e in split_sentences(passages[i][1])] for i in missing}
        flat = [s for i in missing for s in spans[i]]
        vectors = embed(flat) if flat else np.zeros((0, 384), dtype=np.float32)
        at = 0
        for i in missing:
            block = vectors[at : at + len(spans[i])]
            at += len(spans[i])
            _CACHE.put(_key(*passages[i]), block)
            out[i] = block
    return [v if v is not None else np.zeros((0, 384), dtype=np.float32) for v in out]


def best_sentence_similarity(text: str, vectors: np.ndarray, query_vector: np.ndarray) -> float | None:
    """Cosine similarity of the query to the passage's closest sentence of at least MIN_MATCHING_WORDS words."""
    sims = [
        float(vectors[j] @ query_vector)
        for j, (s, e) in enumerate(split_sentences(text))
        if j < len(vectors) and len(text[s:e].split()) >= MIN_MATCHING_WORDS
    ]
    return max(sims) if sims else None
