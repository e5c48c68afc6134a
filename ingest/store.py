"""The Chroma chunk collection: clients (embedded or server), the manifest read back from chunk metadata,
typed reads (``StoredChunk``) and batched writes; and the chunks' sentence vectors beside it
(``SentenceVectorStore``, docs/decisions/0016-sentence-vectors-at-ingest.md)."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
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
from ingest.text import split_sentences

COLLECTION = "study_chunks"
UPSERT_BATCH = 256
SENTENCE_DB = "sentence_vectors.sqlite"
_SQL_VARS = 500  # ids per IN (...) query, under SQLite's bound-parameter limit

log = logging.getLogger(__name__)


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


def sentence_texts(text: str) -> list[str]:
    """A chunk's sentences, as retrieval and answer checking cut them (``split_sentences`` spans)."""
    return [text[s:e] for s, e in split_sentences(text)]


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


# A rowid table for the vectors: WITHOUT ROWID stores 1.5 KB rows inside the B-tree at 4.7 KB a row on
# disk, against 2.1 KB here (measured on 20,000 vectors).
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS refs (
    doc_id TEXT NOT NULL, doc_hash TEXT NOT NULL, key BLOB NOT NULL, PRIMARY KEY (doc_id, doc_hash, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS refs_key ON refs (key);
"""


class SentenceVectorStore:
    """Sentence vectors on disk (SQLite), keyed by a hash of the sentence text, plus which document
    versions use each sentence so that deleting a version deletes the vectors nothing else uses.

    Reads never fail a search: a store that cannot be read is treated as empty (vectors get computed).
    Vectors are valid for one embedding model; opening the file with another model empties it.
    """

    def __init__(self, path: Path, model_id: str, dimension: int) -> None:
        self.path = path
        self.model_id = model_id
        self.dimension = dimension
        self.written = 0  # vectors this process added (the bench tells sentence from chunk embeddings)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One connection shared by Streamlit's session threads and the warm-up thread, under _lock.
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")  # readers (the app) never block an ingest elsewhere
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()
            if row is None or row[0] != self.model_id:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("DELETE FROM vectors")
                conn.execute("DELETE FROM refs")
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('model', ?)", (self.model_id,))
                conn.execute("COMMIT")
            self._conn = conn
        return self._conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _write(self, statements: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
        try:
            with self._lock:
                db = self._db()
                db.execute("BEGIN IMMEDIATE")
                try:
                    for sql, rows in statements:
                        db.executemany(sql, rows)
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise TutorError(
                f"Cannot write sentence vectors to {self.path} ({exc}). Check the disk has space and the "
                "folder is writable, then run the ingest again."
            ) from exc

    # -- reads -----------------------------------------------------------------------------------
    def get(self, texts: list[str]) -> dict[str, np.ndarray]:
        """The stored vector of each text that has one."""
        by_key = {_key(t): t for t in texts}
        keys = list(by_key)
        out: dict[str, np.ndarray] = {}
        try:
            with self._lock:
                db = self._db()
                for i in range(0, len(keys), _SQL_VARS):
                    part = keys[i : i + _SQL_VARS]
                    marks = ",".join("?" * len(part))
                    for key, blob in db.execute(
                        f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part
                    ):
                        out[by_key[key]] = np.frombuffer(blob, dtype=np.float32)
        except sqlite3.Error as exc:  # a cache: computing the vectors again is always possible
            log.warning("sentence vectors unreadable at %s: %s", self.path, exc)
            return {}
        return out

    def count(self) -> int:
        with self._lock:
            return int(self._db().execute("SELECT count(*) FROM vectors").fetchone()[0])

    def versions(self) -> set[tuple[str, str]]:
        """The (doc_id, doc_hash) pairs whose sentences are recorded."""
        with self._lock:
            return {(d, h) for d, h in self._db().execute("SELECT DISTINCT doc_id, doc_hash FROM refs")}

    def referenced_by(self, doc_id: str) -> int:
        """How many distinct sentences the document's stored versions use."""
        with self._lock:
            row = self._db().execute("SELECT count(DISTINCT key) FROM refs WHERE doc_id = ?", (doc_id,))
            return int(row.fetchone()[0])

    # -- writes ----------------------------------------------------------------------------------
    def put(self, vectors: dict[str, np.ndarray]) -> None:
        """Keep vectors computed on the fly (a sentence no ingest stored); failures are only logged."""
        try:
            self.record(vectors, [])
        except TutorError as exc:
            log.warning("%s", exc)

    def record(self, vectors: dict[str, np.ndarray], refs: list[tuple[str, str, str]]) -> None:
        """In one transaction: add ``vectors`` (text -> vector; stored ones are kept) and record that the
        document versions in ``refs`` (doc_id, doc_hash, sentence text) use those sentences."""
        rows = [(_key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()]
        self._write(
            [
                ("INSERT OR IGNORE INTO vectors VALUES (?, ?)", rows),
                ("INSERT OR IGNORE INTO refs VALUES (?, ?, ?)", [(d, h, _key(t)) for d, h, t in refs]),
            ]
        )
        self.written += len(rows)

    def drop(self, doc_id: str, keep_hash: str | None) -> None:
        """Forget the document's versions other than ``keep_hash`` (all when None), and every vector only
        they used."""
        other = "doc_id = ? AND doc_hash != ?" if keep_hash is not None else "doc_id = ? AND ? IS NULL"
        args = (doc_id, keep_hash)
        self._write(
            [
                (
                    f"DELETE FROM vectors WHERE key IN (SELECT key FROM refs WHERE {other}) "
                    f"AND key NOT IN (SELECT key FROM refs WHERE NOT ({other}))",
                    [args + args],
                ),
                (f"DELETE FROM refs WHERE {other}", [args]),
            ]
        )

    def clear_refs(self) -> None:
        """Forget which documents use which sentences (a rebuild records them again); vectors stay for reuse."""
        self._write([("DELETE FROM refs", [()])])

    def sweep(self) -> int:
        """Delete every vector no document version uses (after a rebuild); returns how many."""
        before = self.count()
        self._write([("DELETE FROM vectors WHERE key NOT IN (SELECT key FROM refs)", [()])])
        return before - self.count()


class ChunkStore:
    """The chunk collection plus the operations ingest and retrieval need from it.

    ``reopen`` (embedded stores only) returns a fresh client: used when another process changed the
    index, which this process's client cannot see. ``sentences``, when given, receives the vectors of
    every written chunk's sentences and loses those of every deleted version.
    """

    def __init__(
        self,
        client: Any,
        embedder: LocalSentenceEmbedder,
        name: str = COLLECTION,
        reopen: Callable[[], Any] | None = None,
        sentences: SentenceVectorStore | None = None,
    ) -> None:
        self.client = client
        self.embedder = embedder
        self.name = name
        self._reopen = reopen
        self.sentences = sentences
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
        if self.sentences is not None:
            self.sentences.clear_refs()

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
            # Sentences before chunks: a complete chunk version always has its sentence vectors.
            self.add_sentences([(meta["doc_id"], meta["doc_hash"], chunk.text) for _, chunk, meta in batch])
            vectors = self.embedder.embed([chunk.embedding_text() for _, chunk, _ in batch])
            self.collection.upsert(
                ids=[cid for cid, _, _ in batch],
                documents=[chunk.text for _, chunk, _ in batch],
                metadatas=[meta for _, _, meta in batch],
                embeddings=vectors,
            )

    def add_sentences(self, chunks: list[tuple[str, str, str]]) -> int:
        """Store the sentence vectors of (doc_id, doc_hash, chunk text) triples; returns how many were embedded.

        One embedder call for the whole batch: the model sorts it by length, so short sentences pad little.
        """
        if self.sentences is None or not chunks:
            return 0
        refs = [(doc_id, doc_hash, t) for doc_id, doc_hash, text in chunks for t in sentence_texts(text)]
        unique = list(dict.fromkeys(t for _, _, t in refs))
        known = self.sentences.get(unique)
        missing = [t for t in unique if t not in known]
        fresh = dict(zip(missing, self.embedder.embed(missing), strict=True)) if missing else {}
        self.sentences.record(fresh, refs)
        return len(missing)

    def backfill_sentences(self, doc_ids: set[str]) -> int:
        """Sentence vectors for chunks written before they were stored (an older index); returns how many
        were embedded."""
        if self.sentences is None or not doc_ids:
            return 0
        embedded = 0
        for doc_id in sorted(doc_ids):
            got = self._read(
                methodcaller("get", where={"doc_id": doc_id}, include=["documents", "metadatas"])
            )
            embedded += self.add_sentences(
                [
                    (meta["doc_id"], meta["doc_hash"], text)
                    for text, meta in zip(got["documents"], got["metadatas"], strict=True)
                ]
            )
        return embedded

    def delete_versions(self, doc_id: str, keep_hash: str | None) -> None:
        where: dict[str, Any] = {"doc_id": doc_id}
        if keep_hash is not None:
            where = {"$and": [{"doc_id": doc_id}, {"doc_hash": {"$ne": keep_hash}}]}
        self.collection.delete(where=where)
        if self.sentences is not None:
            self.sentences.drop(doc_id, keep_hash)
