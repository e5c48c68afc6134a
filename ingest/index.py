"""Chunks -> Chroma, incrementally and crash-safely.

The Chroma collection is the single source of truth: every chunk's metadata carries its document's
content hash and chunk count, so the manifest is read back from the index itself (it works the same
against an embedded store or a Chroma server). Per document the order is "upsert the new version under
hash-tagged deterministic ids, then delete every other version": a run killed at any point leaves either
the old version, or a partial new one that the next run completes, and stale versions are swept on every
run. Nothing is ever duplicated because ids are deterministic.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import InternalError

from ingest.chunk import chunk_document
from ingest.clean import clean_document
from ingest.embed import LocalSentenceEmbedder
from ingest.errors import TutorError
from ingest.load import DEFAULT_MAX_BYTES, SUPPORTED_EXTENSIONS, load_bytes
from ingest.models import Chunk

COLLECTION = "study_chunks"
# Bump when cleaning/chunking changes meaningfully: every document's hash changes and gets re-chunked.
PIPELINE_VERSION = "5"
_UPSERT_BATCH = 256

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ChunkParams:
    max_tokens: int = 180
    overlap_tokens: int = 30
    min_tokens: int = 60

    def signature(self) -> str:
        return f"v{PIPELINE_VERSION}:{self.max_tokens}:{self.overlap_tokens}:{self.min_tokens}"


@dataclass(frozen=True)
class FileError:
    file: str
    reason: str


@dataclass(frozen=True)
class IngestReport:
    added: int
    updated: int
    removed: int
    unchanged: int
    chunks: int
    seconds: float
    errors: tuple[FileError, ...] = ()
    messages: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
            "errors": [{"file": e.file, "reason": e.reason} for e in self.errors],
            "messages": list(self.messages),
        }


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
        self, client: Any, embedder: LocalSentenceEmbedder, name: str = COLLECTION, reopen: Callable[[], Any] | None = None
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

    def _bump_version(self) -> None:
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
            yield self._read(lambda col, at=offset: col.get(include=include, limit=step, offset=at))

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

    def all_chunks(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(id, text, metadata) of every chunk of every complete document version."""
        out: list[tuple[str, str, dict[str, Any]]] = []
        for got in self.records(["documents", "metadatas"]):
            out.extend(zip(got["ids"], got["documents"], got["metadatas"], strict=True))
        return out

    def query(self, embedding: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, str, dict[str, Any], float]]:
        n = min(n, self.count())
        if n <= 0:
            return []
        got = self._read(
            lambda col: col.query(
                query_embeddings=[embedding.tolist()], n_results=n, where=where, include=["documents", "metadatas", "distances"]
            )
        )
        return [
            (cid, doc, meta, 1.0 - float(dist))
            for cid, doc, meta, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=True
            )
        ]

    # -- writes ----------------------------------------------------------------------------------
    def upsert(self, records: list[tuple[str, Chunk, dict[str, Any]]]) -> None:
        for i in range(0, len(records), _UPSERT_BATCH):
            batch = records[i : i + _UPSERT_BATCH]
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


def _content_hash(data: bytes, params: ChunkParams) -> str:
    return hashlib.sha256(params.signature().encode() + b"\0" + data).hexdigest()


def discover(paths: Iterable[Path]) -> tuple[list[tuple[Path, str]], list[Path], list[FileError]]:
    """Files to index as (path, doc_id), the folders scanned (vanished docs under them are removed), errors."""
    files: list[tuple[Path, str]] = []
    roots: list[Path] = []
    errors: list[FileError] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            root = path.resolve()
            roots.append(root)
            for f in sorted(p for p in root.rglob("*") if p.is_file()):
                rel = f.relative_to(root)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if f.suffix.lower() not in SUPPORTED_EXTENSIONS:
                    errors.append(FileError(str(rel), f"unsupported file type '{f.suffix or '(none)'}'; use {', '.join(SUPPORTED_EXTENSIONS)}"))
                    continue
                files.append((f, rel.as_posix()))
        elif path.is_file():
            files.append((path.resolve(), path.name))
        else:
            errors.append(FileError(str(given), "no such file or folder; check the path"))
    return files, roots, errors


def _metadata(chunk: Chunk, doc_hash: str, n_chunks: int, source: str, fmt: str, now: float) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "heading": chunk.heading,
        "start": chunk.start,
        "end": chunk.end,
        "tokens": chunk.tokens,
        "chunk_index": chunk.index,
        "n_chunks": n_chunks,
        "doc_hash": doc_hash,
        "source": source,
        "format": fmt,
        "indexed_at": now,
    }
    if chunk.page is not None:
        meta["page"] = chunk.page
    return meta


def ingest_paths(
    paths: Iterable[Path],
    store: ChunkStore,
    *,
    params: ChunkParams | None = None,
    rebuild: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
) -> IngestReport:
    """Bring the index in line with the files under ``paths``; see the module docstring for the guarantees."""
    params = params or ChunkParams()
    started = time.perf_counter()
    if rebuild:
        store.reset()
        store.messages.append("Rebuilding the index from scratch.")
    files, roots, errors = discover(paths)
    existing = store.manifest()
    added = updated = unchanged = removed = 0
    now = time.time()
    seen: set[str] = set()
    failed: set[str] = set()
    pending: list[tuple[str, Chunk, dict[str, Any]]] = []
    pending_docs: list[tuple[str, str]] = []
    changed = False

    def flush() -> None:
        nonlocal changed
        if pending:
            store.upsert(pending)
            changed = True
        for doc_id, doc_hash in pending_docs:
            store.delete_versions(doc_id, keep_hash=doc_hash)
        pending.clear()
        pending_docs.clear()

    for i, (path, doc_id) in enumerate(files):
        if progress:
            progress(doc_id, i, len(files))
        seen.add(doc_id)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise TutorError(f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit; split the file")
            data = path.read_bytes()
        except OSError as exc:
            errors.append(FileError(doc_id, f"cannot read the file ({exc.strerror})"))
            failed.add(doc_id)
            continue
        except TutorError as exc:
            errors.append(FileError(doc_id, str(exc)))
            failed.add(doc_id)
            continue
        doc_hash = _content_hash(data, params)
        state = existing.get(doc_id)
        if state and state.versions.get(doc_hash, [0, -1])[0] == state.versions.get(doc_hash, [0, -1])[1]:
            unchanged += 1
            if len(state.versions) > 1:  # a run died between upsert and cleanup: sweep the stale version
                store.delete_versions(doc_id, keep_hash=doc_hash)
                changed = True
            continue
        try:
            raw = load_bytes(data, doc_id, source=str(path), max_bytes=max_bytes)
            doc = clean_document(raw)
            chunks = chunk_document(doc, params.max_tokens, params.overlap_tokens, params.min_tokens)
            if not chunks:
                raise TutorError(f"{doc_id}: nothing left to index after cleaning; check the file has study text")
        except TutorError as exc:
            reason = str(exc)
            prefix = f"{doc_id}: "
            errors.append(FileError(doc_id, reason[len(prefix) :] if reason.startswith(prefix) else reason))
            failed.add(doc_id)
            continue
        for chunk in chunks:
            cid = f"{doc_id}::{doc_hash[:16]}::{chunk.index}"
            pending.append((cid, chunk, _metadata(chunk, doc_hash, len(chunks), str(path), doc.format, now)))
        if state is not None:
            # Only a document the index already held can have other versions to sweep; skipping the
            # delete for new ones saves a filtered Chroma delete per file on a first ingest.
            pending_docs.append((doc_id, doc_hash))
        if state and state.complete_hash():
            updated += 1
        else:
            added += 1
        if len(pending) >= _UPSERT_BATCH:
            flush()
    flush()

    for doc_id, state in existing.items():
        if doc_id in seen or doc_id in failed:
            continue
        source = Path(state.source) if state.source else None
        under_root = source is not None and any(source.is_relative_to(root) for root in roots)
        if under_root and (source is None or not source.exists()):
            store.delete_versions(doc_id, keep_hash=None)
            removed += 1
            changed = True
    if progress:
        progress("", len(files), len(files))
    if changed:
        store._bump_version()
    chunk_total = store.count()
    return IngestReport(
        added=added,
        updated=updated,
        removed=removed,
        unchanged=unchanged,
        chunks=chunk_total,
        seconds=time.perf_counter() - started,
        errors=tuple(errors),
        messages=tuple(store.messages),
    )


def remove_document(store: ChunkStore, doc_id: str) -> bool:
    """Delete every chunk of one document; True when something was there."""
    if doc_id not in store.manifest():
        return False
    store.delete_versions(doc_id, keep_hash=None)
    store._bump_version()
    return True
