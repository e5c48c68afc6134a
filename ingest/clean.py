"""Strip boilerplate that is not study material, keep every content paragraph.

Rules are content-based (they apply whatever the extension): front matter, HTML embeds and scripts,
image links and their captions, link syntax, bullet glyphs, scraped site headers and footers. Regexes
are compiled once; cleaning a document is a handful of linear passes.
"""

from __future__ import annotations

import re
import unicodedata

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

# Scraped-site chrome: a header line naming the site logo, and footers whose first line ends the content.
_HEADER_LINES = re.compile(r"^.{0,60}\bhome page\b.{0,60}\blogo\b.{0,20}$", re.I)
_FOOTER_STARTS = re.compile(
    r"^(\S+'s People|Recommend (Projects|Topics|Org)|Related (Projects|Repositories)|Share this( article| post)?:?|"
    r"Cookie (Policy|Settings)|All rights reserved.*|© ?(Copyright )?\d{4}.*|Copyright © .*)$",
    re.I,
)
_DROP_SECTIONS = re.compile(r"^(Bibliography|Sources|Further reading)\s*:?$", re.I)


def clean_text(text: str) -> str:
    """Clean one text segment; idempotent."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _FRONT_MATTER.sub("", text)
    text = _HTML_COMMENT.sub("", text)
    text = _EMBED_BLOCK.sub("", text)
    text = _SCRIPT_STYLE.sub("", text)
    text = _SCRIPT_OPEN.sub("", text)

    out: list[str] = []
    drop_level = 0  # >0 while inside a dropped markdown section (bibliography) of that level
    after_image = False
    for raw_line in text.split("\n"):
        line = raw_line.rstrip()
        heading = _SECTION_HEADING.match(line.strip())
        if heading:
            level = len(heading.group(1))
            if drop_level and level <= drop_level:
                drop_level = 0
            if _DROP_SECTIONS.match(heading.group(2).strip()):
                drop_level = level
                continue
        if drop_level:
            continue
        stripped = line.strip()
        if _FOOTER_STARTS.match(stripped):
            break
        if _HEADER_LINES.match(stripped):
            continue
        had_image = bool(_MD_IMAGE.search(line))
        line = _MD_IMAGE.sub("", line)
        line = _HTML_TAG.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _AUTOLINK.sub("", line)
        line = _BARE_URL_PAREN.sub("", line)
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
        out.append(stripped)
    cleaned = "\n".join(out)
    cleaned = re.sub(r"[ \t]+", " ", cleaned)
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned)
    return cleaned.strip()


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
        cleaned = clean_text(segment)
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
