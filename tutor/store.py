"""Wires settings into the ingest layer: one embedder and one chunk store per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ingest.embed import LocalSentenceEmbedder
from ingest.pipeline import ChunkParams
from ingest.store import ChunkStore, make_client, reopen_client
from tutor.config import Settings, get_settings


@lru_cache(maxsize=1)
def get_embedder() -> LocalSentenceEmbedder:
    return LocalSentenceEmbedder()


@lru_cache(maxsize=4)
def _store_for(chroma_dir: str, host: str | None, port: int) -> ChunkStore:
    path = Path(chroma_dir)
    client = make_client(path=path, host=host, port=port)
    return ChunkStore(client, get_embedder(), reopen=None if host else lambda: reopen_client(path))


def get_store(settings: Settings | None = None) -> ChunkStore:
    s = settings or get_settings()
    return _store_for(str(s.chroma_dir.resolve()), s.chroma_host, s.chroma_port)


def chunk_params(settings: Settings | None = None) -> ChunkParams:
    s = settings or get_settings()
    return ChunkParams(s.chunk_max_tokens, s.chunk_overlap_tokens, s.chunk_min_tokens)
