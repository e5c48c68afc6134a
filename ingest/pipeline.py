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
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.chunk import chunk_document
from ingest.clean import clean_document
from ingest.discovery import FileError, discover
from ingest.errors import TutorError
from ingest.load import DEFAULT_MAX_BYTES, load_bytes
from ingest.models import Chunk
from ingest.store import UPSERT_BATCH, ChunkStore

# Bump when cleaning/chunking changes meaningfully: every document's hash changes and gets re-chunked.
PIPELINE_VERSION = "8"  # 8: one sentence splitter for chunks and sentences (abbreviations, …)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ChunkParams:
    max_tokens: int = 180
    overlap_tokens: int = 30
    min_tokens: int = 60

    def signature(self) -> str:
        return f"v{PIPELINE_VERSION}:{self.max_tokens}:{self.overlap_tokens}:{self.min_tokens}"


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


def _content_hash(data: bytes, params: ChunkParams) -> str:
    return hashlib.sha256(params.signature().encode() + b"\0" + data).hexdigest()


def _metadata(
    chunk: Chunk, doc_hash: str, n_chunks: int, source: str, fmt: str, now: float
) -> dict[str, Any]:
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
    if chunk.sections:  # Chroma metadata holds scalars only
        meta["sections"] = json.dumps([[offset, path] for offset, path in chunk.sections])
    return meta


def ingest_paths(
    paths: Iterable[Path],
    store: ChunkStore,
    *,
    params: ChunkParams | None = None,
    rebuild: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
    ignore: frozenset[str] = frozenset(),
) -> IngestReport:
    """Bring the index in line with the files under ``paths``; see the module docstring for the guarantees."""
    params = params or ChunkParams()
    started = time.perf_counter()
    if rebuild:
        store.reset()
        store.messages.append("Rebuilding the index from scratch.")
    files, roots, errors = discover(paths, ignore)
    existing = store.manifest()
    recorded = store.sentences.versions() if store.sentences is not None else set()
    backfill: set[str] = set()  # unchanged documents indexed before sentence vectors were stored
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
                raise TutorError(
                    f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit; split the file"
                )
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
            if store.sentences is not None and (doc_id, doc_hash) not in recorded:
                backfill.add(doc_id)
            if len(state.versions) > 1:  # a run died between upsert and cleanup: sweep the stale version
                store.delete_versions(doc_id, keep_hash=doc_hash)
                changed = True
            continue
        try:
            raw = load_bytes(data, doc_id, source=str(path), max_bytes=max_bytes)
            doc = clean_document(raw)
            chunks = chunk_document(doc, params.max_tokens, params.overlap_tokens, params.min_tokens)
            if not chunks:
                raise TutorError(
                    f"{doc_id}: nothing left to index after cleaning; check the file has study text"
                )
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
        if len(pending) >= UPSERT_BATCH:
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
    store.backfill_sentences(backfill)
    if rebuild and store.sentences is not None:
        store.sentences.sweep()  # the rebuild re-recorded what every document uses; the rest is stale
    if progress:
        progress("", len(files), len(files))
    if changed:
        store.bump_version()
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
    store.bump_version()
    return True
