"""Ingest entry points for the CLI and the UI: settings in, IngestReport out."""

from __future__ import annotations

import re
from pathlib import Path

# Re-exported (``X as X``) for the UI, which imports these names from here.
from ingest.load import SUPPORTED_EXTENSIONS as SUPPORTED_EXTENSIONS
from ingest.load import load_bytes
from ingest.pipeline import IngestReport as IngestReport
from ingest.pipeline import Progress, ingest_paths, remove_document
from ingest.store import ChunkStore
from ingest.store import IndexedDocument as IndexedDocument
from tutor.config import Settings, get_settings
from tutor.course import PROFILE_NAME, get_profile
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
        ignore=frozenset({PROFILE_NAME}),
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


def example_questions(settings: Settings | None = None, n: int = 3) -> list[str]:
    """Questions to offer a new learner: the course profile's, else ones about the index's own sections."""
    s = settings or get_settings()
    profile = get_profile(s)
    if profile.examples:
        return list(profile.examples[:n])
    store = get_store(s)
    if store.count() == 0:
        return []
    key = (str(s.chroma_dir), store.version, n)
    if key not in _EXAMPLES:
        _EXAMPLES.clear()
        _EXAMPLES[key] = _section_questions(store, n)
    return _EXAMPLES[key]


_EXAMPLES: dict[tuple[str, str, int], list[str]] = {}


def _section_questions(store: ChunkStore, n: int) -> list[str]:
    out: list[str] = []
    seen_docs: set[str] = set()
    for chunk in store.all_chunks():
        topic = chunk.heading.split(" > ")[-1].strip("# ").strip() if chunk.heading else ""
        if chunk.doc_id in seen_docs or not (3 <= len(topic) <= 60):
            continue
        seen_docs.add(chunk.doc_id)
        out.append(f"What does the material say about {topic}?")
        if len(out) == n:
            break
    return out
