"""Library page: what is indexed, add documents (validated before anything is touched), remove, rebuild."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from tutor.documents import (
    SUPPORTED_EXTENSIONS,
    IndexedDocument,
    IngestReport,
    add_upload,
    delete_document,
    ingest,
    list_documents,
)
from tutor.errors import TutorError
from ui import session
from ui.components import md_escape

UPLOAD_TYPES = sorted(ext.lstrip(".") for ext in SUPPORTED_EXTENSIONS)
NOTICES_KEY = "library_notices"


def notify(kind: str, message: str) -> None:
    """Queue a message to show after the rerun that refreshes the document table."""
    st.session_state.setdefault(NOTICES_KEY, []).append((kind, message))


def show_notices() -> None:
    for kind, message in st.session_state.pop(NOTICES_KEY, []):
        icon = {
            "success": ":material/check_circle:",
            "error": ":material/error:",
            "warning": ":material/warning:",
        }[kind]
        getattr(st, kind)(message, icon=icon)


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M") if ts else "—"


def document_table(docs: list[IndexedDocument]) -> None:
    rows = [
        {
            "Document": d.title or d.doc_id,
            "File": d.doc_id,
            "Chunks": d.chunks,
            "Indexed": _when(d.indexed_at),
        }
        for d in docs
    ]
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={"Chunks": st.column_config.NumberColumn("Chunks", width="small")},
    )
    st.caption(f"{len(docs)} documents · {sum(d.chunks for d in docs):,} chunks")


def report_summary(report: IngestReport) -> str:
    return (
        f"{report.added} added, {report.updated} updated, {report.removed} removed, {report.unchanged} unchanged "
        f"· {report.chunks:,} chunks in the index · {report.seconds:.1f} s"
    )


def upload_section(max_mb: float) -> None:
    st.subheader(":material/upload_file: Add documents", anchor=False)
    key = f"uploader-{st.session_state.get('uploader_round', 0)}"
    files = st.file_uploader(
        f"Text, Markdown, HTML or PDF, up to {max_mb:g} MB each",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=key,
        max_upload_size=max(1, int(max_mb)),
    )
    if not files:
        return
    if not st.button(
        f"Add {len(files)} file{'s' if len(files) > 1 else ''} to the library",
        type="primary",
        icon=":material/add:",
    ):
        return
    bar = st.progress(0.0, text="Starting…")
    for i, f in enumerate(files):

        def progress(name: str, done: int, total: int, i: int = i, fname: str = f.name) -> None:
            part = (done / total) if total else 1.0
            bar.progress(min(1.0, (i + part) / len(files)), text=f"Indexing {fname}…")

        bar.progress(i / len(files), text=f"Checking {f.name}…")
        try:
            report = add_upload(f.name, f.getvalue(), progress=progress)
        except TutorError as exc:
            reason = str(exc)
            notify("error", reason if reason.startswith(f.name) else f"{f.name} was not added: {reason}")
            continue
        except Exception as exc:
            session.log.exception("upload failed")
            notify("error", f"{f.name} was not added: {exc.__class__.__name__}: {str(exc)[:200]}")
            continue
        if report.errors:
            for err in report.errors:
                notify("error", f"{err.file} was not indexed: {err.reason}")
        else:
            notify("success", f"Added {f.name}: {report_summary(report)}")
    bar.progress(1.0, text="Done")
    st.session_state["uploader_round"] = st.session_state.get("uploader_round", 0) + 1
    st.rerun()


def remove_section(docs: list[IndexedDocument]) -> None:
    st.subheader(":material/delete: Remove a document", anchor=False)
    if not docs:
        st.caption("Nothing to remove.")
        return
    titles = {d.doc_id: d.title or d.doc_id for d in docs}
    doc_id = st.selectbox(
        "Document", list(titles), format_func=lambda d: f"{titles[d]} ({d})", key="remove_doc"
    )
    confirm = st.checkbox("Also delete its file from the corpus folder", value=True, key="remove_file")
    if st.button("Remove", icon=":material/delete:", key="remove_button"):
        with session.friendly_errors("removing the document"):
            removed = delete_document(doc_id, delete_file=confirm)
            notify(
                "success" if removed else "warning",
                f"Removed {doc_id}." if removed else f"{doc_id} was not in the index.",
            )
            st.rerun()


def maintenance_section() -> None:
    st.subheader(":material/build: Index", anchor=False)
    sync, rebuild = st.columns(2)
    action = None
    if sync.button(
        "Sync with corpus folder",
        icon=":material/sync:",
        width="stretch",
        help="Index new and changed files in the corpus folder; drop ones that were deleted.",
    ):
        action = False
    if rebuild.button(
        "Rebuild index",
        icon=":material/restart_alt:",
        width="stretch",
        help="Drop the index and re-embed every file in the corpus folder.",
    ):
        action = True
    if action is None:
        return
    bar = st.progress(0.0, text="Rebuilding…" if action else "Syncing…")

    def progress(name: str, done: int, total: int) -> None:
        bar.progress(
            min(1.0, done / total) if total else 1.0, text=f"Indexing {name}…" if name else "Finishing…"
        )

    with session.friendly_errors("indexing"):
        report = ingest(rebuild=action, progress=progress)
        notify("success", ("Rebuilt: " if action else "Synced: ") + report_summary(report))
        for err in report.errors:
            notify("error", f"{err.file} was skipped: {err.reason}")
        st.rerun()


def main() -> None:
    st.set_page_config(layout="wide")
    st.title(":material/library_books: Library", anchor=False)
    show_notices()
    docs: list[IndexedDocument] = []
    with session.friendly_errors("reading the library"):
        docs = list_documents()
    if docs:
        document_table(docs)
    else:
        st.info("No documents yet. Add your study notes below.", icon=":material/info:")
    st.divider()
    add, manage = st.columns([0.55, 0.45], gap="large")
    with add:
        upload_section(session.settings().max_file_mb)
    with manage:
        remove_section(docs)
        maintenance_section()
    st.caption(f"Corpus folder: {md_escape(str(session.settings().corpus_dir.resolve()))}")


main()
