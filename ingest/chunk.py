"""Heading-aware, sentence-aligned, token-sized chunks with exact offsets into the cleaned text.

Headings come from markdown ``#`` lines (not in PDFs, whose text has no markup), exam-style title lines
(``FIRST DOMAIN: ...``, ``Domain 4.1: ...``) and short title lines standing on their own, nested by their
numbering when they have one (``5 Arrays`` > ``5.7 Matrix facilities``); each chunk carries the heading path
it starts under, and where any later section inside it starts (``Chunk.sections``, ``heading_at``). Chunks are packed from whole sentences up to ``max_tokens`` with ``overlap_tokens`` of
trailing sentences repeated, and a new section starts a new chunk once the current one has
``min_tokens``. A fenced code block is one unit: never split into sentences, kept in one chunk when it
fits, cut between lines when it is longer than a chunk, and never repeated as overlap. A single sentence
(or code line) longer than ``max_tokens`` is split at whitespace as a last resort.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.clean import code_fences
from ingest.models import Chunk, Document
from ingest.text import split_sentences
from ingest.tokens import count_tokens_batch

DEFAULT_MAX_TOKENS = 180
DEFAULT_OVERLAP_TOKENS = 30
DEFAULT_MIN_TOKENS = 60

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_DOMAIN_TOP = re.compile(
    r"^((FIRST|SECOND|THIRD|FOURTH|FIFTH|SIXTH) DOMAIN\b|(Domain|DOMAIN) \d+(?!\.\d)\s*[:.–-]|Part \d+\s*[:.–-])"
)
_DOMAIN_SUB = re.compile(
    r"^((Domain|DOMAIN) \d+\.\d+\b|(First|Second|Third|Fourth|Fifth|Sixth) (sub)?domain in\b)"
)
# Numbered section titles ("5.7.2 Linear equations", "B.2 Invoking R"): the depth gives the level; a
# chapter or appendix title line is level 1.
_NUMBERED_TITLE = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,5}|[A-Z](?:\.\d{1,3}){1,5})\.?\s+[A-Z]")
_CHAPTER_TITLE = re.compile(r"^(Chapter \d{1,3}|Appendix [A-Z])\b")
_LIST_ITEM = re.compile(r"^(- |\* |\d+[.)] )")


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    section: int
    code: bool = False  # a fenced code block (or a run of its lines): never cut inside a line


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(_Line(pos + lead, pos + lead + len(stripped), stripped))
        else:
            out.append(_Line(pos, pos, ""))
        pos += len(raw) + 1
    return out


def _is_short_title(line: str) -> bool:
    if len(line) > 80 or len(line.split()) > 12 or _LIST_ITEM.match(line):
        return False
    if sum(ch.isalpha() for ch in line) < 2:  # a number or a row of figures (a table, a plot's axis)
        return False
    return line[-1] not in ".,;!?" and (line[0].isupper() or line[0].isdigit())


def _heading_levels(
    lines: list[_Line],
    markdown_only: bool,
    code_lines: frozenset[int] = frozenset(),
    markdown: bool = True,
    page_starts: frozenset[int] = frozenset(),
) -> dict[int, tuple[int, str]]:
    """Map line index -> (level, heading text); lines of code blocks are never headings."""
    found: dict[int, tuple[int, str]] = {}
    prev_heading_level: int | None = None
    # next_text[i]: the first non-blank line after line i (one backward pass instead of a scan per line).
    next_text: list[_Line | None] = [None] * len(lines)
    following: _Line | None = None
    for j in range(len(lines) - 1, -1, -1):
        next_text[j] = following
        if lines[j].text:
            following = lines[j]
    for i, line in enumerate(lines):
        if not line.text:
            continue
        if i in code_lines:
            prev_heading_level = None
            continue
        md = _MD_HEADING.match(line.text) if markdown else None
        level: int | None = None
        title = line.text
        if md:
            level, title = len(md.group(1)), md.group(2).strip()
        elif _DOMAIN_TOP.match(line.text):
            level = 1
        elif _DOMAIN_SUB.match(line.text):
            level = 2
        elif not markdown_only and _is_short_title(line.text):
            nxt = next_text[i]
            # The blank line joining two pages of a PDF does not end a paragraph.
            blank_after = i + 1 < len(lines) and not lines[i + 1].text
            blank_after = blank_after and not (nxt is not None and nxt.start in page_starts)
            numbered = _NUMBERED_TITLE.match(line.text)
            if nxt is None:
                level = None
            elif (
                blank_after
                or (
                    len(nxt.text) >= 80
                    and len(nxt.text) > 2 * len(line.text)
                    and not _LIST_ITEM.match(nxt.text)
                )
                # "5 Arrays" directly above "5.1 Arrays": numbered titles stack.
                or (numbered and _NUMBERED_TITLE.match(nxt.text) and _is_short_title(nxt.text))
            ):
                if numbered:  # "5.7.2 Linear equations": the numbering says how deep it is
                    level = min(numbered.group(1).count(".") + 1, 6)
                elif _CHAPTER_TITLE.match(line.text):
                    level = 1
                else:
                    # Stacked short lines (a title, then its lead line) nest instead of replacing each other.
                    level = (
                        min(prev_heading_level + 1, 6)
                        if prev_heading_level and prev_heading_level >= 3
                        else 3
                    )
        if level is not None:
            found[i] = (level, title.rstrip(":").strip())
            prev_heading_level = level
        else:
            prev_heading_level = None
    return found


def _sentence_spans(line: _Line) -> list[tuple[int, int]]:
    return [(line.start + s, line.start + e) for s, e in split_sentences(line.text)]


def _split_long(text: str, start: int, end: int, max_tokens: int) -> list[tuple[int, int]]:
    """Last resort for a 'sentence' longer than a chunk: cut at whitespace roughly every max_tokens."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    approx_chars = max_tokens * 3
    out: list[tuple[int, int]] = []
    piece_start = words[0][0]
    prev_end = words[0][1]
    for w_start, w_end in words:
        if w_end - piece_start > approx_chars and w_start > piece_start:
            out.append((piece_start, prev_end))
            piece_start = w_start
        prev_end = w_end
    out.append((piece_start, words[-1][1]))
    return out


def _split_code(text: str, start: int, end: int, max_tokens: int) -> list[tuple[int, int]]:
    """A code block longer than a chunk, cut into runs of whole lines of up to ``max_tokens`` each."""
    lines: list[tuple[int, int, int]] = []  # (line start incl. indent, first char, last char + 1)
    pos = start
    for raw in text[start:end].split("\n"):
        if raw.strip():
            lines.append((pos, pos + len(raw) - len(raw.lstrip()), pos + len(raw.rstrip())))
        pos += len(raw) + 1
    counts = count_tokens_batch([text[line_start:line_end] for line_start, _, line_end in lines])
    pieces: list[tuple[int, int]] = []
    piece_start, piece_end, total = lines[0][1], lines[0][2], 0
    for (_, first, last), n in zip(lines, counts, strict=True):
        if total and total + n + 1 > max_tokens:
            pieces.append((piece_start, piece_end))
            piece_start, total = first, 0
        piece_end = last
        total += n + 1
    pieces.append((piece_start, piece_end))
    return pieces


def _sections(
    text: str, markdown: bool = True, page_starts: frozenset[int] = frozenset()
) -> tuple[list[str], list[_Span]]:
    """The heading path of each section, and the units chunks are packed from: sentences of prose lines,
    and whole fenced code blocks."""
    lines = _lines(text)
    fences = code_fences([line.text for line in lines])
    code_lines = frozenset(i for first, last in fences for i in range(first, last + 1))
    fence_end = dict(fences)
    markdown_only = markdown and any(
        _MD_HEADING.match(ln.text) for i, ln in enumerate(lines) if ln.text and i not in code_lines
    )
    headings = _heading_levels(lines, markdown_only, code_lines, markdown, page_starts)

    section_paths: list[str] = []
    stack: list[tuple[int, str]] = []
    spans: list[_Span] = []
    section = -1
    skip_to = -1
    for i, line in enumerate(lines):
        if not line.text or i <= skip_to:
            continue
        if i in headings or section < 0:
            if i in headings:
                level, title = headings[i]
                stack = [(lv, t) for lv, t in stack if lv < level] + [(level, title)]
            section_paths.append(" > ".join(t for _, t in stack))
            section += 1
        if i in fence_end:
            skip_to = fence_end[i]
            spans.append(_Span(line.start, lines[skip_to].end, section, code=True))
            continue
        for s, e in _sentence_spans(line):
            spans.append(_Span(s, e, section))
    return section_paths, spans


def chunk_document(
    doc: Document,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    overlap_tokens: int = DEFAULT_OVERLAP_TOKENS,
    min_tokens: int = DEFAULT_MIN_TOKENS,
) -> list[Chunk]:
    if max_tokens < 16:
        raise ValueError("max_tokens must be at least 16")
    overlap_tokens = max(0, min(overlap_tokens, max_tokens // 2))
    text = doc.text
    # A PDF's text carries no markup: a line starting with '#' there is a code comment, not a heading.
    section_paths, spans = _sections(
        text, markdown=doc.format != "pdf", page_starts=frozenset(start for start, _ in doc.page_starts)
    )
    if not spans:
        return []

    token_counts = count_tokens_batch([text[s.start : s.end] for s in spans])
    expanded: list[tuple[_Span, int]] = []
    for span, n in zip(spans, token_counts, strict=True):
        if span.code and n > max_tokens:
            # A code block longer than a chunk is cut between lines (a line alone over the limit, at spaces).
            pieces = _split_code(text, span.start, span.end, max_tokens)
            for (ps, pe), pn in zip(pieces, count_tokens_batch([text[a:b] for a, b in pieces]), strict=True):
                if pn > max_tokens * 3 // 2:
                    parts = _split_long(text, ps, pe, max_tokens)
                    for (qs, qe), qn in zip(
                        parts, count_tokens_batch([text[a:b] for a, b in parts]), strict=True
                    ):
                        expanded.append((_Span(qs, qe, span.section, code=True), qn))
                else:
                    expanded.append((_Span(ps, pe, span.section, code=True), pn))
        elif n > max_tokens * 3 // 2:
            pieces = _split_long(text, span.start, span.end, max_tokens)
            for (ps, pe), pn in zip(pieces, count_tokens_batch([text[a:b] for a, b in pieces]), strict=True):
                expanded.append((_Span(ps, pe, span.section), pn))
        else:
            expanded.append((span, n))

    # Each sentence is charged one token more than its own count: the whitespace joining it to the one
    # before ("\n\n", or a space before a number) can be a token of its own, and without the allowance the
    # joined chunk came out up to ~10% over max_tokens. The first sentence of a chunk has no joint: +1.
    groups: list[list[int]] = []
    current: list[int] = []
    current_tokens = 0
    for idx, (span, n) in enumerate(expanded):
        new_section = bool(current) and span.section != expanded[current[-1]][0].section
        if current and (
            current_tokens + n + 1 > max_tokens + 1 or (new_section and current_tokens >= min_tokens)
        ):
            groups.append(current)
            carry: list[int] = []
            carry_tokens = 0
            if not new_section:
                for j in reversed(current):
                    if expanded[j][0].code:  # overlap repeats prose for context, never a code listing
                        break
                    if carry_tokens + expanded[j][1] + 1 > overlap_tokens + 1 or len(carry) + 1 >= len(
                        current
                    ):
                        break
                    carry.insert(0, j)
                    carry_tokens += expanded[j][1] + 1
                # The overlap must still leave room for the sentence that did not fit.
                while carry and carry_tokens + n + 1 > max_tokens + 1:
                    carry_tokens -= expanded[carry.pop(0)][1] + 1
            current, current_tokens = carry, carry_tokens
        current.append(idx)
        current_tokens += n + 1
    if current:
        groups.append(current)

    chunk_bounds = [
        (expanded[g[0]][0].start, expanded[g[-1]][0].end, expanded[g[0]][0].section) for g in groups
    ]
    exact_tokens = count_tokens_batch([text[s:e] for s, e, _ in chunk_bounds])
    chunks: list[Chunk] = []
    for index, ((start, end, sec), n_tokens, group) in enumerate(
        zip(chunk_bounds, exact_tokens, groups, strict=True)
    ):
        chunks.append(
            Chunk(
                doc_id=doc.doc_id,
                title=doc.title,
                heading=section_paths[sec],
                text=text[start:end],
                start=start,
                end=end,
                tokens=n_tokens,
                index=index,
                page=doc.page_at(start),
                sections=_later_sections([expanded[i][0] for i in group], section_paths),
            )
        )
    return chunks


def _later_sections(spans: list[_Span], section_paths: list[str]) -> tuple[tuple[int, str], ...]:
    """Where each section after the chunk's first starts (its heading line) and its heading path: a short
    section shares a chunk with the one before it, and a sentence under it belongs to its own heading."""
    out: list[tuple[int, str]] = []
    current = spans[0].section
    for span in spans:
        if span.section != current:
            current = span.section
            out.append((span.start, section_paths[current]))
    return tuple(out)
