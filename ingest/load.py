"""Bytes on disk -> RawDocument, one loader per format.

HTML (XHTML with an XML declaration too) becomes markdown-like text: headings as ``#`` lines, list items
as ``- ``, preformatted blocks as fenced code with their line breaks; site chrome and documentation
generators' page furniture (navigation bars, sidebars, permalinks, footers) is dropped. PDF pages lose
running headers and footers, page numbers and contents/index pages; words hyphenated at line ends are
joined.

Every failure a user can cause (unknown extension, empty, binary, too large, encrypted or broken PDF)
raises TutorError naming the file and what to do, so the caller can report it and carry on.
"""

from __future__ import annotations

import io
import re
import textwrap
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


_BLOCK_TAGS = frozenset(
    (
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
        "dd",
        "dt",
        "dl",
        "figure",
        "figcaption",
        "header",
        "footer",
        "aside",
        "caption",
        "hr",
    )
)
_CELL_TAGS = frozenset(("td", "th"))
_DROP_TAGS = frozenset(
    ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "template")
)
# The ARIA landmarks that mean the same as those tags (e.g. Sphinx's <div class="related" role="navigation">).
_DROP_ROLES = frozenset(("navigation", "banner", "contentinfo", "search"))
# An <aside> that holds a footnote is content, not a sidebar.
_NOTE_ROLES = frozenset(("note", "doc-footnote", "doc-endnote", "doc-endnotes"))
# Class or id names documentation generators give their page furniture: navigation bars and tables,
# breadcrumbs, sidebars, page footers, permalink marks, copyright lines. Matched as whole class tokens,
# case-insensitively, so e.g. a DocBook "sidebar" (a boxed tip, real content) is kept.
_FURNITURE_NAMES = frozenset(
    (
        "nav",
        "navbar",
        "navigation",
        "navheader",
        "navfooter",
        "docnav",
        "breadcrumb",
        "breadcrumbs",
        "related",
        "sphinxsidebar",
        "sphinxsidebarwrapper",
        "footer",
        "banner",
        "headerlink",
        "permalink",
        "searchbox",
        "toc",
        "lot",
        "toctree-wrapper",
        "contents",
        "copyright",
        "legalnotice",
        "skip-link",
    )
)
# A permalink mark is a same-page link whose whole text is one symbol.
_PERMALINK_TEXT = frozenset(("¶", "#", "§", "🔗", "∞", "⁋"))
# A block whose words are all navigation words ("« Prev | Up | Home | Next »") is a navigation bar.
_NAV_WORDS = frozenset(("prev", "previous", "next", "up", "home", "top", "back", "index", "contents"))
_NAV_FILLER = frozenset(("to", "of", "the", "table", "page", "go"))
_NAV_BLOCK_TAGS = frozenset(("p", "div", "ul", "ol", "table", "tr", "li"))
_HEADING_TAG = re.compile(r"h[1-6]")
_SPACES = re.compile(r"\s+")
# XHTML starts with <?xml ... encoding="..."?>; lxml refuses an encoding declaration in a decoded string.
_XML_DECLARATION = re.compile(r"\A\s*<\?xml\b[^>]*\?>", re.I)
# Listings that number their lines in the text ("  12&nbsp;echo"); the numbers are not code.
_LISTING_NUMBER = re.compile(r"^ *(\d+)\u00a0")
_BACKTICKS = re.compile(r"`+")


def _names(el: HtmlElement) -> set[str]:
    names = {name.lower() for name in (el.get("class") or "").split()}
    element_id = el.get("id")
    if element_id:
        names.add(element_id.lower())
    return names


def _is_chrome(el: HtmlElement, furniture: bool) -> bool:
    """Site chrome by tag or ARIA role; with ``furniture``, also generators' navigation and permalinks."""
    if not isinstance(el.tag, str):
        return False
    name = el.tag.lower()
    if name == "aside" and (el.get("role") in _NOTE_ROLES or any("footnote" in n for n in _names(el))):
        return False
    if name in _DROP_TAGS or el.get("role") in _DROP_ROLES:
        return True
    if not furniture:
        return False
    if _names(el) & _FURNITURE_NAMES:
        return True
    if name == "a" and (el.get("href") or "").startswith("#") and _text_of(el) in _PERMALINK_TEXT:
        return True
    if name in _NAV_BLOCK_TAGS:
        words = re.sub(r"[^\w\s]", " ", _text_of(el)).lower().split()
        return (
            bool(words)
            and len(words) <= 12
            and bool(set(words) & _NAV_WORDS)
            and set(words) <= (_NAV_WORDS | _NAV_FILLER)
        )
    return False


def _text_of(el: HtmlElement) -> str:
    return " ".join(" ".join(el.itertext()).split())


def _raw_text(el: HtmlElement) -> str:
    """Every character inside ``el`` as written (whitespace kept), <br> as a line break."""
    parts: list[str] = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str):
            parts.append("\n" if child.tag.lower() == "br" else _raw_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _code_text(el: HtmlElement) -> str:
    """A <pre> block's lines as written, without listing line numbers, blank edges or common indent."""
    code = _raw_text(el).replace("\r\n", "\n").replace("\r", "\n").expandtabs(8)
    lines = code.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    numbers = [_LISTING_NUMBER.match(line) for line in lines]
    if lines and all(numbers):
        first = int(numbers[0].group(1)) if numbers[0] else 0
        if all(m and int(m.group(1)) == first + i for i, m in enumerate(numbers)):
            lines = [line[m.end() :] if m else line for line, m in zip(lines, numbers, strict=True)]
    lines = [line.replace("\u00a0", " ").rstrip() for line in lines]
    return textwrap.dedent("\n".join(lines)).strip("\n")


class _TextBuilder:
    """Paragraphs separated by blank lines: headings as markdown '#', list items as '- ', code fenced."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self._inline: list[str] = []
        self._bullet = False
        self._cell_break = False

    def text(self, text: str | None) -> None:
        if text:
            if self._cell_break and text.strip():
                self._cell_break = False
                if "".join(self._inline).strip():
                    self._inline.append(" | ")
            self._inline.append(_SPACES.sub(" ", text))

    def line_break(self) -> None:
        self._inline.append("\n")

    def cell(self) -> None:
        """Cells of a table row stay on one line, separated by a bar (once the next cell has text)."""
        self._cell_break = True

    def bullet(self) -> None:
        self.end_block()
        self._bullet = True  # marks the next paragraph, even one nested in a <p> inside the <li>

    def end_block(self) -> None:
        lines = [line.strip() for line in "".join(self._inline).split("\n")]
        self._inline = []
        self._cell_break = False
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        if text:
            if self._bullet:
                text = "- " + text
                self._bullet = False
            self.blocks.append(text)

    def heading(self, level: int, text: str) -> None:
        self.end_block()
        if text:
            self.blocks.append("#" * level + " " + text)
            self._bullet = False

    def code(self, code: str) -> None:
        self.end_block()
        self._bullet = False
        if code.strip():
            longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
            fence = "`" * max(3, longest + 1)
            self.blocks.append(f"{fence}\n{code}\n{fence}")

    def result(self) -> str:
        self.end_block()
        return "\n\n".join(self.blocks)


def _html_to_text(node: HtmlElement) -> str:
    """Block structure survives as blank lines, headings as markdown '#', list items as '- ', and
    preformatted blocks (code listings, terminal sessions) as fenced code with their line breaks."""
    out = _TextBuilder()

    def walk(el: HtmlElement) -> None:
        if isinstance(el.tag, str):  # comments and processing instructions add nothing but their tail
            name = el.tag.lower()
            if name == "br":
                out.line_break()
            elif name == "pre":
                out.code(_code_text(el))
            elif _HEADING_TAG.fullmatch(name):
                out.heading(int(name[1]), _SPACES.sub(" ", "".join(el.itertext())).strip())
            else:
                block = name in _BLOCK_TAGS
                if name == "li":
                    out.bullet()
                elif block:
                    out.end_block()
                elif name in _CELL_TAGS:
                    out.cell()
                out.text(el.text)
                for child in el:
                    walk(child)
                if block:
                    out.end_block()
        out.text(el.tail)

    tail, node.tail = node.tail, None  # the node's own tail lies outside it
    walk(node)
    node.tail = tail
    return out.result()


def _page_text(markup: str, furniture: bool) -> tuple[str, str | None]:
    root = lxml.html.document_fromstring(markup)
    title_el = root.find(".//title")
    title = _text_of(title_el) if title_el is not None else None
    for el in [el for el in root.iter() if _is_chrome(el, furniture)]:
        if el.getparent() is not None:
            el.drop_tree()
    body = root.find("body")
    text = _html_to_text(body if body is not None else root)
    if not title:
        h1 = root.find(".//h1")
        title = _text_of(h1) if h1 is not None else None
    return text, title


def load_html(data: bytes, doc_id: str, source: str) -> RawDocument:
    if b"\x00" in data[:8192]:
        raise TutorError(f"{doc_id}: looks like a binary file, not HTML.")
    # UnicodeDammit reads <meta charset> and falls back to detection, so legacy encodings decode right.
    # lxml builds the tree ten times faster than BeautifulSoup's html.parser (the ingest profile's
    # second-largest cost) and gives the same text on the whole benchmark corpus.
    markup = UnicodeDammit(data, is_html=True).unicode_markup or ""
    markup = _XML_DECLARATION.sub("", markup, count=1)
    text, title = "", None
    if markup.strip():
        try:
            text, title = _page_text(markup, furniture=True)
            if not text.strip():
                # A page that is nothing but furniture (a contents page) is still what the user added.
                text, title = _page_text(markup, furniture=False)
        except (etree.ParserError, ValueError):
            text = ""
    if not text.strip():
        raise TutorError(f"{doc_id}: the page has no readable text.")
    return RawDocument(doc_id=doc_id, source=source, format="html", segments=(text,), title=title or None)


# -- PDF page furniture ---------------------------------------------------------------------------------

# A line that is only a page number: "12", "- 12 -", "Page 3", "3 of 10", "xii" (front matter).
_BARE_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^[-–—]\s*\d{1,4}\s*[-–—]$"
    r"|^(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$",
    re.I,
)
_ROMAN_ONLY = re.compile(r"^[ivxlc]+$", re.I)
_LEADING_NUMBER = re.compile(r"^(\d{1,4})\s+(\S.*)$")
_TRAILING_NUMBER = re.compile(r"^(.*\S)\s+(\d{1,4})$")
_DIGITS = re.compile(r"\d+")
# Table of contents and index entries: "1.2 Vectors ........ 8", "bruto . . . . . 67, 70".
_LEADER_LINE = re.compile(r"(?:\.\s?){4,}\s*\d{1,4}(?:\s*,\s*\d{1,4})*$")
# A word hyphenated at the end of a line, and the rest of it at the start of the next.
_LINE_END_HYPHEN = re.compile(r"(?<![\w-])([A-Za-z]*[a-z])-\n([a-z][a-z’']*)(\S*)[ \t]*(\n?)")
_HYPHENATED_WORD = re.compile(r"\b[A-Za-z]*[a-z]-[a-z]+\b")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_EDGE_LINES = 2  # header and footer lines looked at, at each end of a page


def _edge_line_numbers(line: str) -> list[int]:
    numbers = [int(m.group(1)) for m in (_LEADING_NUMBER.match(line),) if m]
    numbers += [int(m.group(2)) for m in (_TRAILING_NUMBER.match(line),) if m]
    if line.isdigit() and len(line) <= 4:
        numbers.append(int(line))
    return numbers


def _shape(line: str) -> str:
    return " ".join(_DIGITS.sub("#", line.lower()).split())


def _trim_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start]:
        start += 1
    while end > start and not lines[end - 1]:
        end -= 1
    return lines[start:end]


def _strip_page_furniture(pages: tuple[str, ...]) -> tuple[str, ...]:
    """Remove running headers and footers, page numbers, and contents/index pages from PDF page texts.

    A line at the top or bottom of a page is furniture when it is a bare page number; when it carries
    the page's printed number (the numbering found on most pages: printed = physical - offset), as in
    "Chapter 2: Vectors 14"; or when the same line (digits aside) stands at that end of most pages.
    A page that is mostly dot-leader entries ("Vectors ...... 8") is a table of contents or an index.
    """
    lines = [[line.strip() for line in page.split("\n")] for page in pages]
    offsets: dict[int, int] = {}
    top_shapes: dict[str, int] = {}
    bottom_shapes: dict[str, int] = {}
    for number, page_lines in enumerate(lines, start=1):
        text_lines = [line for line in page_lines if line]
        top, bottom = text_lines[:_EDGE_LINES], text_lines[-_EDGE_LINES:]
        for found in {n for line in top + bottom for n in _edge_line_numbers(line)}:
            offsets[number - found] = offsets.get(number - found, 0) + 1
        for shape in {_shape(line) for line in top}:
            top_shapes[shape] = top_shapes.get(shape, 0) + 1
        for shape in {_shape(line) for line in bottom}:
            bottom_shapes[shape] = bottom_shapes.get(shape, 0) + 1
    offset: int | None = None
    if offsets:
        best = max(offsets, key=lambda k: offsets[k])
        if offsets[best] >= max(3, len(pages) // 4):
            offset = best
    repeated = max(3, (len(pages) + 1) // 2)

    def furniture(line: str, number: int, shapes: dict[str, int]) -> bool:
        if _BARE_PAGE_NUMBER.match(line) and not (_ROMAN_ONLY.match(line) and line != line.lower()):
            return True
        if shapes.get(_shape(line), 0) >= repeated:
            return True
        if offset is None:
            return False
        for match, rest in (
            (_LEADING_NUMBER.match(line), 2),
            (_TRAILING_NUMBER.match(line), 1),
        ):
            if match is None:
                continue
            printed = int(match.group(1 if rest == 2 else 2))
            words = match.group(rest)
            if printed == number - offset and len(words) <= 80 and not words.endswith((".", ",", ";")):
                return True
        return False

    out: list[str] = []
    for number, page_lines in enumerate(lines, start=1):
        kept = _trim_blank(page_lines)
        for _ in range(_EDGE_LINES):
            if kept and furniture(kept[0], number, top_shapes):
                kept = _trim_blank(kept[1:])
        for _ in range(_EDGE_LINES):
            if kept and furniture(kept[-1], number, bottom_shapes):
                kept = _trim_blank(kept[:-1])
        leaders = sum(1 for line in kept if _LEADER_LINE.search(line))
        if leaders >= 3 and leaders * 2 >= sum(1 for line in kept if line):
            kept = []
        out.append("\n".join(kept))
    return _join_hyphenated(out)


def _join_hyphenated(pages: list[str]) -> tuple[str, ...]:
    """Undo hyphenation at line ends ("ho-\\nmoscedastic" -> "homoscedastic"), also across a page
    break. The hyphen stays when the document writes that word with one elsewhere ("right-hand")."""
    hyphenated = {m.group(0).lower() for page in pages for m in _HYPHENATED_WORD.finditer(page)}

    def join(first: str, rest: str) -> str:
        word = f"{first}-{rest}"
        return word if word.lower() in hyphenated else first + rest

    def rejoin(page: str) -> str:
        def replace(match: re.Match[str]) -> str:
            # The rest of the next line (if any) stays on a line of its own.
            more = match.group(4) or match.end() < len(page)
            return join(match.group(1), match.group(2)) + match.group(3) + ("\n" if more else "")

        return _LINE_END_HYPHEN.sub(replace, page)

    pages = [rejoin(page) for page in pages]
    for i in range(len(pages) - 1):
        end = re.search(r"(?<![\w-])([A-Za-z]*[a-z])-$", pages[i])
        start = re.match(r"([a-z][a-z’']*)(\S*)[ \t]*\n?", pages[i + 1])
        if end and start:
            pages[i] = pages[i][: end.start()] + join(end.group(1), start.group(1)) + start.group(2)
            pages[i + 1] = pages[i + 1][start.end() :]
    return tuple(pages)


def load_pdf(data: bytes, doc_id: str, source: str) -> RawDocument:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # An empty user password opens many "protected" PDFs; anything else needs the owner.
            try:
                ok = bool(reader.decrypt(""))
            except Exception:
                ok = False
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
    # Unmapped glyphs come out as control characters (a backspace for a boxed figure); they are not text.
    pages = tuple(_CONTROL_CHARS.sub("", page) for page in pages)
    stripped = _strip_page_furniture(pages)
    if any(page.strip() for page in stripped):  # a PDF that is all contents pages keeps them
        pages = stripped
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
