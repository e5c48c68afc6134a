"""Boil a pyinstrument session of our ingest down to seconds per stage."""

from __future__ import annotations

from typing import Any

# (stage, function name, a piece of the file path): the outermost matching frame counts, nothing nested twice.
STAGES: tuple[tuple[str, str, str], ...] = (
    ("embed (MiniLM)", "embed", "ingest/embed.py"),
    ("load (HTML parse)", "load_bytes", "ingest/load.py"),
    ("clean", "clean_document", "ingest/clean.py"),
    ("chunk (incl. token counts)", "chunk_document", "ingest/chunk.py"),
    ("Chroma upsert", "upsert", "chromadb/api/models/Collection.py"),
    ("Chroma delete", "delete", "chromadb/api/models/Collection.py"),
    ("manifest read", "manifest", "ingest/store.py"),
    ("read + hash files", "_content_hash", "ingest/pipeline.py"),
)


def _stage(frame: Any) -> str | None:
    path = (frame.file_path or "").replace("\\", "/")
    for stage, function, where in STAGES:
        if frame.function == function and where in path:
            return stage
    return None


def summarize(session: Any) -> dict[str, float]:
    root = session.root_frame()
    if root is None:
        return {}
    totals: dict[str, float] = {stage: 0.0 for stage, _, _ in STAGES}
    stack = [root]
    while stack:
        frame = stack.pop()
        stage = _stage(frame)
        if stage:
            totals[stage] += frame.time
            continue
        stack.extend(frame.children)
    totals = {k: round(v, 2) for k, v in totals.items() if v > 0}
    totals["other"] = round(max(0.0, root.time - sum(totals.values())), 2)
    totals["total"] = round(root.time, 2)
    return totals
