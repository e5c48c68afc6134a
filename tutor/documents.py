"""Ingest entry points for the CLI and the UI: settings in, IngestReport out."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.load import SUPPORTED_EXTENSIONS, load_bytes
from ingest.pipeline import IngestReport, Progress, ingest_paths, remove_document
from ingest.store import IndexedDocument
from tutor.config import Settings, get_settings
from tutor.errors import TutorError
from tutor.store import chunk_params, get_store


def ingest(
    paths: list[Path] | None = None,
    rebuild: bool = False,
    progress: Progress | None = None,
    settings: Settings | None = None,
) -> IngestReport:
    s = settings or get_settings()
    targets = paths or [s.corpus_dir]
    return ingest_paths(
        targets,
        get_store(s),
        params=chunk_params(s),
        rebuild=rebuild,
        max_bytes=s.max_bytes,
        progress=progress,
    )


def list_documents(settings: Settings | None = None) -> list[IndexedDocument]:
    return get_store(settings).documents()


def safe_upload_name(name: str) -> str:
    """A bare, harmless file name: no folders, no traversal, no hidden files, a supported extension."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem:
        raise TutorError(f"'{name}': the file name needs an extension ({', '.join(SUPPORTED_EXTENSIONS)}).")
    if f".{ext.lower()}" not in SUPPORTED_EXTENSIONS:
        raise TutorError(
            f"'{name}': unsupported file type '.{ext}'. Upload {', '.join(SUPPORTED_EXTENSIONS)}."
        )
    return f"{stem[:120]}.{ext.lower()}"


def add_upload(
    name: str, data: bytes, progress: Progress | None = None, settings: Settings | None = None
) -> IngestReport:
    """Validate an uploaded file fully *before* it touches the corpus folder or the index, then ingest it."""
    s = settings or get_settings()
    safe = safe_upload_name(name)
    # Parse it now so a bad file is refused without being saved anywhere.
    load_bytes(data, safe, max_bytes=s.max_bytes)
    s.corpus_dir.mkdir(parents=True, exist_ok=True)
    target = (s.corpus_dir / safe).resolve()
    if target.parent != s.corpus_dir.resolve():
        raise TutorError(f"'{name}': invalid file name.")
    tmp = target.with_name(f".{target.name}.part")
    tmp.write_bytes(data)
    tmp.replace(target)
    return ingest([target], progress=progress, settings=s)


def delete_document(doc_id: str, delete_file: bool = True, settings: Settings | None = None) -> bool:
    """Remove a document from the index and (by default) its file from the corpus folder."""
    s = settings or get_settings()
    store = get_store(s)
    state = store.manifest().get(doc_id)
    removed = remove_document(store, doc_id)
    if delete_file and state and state.source:
        path = Path(state.source)
        corpus = s.corpus_dir.resolve()
        if path.exists() and path.resolve().is_relative_to(corpus):
            path.unlink()
    return removed
