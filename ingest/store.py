"""The Chroma chunk collection: clients (embedded or server), the manifest read back from chunk metadata,
typed reads (``StoredChunk``) and batched writes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import methodcaller
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import InternalError

from ingest.embed import LocalSentenceEmbedder
from ingest.errors import TutorError
from ingest.models import Chunk, StoredChunk

COLLECTION = "study_chunks"
UPSERT_BATCH = 256


@dataclass
class DocState:
    """What the index holds for one document, read back from chunk metadata."""

    doc_id: str
    source: str = ""
    title: str = ""
    indexed_at: float = 0.0
    # hash -> (expected chunk count, chunks present)
    versions: dict[str, list[int]] = field(default_factory=dict)

    def complete_hash(self) -> str | None:
        for h, (expected, present) in self.versions.items():
            if expected == present:
                return h
        return None

    @property
    def chunk_count(self) -> int:
        h = self.complete_hash()
        return self.versions[h][1] if h else 0


@dataclass(frozen=True)
class IndexedDocument:
    doc_id: str
    title: str
    source: str
    chunks: int
    indexed_at: float


def make_client(path: Path | None = None, host: str | None = None, port: int = 8000) -> Any:
    """An embedded persistent client under ``path``, or an HTTP client when ``host`` is given."""
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if host:
        try:
            client = chromadb.HttpClient(host=host, port=port, settings=settings)
            client.heartbeat()
        except Exception as exc:
            raise TutorError(
                f"Cannot reach the Chroma server at {host}:{port} ({exc.__class__.__name__}). "
                "Start it (`chroma run --path DIR --host HOST --port PORT`) or unset CHROMA_HOST to use the local store."
            ) from exc
        return client
    if path is None:
        raise ValueError("make_client needs a path or a host")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def reopen_client(path: Path) -> Any:
    """A fresh embedded client that reads ``path`` from disk again.

    Chroma keeps one in-memory system per directory and per process and never notices writes made by
    another process (say `tutor ingest` in a terminal while the app runs): its reads then fail with
    "Error finding id". Dropping the cached system makes the next client load the current files; clients
    still holding the old one keep working until they are garbage collected.
    """
    SharedSystemClient._identifier_to_system.pop(str(path), None)
    return make_client(path=path)


class ChunkStore:
    """The chunk collection plus the operations ingest and retrieval need from it.

    ``reopen`` (embedded stores only) returns a fresh client: used when another process changed the
    index, which this process's client cannot see.
    """

    def __init__(
        self,
        client: Any,
        embedder: LocalSentenceEmbedder,
        name: str = COLLECTION,
        reopen: Callable[[], Any] | None = None,
    ) -> None:
        self.client = client
        self.embedder = embedder
        self.name = name
        self._reopen = reopen
        self._collection: Any = None
        self._seen_version: str | None = None
        self.messages: list[str] = []

    # -- collection lifecycle ------------------------------------------------------------------
    def _create(self) -> Any:
        return self.client.create_collection(
            self.name,
            embedding_function=self.embedder,
            metadata={"embedding_model": self.embedder.model_id, "index_version": uuid.uuid4().hex},
            configuration={"hnsw": {"space": "cosine"}},
        )

    @property
    def collection(self) -> Any:
        if self._collection is not None:
            return self._collection
        names = {c if isinstance(c, str) else c.name for c in self.client.list_collections()}
        if self.name not in names:
            self._collection = self._create()
            return self._collection
        try:
            col = self.client.get_collection(self.name, embedding_function=self.embedder)
            stored_model = (col.metadata or {}).get("embedding_model")
        except Exception as exc:  # Chroma refuses a conflicting embedding function
            col, stored_model = None, f"unknown ({exc.__class__.__name__})"
        if col is None or stored_model != self.embedder.model_id:
            self.messages.append(
                f"The index was built with embedding model {stored_model}; now using {self.embedder.model_id}. "
                "Re-embedding every document."
            )
            self.client.delete_collection(self.name)
            col = self._create()
        self._collection = col
        if self._seen_version is None:
            self._seen_version = str((col.metadata or {}).get("index_version", ""))
        return col

    def reset(self) -> None:
        names = {c if isinstance(c, str) else c.name for c in self.client.list_collections()}
        if self.name in names:
            self.client.delete_collection(self.name)
        self._collection = None

    @property
    def version(self) -> str:
        """Changes whenever the contents change; retrieval caches key on it.

        Every ingest ends by writing a new ``index_version``; one this store did not write means another
        process changed the index, so the client is reopened before anything reads through it.
        """
        col = self.client.get_collection(self.name, embedding_function=self.embedder)
        stamp = str((col.metadata or {}).get("index_version", ""))
        if self._seen_version is not None and stamp != self._seen_version:
            self.refresh()
            col = self.collection
        self._seen_version = stamp
        return f"{stamp}:{col.count()}"

    def refresh(self) -> None:
        """Reopen an embedded client so it sees the files as they are now (a server needs nothing)."""
        if self._reopen is not None:
            self.client = self._reopen()
            self._collection = None

    def bump_version(self) -> None:
        """Stamp a new index version: every reader's caches (BM25, quiz facts) rebuild on their next use."""
        meta = dict(self.collection.metadata or {})
        meta["index_version"] = uuid.uuid4().hex
        meta.pop("hnsw:space", None)
        self.collection.modify(metadata=meta)
        self._seen_version = meta["index_version"]

    def _read(self, op: Callable[[Any], Any]) -> Any:
        """Run a read; if another process changed the index under it mid-ingest (before its final version
        stamp), reopen the client once and retry."""
        try:
            return op(self.collection)
        except InternalError:
            if self._reopen is None:
                raise
            self.refresh()
            return op(self.collection)

    def records(self, include: list[str], step: int = 5000) -> Iterator[dict[str, Any]]:
        """Every record, a page at a time (ids always included), read through a client that has seen the
        latest index version: the one path for reading the whole collection."""
        _ = self.collection  # created when missing, so the version stamp can be read
        _ = self.version  # reopens the client if another process changed the index
        total = self.count()
        for offset in range(0, total, step):
            yield self._read(methodcaller("get", include=include, limit=step, offset=offset))

    # -- reads -----------------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.collection.count())

    def _all_metadata(self) -> list[tuple[str, dict[str, Any]]]:
        out: list[tuple[str, dict[str, Any]]] = []
        for got in self.records(["metadatas"]):
            out.extend(zip(got["ids"], got["metadatas"], strict=True))
        return out

    def manifest(self) -> dict[str, DocState]:
        states: dict[str, DocState] = {}
        for _, meta in self._all_metadata():
            state = states.setdefault(meta["doc_id"], DocState(doc_id=meta["doc_id"]))
            version = state.versions.setdefault(meta["doc_hash"], [int(meta["n_chunks"]), 0])
            version[1] += 1
            state.source = meta.get("source", state.source)
            state.title = meta.get("title", state.title)
            state.indexed_at = max(state.indexed_at, float(meta.get("indexed_at", 0.0)))
        return states

    def documents(self) -> list[IndexedDocument]:
        return sorted(
            (
                IndexedDocument(s.doc_id, s.title, s.source, s.chunk_count, s.indexed_at)
                for s in self.manifest().values()
                if s.complete_hash()
            ),
            key=lambda d: d.doc_id,
        )

    def all_chunks(self) -> list[StoredChunk]:
        """Every chunk in the index."""
        out: list[StoredChunk] = []
        for got in self.records(["documents", "metadatas"]):
            out.extend(
                StoredChunk.from_row(*row)
                for row in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            )
        return out

    def chunks_with_vectors(self) -> tuple[list[StoredChunk], np.ndarray]:
        """Every chunk and its stored embedding (rows in the same order)."""
        chunks: list[StoredChunk] = []
        vectors: list[Any] = []
        for got in self.records(["documents", "metadatas", "embeddings"]):
            chunks.extend(
                StoredChunk.from_row(*row)
                for row in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            )
            vectors.extend(got["embeddings"])
        dim = self.embedder.dimension
        matrix = np.asarray(vectors, dtype=np.float32) if vectors else np.zeros((0, dim), dtype=np.float32)
        return chunks, matrix

    def query(self, embedding: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[StoredChunk]:
        n = min(n, self.count())
        if n <= 0:
            return []
        got = self._read(
            lambda col: col.query(
                query_embeddings=[embedding.tolist()],
                n_results=n,
                where=where,
                include=["documents", "metadatas", "distances"],
            )
        )
        return [
            StoredChunk.from_row(cid, doc, meta, 1.0 - float(dist))
            for cid, doc, meta, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=True
            )
        ]

    # -- writes ----------------------------------------------------------------------------------
    def upsert(self, records: list[tuple[str, Chunk, dict[str, Any]]]) -> None:
        for i in range(0, len(records), UPSERT_BATCH):
            batch = records[i : i + UPSERT_BATCH]
            vectors = self.embedder.embed([chunk.embedding_text() for _, chunk, _ in batch])
            self.collection.upsert(
                ids=[cid for cid, _, _ in batch],
                documents=[chunk.text for _, chunk, _ in batch],
                metadatas=[meta for _, _, meta in batch],
                embeddings=vectors,
            )

    def delete_versions(self, doc_id: str, keep_hash: str | None) -> None:
        where: dict[str, Any] = {"doc_id": doc_id}
        if keep_hash is not None:
            where = {"$and": [{"doc_id": doc_id}, {"doc_hash": {"$ne": keep_hash}}]}
        self.collection.delete(where=where)
