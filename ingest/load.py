"""Bytes on disk -> RawDocument, one loader per format.

Every failure a user can cause (unknown extension, empty, binary, too large, encrypted or broken PDF)
raises TutorError naming the file and what to do, so the caller can report it and carry on.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import lxml.html
from bs4 import UnicodeDammit
from charset_normalizer import from_bytes
from lxml import etree
from lxml.html import HtmlElement
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ingest.errors import TutorError
from ingest.models import RawDocument

SUPPORTED_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def load_file(path: Path, doc_id: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    """Read one file with the loader for its extension."""
    path = Path(path)
    ext = path.suffix.lower()
    loader = _LOADERS.get(ext)
    if loader is None:
        raise TutorError(
            f"{path.name}: unsupported file type '{ext or '(none)'}'. "
            f"Convert it to one of {', '.join(SUPPORTED_EXTENSIONS)}."
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TutorError(
            f"{path.name}: cannot read the file ({exc.strerror}). Check it exists and is readable."
        ) from exc
    if size == 0:
        raise TutorError(f"{path.name}: the file is empty. Add text to it or remove it.")
    if size > max_bytes:
        raise TutorError(
            f"{path.name}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit. "
            "Split it into smaller files."
        )
    data = path.read_bytes()
    return loader(data, doc_id or path.name, str(path))


def load_bytes(
    data: bytes, name: str, source: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> RawDocument:
    """Load bytes read elsewhere (an upload, or a file already read for hashing) as document ``name``."""
    ext = Path(name).suffix.lower()
    loader = _LOADERS.get(ext)
    if loader is None:
        raise TutorError(
            f"{name}: unsupported file type '{ext or '(none)'}'. Use {', '.join(SUPPORTED_EXTENSIONS)}."
        )
    if not data:
        raise TutorError(f"{name}: the file is empty.")
    if len(data) > max_bytes:
        raise TutorError(f"{name}: {len(data) / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit.")
    return loader(data, name, source or name)


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 when it is, otherwise the best guess of charset-normalizer; binary data is refused."""
    if b"\x00" in data[:8192]:
        raise TutorError(f"{name}: looks like a binary file, not text. Save it as .txt, .md, .html or .pdf.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise TutorError(f"{name}: cannot tell the text encoding. Re-save the file as UTF-8.")
    return str(best)


def _first_heading(text: str) -> str | None:
    for line in text.splitlines():
        match = re.match(r"^#{1,6}\s+(.+?)\s*#*$", line.strip())
        if match:
            return match.group(1).strip()
    return None


def _front_matter_title(text: str) -> str | None:
    match = re.match(r"^---\s*\n(.*?)\n---\s*\n", text, re.S)
    if match:
        title = re.search(r"^title:\s*[\"']?(.+?)[\"']?\s*$", match.group(1), re.M)
        if title:
            return title.group(1)
    return None


def load_text(data: bytes, doc_id: str, source: str) -> RawDocument:
    text = decode_text(data, doc_id)
    if not text.strip():
        raise TutorError(f"{doc_id}: the file has no text. Add content or remove it.")
    return RawDocument(doc_id=doc_id, source=source, format="txt", segments=(text,))


def load_markdown(data: bytes, doc_id: str, source: str) -> RawDocument:
    text = decode_text(data, doc_id)
    if not text.strip():
        raise TutorError(f"{doc_id}: the file has no text. Add content or remove it.")
    title = _front_matter_title(text) or _first_heading(text)
    return RawDocument(doc_id=doc_id, source=source, format="md", segments=(text,), title=title)


_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "blockquote",
    "pre",
    "br",
    "dd",
    "dt",
    "dl",
    "figure",
    "header",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
}
_DROP_TAGS = frozenset(
    ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "template")
)
# The ARIA landmarks that mean the same as those tags (e.g. Sphinx's <div class="related" role="navigation">).
_DROP_ROLES = frozenset(("navigation", "banner", "contentinfo", "search"))
_HEADING_TAG = re.compile(r"h[1-6]")
_SPACES = re.compile(r"\s+")


def _is_chrome(el: HtmlElement) -> bool:
    return isinstance(el.tag, str) and (el.tag.lower() in _DROP_TAGS or el.get("role") in _DROP_ROLES)


def _text_of(el: HtmlElement) -> str:
    return " ".join(" ".join(el.itertext()).split())


def _html_to_text(node: HtmlElement) -> str:
    """Block structure survives as blank lines, headings as markdown '#', list items as '- '."""
    parts: list[str] = []

    def walk(el: HtmlElement) -> None:
        if isinstance(el.tag, str):  # comments and processing instructions add nothing but their tail
            name = el.tag.lower()
            if name == "br":
                parts.append("\n")
            else:
                block = name in _BLOCK_TAGS
                if block:
                    parts.append("\n\n")
                if _HEADING_TAG.fullmatch(name):
                    parts.append("#" * int(name[1]) + " ")
                elif name == "li":
                    parts.append("- ")
                if el.text:
                    parts.append(_SPACES.sub(" ", el.text))
                for child in el:
                    walk(child)
                if block:
                    parts.append("\n\n")
        if el.tail:
            parts.append(_SPACES.sub(" ", el.tail))

    tail, node.tail = node.tail, None  # the node's own tail lies outside it
    walk(node)
    node.tail = tail
    text = "".join(parts)
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def load_html(data: bytes, doc_id: str, source: str) -> RawDocument:
    if b"\x00" in data[:8192]:
        raise TutorError(f"{doc_id}: looks like a binary file, not HTML.")
    # UnicodeDammit reads <meta charset> and falls back to detection, so legacy encodings decode right.
    # lxml builds the tree ten times faster than BeautifulSoup's html.parser (the ingest profile's
    # second-largest cost) and gives the same text on the whole benchmark corpus.
    markup = UnicodeDammit(data, is_html=True).unicode_markup
    try:
        root = lxml.html.document_fromstring(markup) if markup and markup.strip() else None
    except (etree.ParserError, ValueError):
        root = None
    if root is None:
        raise TutorError(f"{doc_id}: the page has no readable text.")
    title_el = root.find(".//title")
    title = _text_of(title_el) if title_el is not None else None
    for el in [el for el in root.iter() if _is_chrome(el)]:
        if el.getparent() is not None:
            el.drop_tree()
    body = root.find("body")
    text = _html_to_text(body if body is not None else root)
    if not text.strip():
        raise TutorError(f"{doc_id}: the page has no readable text.")
    if not title:
        h1 = root.find(".//h1")
        title = _text_of(h1) if h1 is not None else None
    return RawDocument(doc_id=doc_id, source=source, format="html", segments=(text,), title=title or None)


def load_pdf(data: bytes, doc_id: str, source: str) -> RawDocument:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # An empty user password opens many "protected" PDFs; anything else needs the owner.
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise TutorError(
                    f"{doc_id}: the PDF is encrypted. Save an unprotected copy and add that instead."
                )
        pages = tuple((page.extract_text() or "") for page in reader.pages)
        meta_title = reader.metadata.title if reader.metadata else None
    except TutorError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise TutorError(f"{doc_id}: not a readable PDF ({exc}). Re-export it or add it as text.") from exc
    if not any(page.strip() for page in pages):
        raise TutorError(
            f"{doc_id}: the PDF has no extractable text (scanned images?). Run OCR on it first or add a text version."
        )
    title = (str(meta_title).strip() or None) if meta_title else None
    return RawDocument(doc_id=doc_id, source=source, format="pdf", segments=pages, title=title, paged=True)


_LOADERS: dict[str, Callable[[bytes, str, str], RawDocument]] = {
    ".txt": load_text,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
}
