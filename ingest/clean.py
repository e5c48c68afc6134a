"""Strip boilerplate that is not study material, keep every content paragraph.

Rules are content-based (they apply whatever the extension): front matter, HTML embeds and scripts,
image links and their captions, link syntax, bullet glyphs, scraped site headers and footers. Fenced code
blocks (```` ``` ```` or ``~~~``) are kept line for line, indentation included, and no rule applies inside
them. Text a loader extracted from HTML is cleaned with ``markup=False``: what looks like markup in it
(``__init__``, ``<div>``) is what the page shows. Regexes are compiled once; cleaning a document is a
handful of linear passes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ingest.models import Document, RawDocument

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n.*?\n---[ \t]*\n", re.S)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT_STYLE = re.compile(r"<(script|style|noscript)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_SCRIPT_OPEN = re.compile(r"<script\b[^>]*/?>", re.I)
_EMBED_BLOCK = re.compile(
    r"<blockquote\b[^>]*class=\"[^\"]*(twitter|instagram|tiktok)[^\"]*\"[^>]*>.*?</blockquote\s*>",
    re.S | re.I,
)
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*\b[^>\n]*>")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:https?://|/|#|mailto:)[^)]*\)")
_AUTOLINK = re.compile(r"<https?://[^>\s]+>")
_BARE_URL_PAREN = re.compile(r"\s*\((?:https?://)[^)\s]+\)")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$])")
_BULLET = re.compile(r"^[ \t]*[•●▪◦‣∙·■□➢➤►▸▹○◆◇✓✔]+[ \t]*")
_FIGURE_CAPTION = re.compile(r"^(Figure|Fig\.|Image|Photo)\s*\d+(\.\d+)*\s*[:.–—-]", re.I)
_PHOTO_CREDIT = re.compile(r"^Photo by\b.{0,200}\bon\b.{0,100}$", re.I)
_SECTION_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_FENCE_OPEN = re.compile(r"^(`{3,}|~{3,})(.*)$")
# Typographic ligatures (PDF text extraction yields them) as the letters they stand for.
_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)

# Scraped-site chrome: a header line naming the site logo, and footers whose first line ends the content.
_HEADER_LINES = re.compile(r"^.{0,60}\bhome page\b.{0,60}\blogo\b.{0,20}$", re.I)
_FOOTER_STARTS = re.compile(
    r"^(\S+'s People|Recommend (Projects|Topics|Org)|Related (Projects|Repositories)|Share this( article| post)?:?|"
    r"Cookie (Policy|Settings)|All rights reserved.*|© ?(Copyright )?\d{4}.*|Copyright © .*)$",
    re.I,
)
_DROP_SECTIONS = re.compile(r"^(Bibliography|Sources|Further reading)\s*:?$", re.I)


def code_fences(lines: Sequence[str]) -> list[tuple[int, int]]:
    """(opening line, closing line) indices of the fenced code blocks in ``lines``, in order.

    A fence is a line of three or more backticks or tildes (an info string may follow an opening
    one); the block closes at the next bare fence of the same character at least as long. An opening
    fence that never closes is ordinary text. Lines are compared stripped.
    """
    runs: dict[str, list[tuple[int, int]]] = {"`": [], "~": []}  # char -> (line index, fence length)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if len(stripped) >= 3 and stripped[0] in runs and stripped == stripped[0] * len(stripped):
            runs[stripped[0]].append((i, len(stripped)))
    if not runs["`"] and not runs["~"]:
        return []
    pairs: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        match = _FENCE_OPEN.match(lines[i].strip())
        if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            char, length = match.group(1)[0], len(match.group(1))
            close = next((j for j, n in runs[char] if j > i and n >= length), None)
            if close is not None:
                pairs.append((i, close))
                i = close
        i += 1
    return pairs


# Kinds of line in a cleaned segment.
_PROSE, _FENCE_START, _CODE, _FENCE_END = 0, 1, 2, 3


def _tagged_lines(text: str, markup: bool) -> list[tuple[str, int]]:
    """Each line with its kind. Prose runs get the whole-text passes first, so a comment, script or embed
    spanning lines goes, while code keeps whatever it shows (its indent relative to the fence)."""
    lines = text.split("\n")
    tagged: list[tuple[str, int]] = []
    pos = 0
    fences = code_fences(lines)
    for open_i, close_i in [*fences, (len(lines), len(lines))]:
        if open_i > pos:
            prose = "\n".join(lines[pos:open_i])
            if markup:
                prose = _HTML_COMMENT.sub("", prose)
                prose = _EMBED_BLOCK.sub("", prose)
                prose = _SCRIPT_STYLE.sub("", prose)
                prose = _SCRIPT_OPEN.sub("", prose)
            tagged.extend((line, _PROSE) for line in prose.split("\n"))
        if open_i < len(lines):
            fence = lines[open_i]
            indent = len(fence) - len(fence.lstrip(" "))
            tagged.append((fence.strip(), _FENCE_START))
            for line in lines[open_i + 1 : close_i]:
                lead = len(line) - len(line.lstrip(" "))
                tagged.append((line[min(lead, indent) :].rstrip(), _CODE))
            tagged.append((lines[close_i].strip(), _FENCE_END))
        pos = close_i + 1
    return tagged


def _join_blocks(out: list[tuple[str, int]]) -> str:
    """Prose runs normalised (single spaces, at most one blank line), code blocks verbatim without blank
    edges (an empty one is dropped), joined by one blank line."""
    blocks: list[str] = []
    prose: list[str] = []
    code: list[str] = []

    def end_prose() -> None:
        text = re.sub(r"[ \t]+", " ", "\n".join(prose))
        text = re.sub(r"\n{3,}", "\n\n", text).strip()
        if text:
            blocks.append(text)
        prose.clear()

    for line, kind in out:
        if kind == _PROSE:
            prose.append(line)
        elif kind == _FENCE_START:
            end_prose()
            code[:] = [line]
        elif kind == _CODE:
            code.append(line)
        else:
            body = code[1:]
            while body and not body[0].strip():
                body.pop(0)
            while body and not body[-1].strip():
                body.pop()
            if body:
                blocks.append("\n".join([code[0], *body, line]))
            code.clear()
    end_prose()
    return "\n\n".join(blocks)


def clean_text(text: str, markup: bool = True) -> str:
    """Clean one text segment; idempotent. Fenced code blocks are kept line for line.

    ``markup=False`` is for text a loader already extracted from markup (HTML): a tag, comment, link or
    ``__name__`` in it is literal text the page shows, so the markdown and HTML rules leave it alone.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.translate(_LIGATURES)
    if markup:
        text = _FRONT_MATTER.sub("", text)
    tagged = _tagged_lines(text, markup)
    cleaned = _clean_lines(tagged, markup, drop_sections=True)
    if not cleaned:
        # A page that is one bibliography (an annotated reading list) is the content, not an appendix to it.
        cleaned = _clean_lines(tagged, markup, drop_sections=False)
    return cleaned


def _clean_lines(tagged: list[tuple[str, int]], markup: bool, drop_sections: bool) -> str:
    out: list[tuple[str, int]] = []
    drop_level = 0  # >0 while inside a dropped markdown section (bibliography) of that level
    after_image = False
    for raw_line, kind in tagged:
        if kind != _PROSE:
            if not drop_level:
                out.append((raw_line, kind))
                after_image = False
            continue
        line = raw_line.rstrip()
        heading = _SECTION_HEADING.match(line.strip())
        if heading:
            level = len(heading.group(1))
            if drop_level and level <= drop_level:
                drop_level = 0
            if drop_sections and _DROP_SECTIONS.match(heading.group(2).strip()):
                drop_level = level
                continue
        if drop_level:
            continue
        stripped = line.strip()
        if _FOOTER_STARTS.match(stripped):
            break
        if _HEADER_LINES.match(stripped):
            continue
        had_image = markup and bool(_MD_IMAGE.search(line))
        if markup:
            line = _MD_IMAGE.sub("", line)
            line = _HTML_TAG.sub("", line)
            line = _MD_LINK.sub(r"\1", line)
            line = _AUTOLINK.sub("", line)
        line = _BARE_URL_PAREN.sub("", line)
        if markup:
            line = _BOLD.sub(r"\2", line)
            line = _MD_ESCAPE.sub(r"\1", line)
        if _BULLET.match(line):
            line = "- " + _BULLET.sub("", line)
        stripped = line.strip()
        # A line that held an image, or directly follows one, and reads like a caption or credit is noise;
        # so is a figure caption left dangling without its image.
        if had_image and (not stripped or _PHOTO_CREDIT.match(stripped) or len(stripped) < 120):
            after_image = True
            continue
        if _FIGURE_CAPTION.match(stripped) or (after_image and _PHOTO_CREDIT.match(stripped)):
            after_image = False
            continue
        if stripped:
            after_image = False
        out.append((stripped, _PROSE))
    return _join_blocks(out)


def _title_from_text(text: str, fallback: str) -> str:
    for line in text.split("\n"):
        line = line.strip().lstrip("#").strip()
        if line and not line.startswith("- "):
            return line if len(line) <= 120 else line[:117].rstrip() + "..."
    return fallback


def clean_document(raw: RawDocument) -> Document:
    """Clean every segment and join them; pages keep their starting offsets in the cleaned text."""
    parts: list[str] = []
    page_starts: list[tuple[int, int]] = []
    offset = 0
    for number, segment in enumerate(raw.segments, start=1):
        cleaned = clean_text(segment, markup=raw.format != "html")
        if not cleaned:
            continue
        if parts:
            offset += 2  # the "\n\n" joining segments
        if raw.paged:
            page_starts.append((offset, number))
        parts.append(cleaned)
        offset += len(cleaned)
    text = "\n\n".join(parts)
    stem = raw.doc_id.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("-", " ").replace("_", " ")
    title = (raw.title or "").strip() or _title_from_text(text, stem)
    return Document(
        doc_id=raw.doc_id,
        source=raw.source,
        format=raw.format,
        title=title,
        text=text,
        page_starts=tuple(page_starts),
    )
