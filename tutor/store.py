"""Wires settings into the ingest layer: one embedder and one chunk store (with its sentence vectors) per process."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from ingest.embed import LocalSentenceEmbedder
from ingest.pipeline import ChunkParams
from ingest.store import SENTENCE_DB, ChunkStore, SentenceVectorStore, make_client, reopen_client
from tutor.config import Settings, get_settings


@lru_cache(maxsize=1)
def get_embedder() -> LocalSentenceEmbedder:
    return LocalSentenceEmbedder()


@lru_cache(maxsize=4)
def _store_for(chroma_dir: str, host: str | None, port: int) -> ChunkStore:
    path = Path(chroma_dir)
    client = make_client(path=path, host=host, port=port)
    embedder = get_embedder()
    # One file per index (they record which documents use each sentence); an embedded index keeps it in its
    # own folder, so deleting the index deletes it (docs/decisions/0016-sentence-vectors-at-ingest.md).
    where = path.parent / f"sentence_vectors-{host}-{port}.sqlite" if host else path / SENTENCE_DB
    sentences = SentenceVectorStore(where, embedder.model_id, embedder.dimension)
    return ChunkStore(
        client, embedder, reopen=None if host else lambda: reopen_client(path), sentences=sentences
    )


# The app's warm-up thread and a page's script thread open the store at the same moment; two Chroma
# clients created at once for one folder race in Chroma's start-up ("Could not connect to tenant").
_STORE_LOCK = threading.Lock()


def get_store(settings: Settings | None = None) -> ChunkStore:
    s = settings or get_settings()
    with _STORE_LOCK:
        return _store_for(str(s.chroma_dir.resolve()), s.chroma_host, s.chroma_port)


def chunk_params(settings: Settings | None = None) -> ChunkParams:
    s = settings or get_settings()
    return ChunkParams(s.chunk_max_tokens, s.chunk_overlap_tokens, s.chunk_min_tokens)
