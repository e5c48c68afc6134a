"""The extractive answer: the passage sentences that best answer the query, stitched with citations.

Deterministic; the `extractive` backend's whole answer, and the fallback when nothing a model wrote survives.
"""

from __future__ import annotations

import re

import numpy as np

from ingest.text import content_tokens, split_sentences, without_opener, without_references
from tutor.rag.generate import LLM_PASSAGES
from tutor.rag.grounding import (
    NEAR_DUPLICATE,
    PassageSentence,
    SupportScorer,
    continues_line,
    lexical_recall,
    next_to,
    on_topic,
    relevance,
    starts_mid_sentence,
)
from tutor.rag.passages import is_heading, subject
from tutor.rag.safety import is_instruction_like
from tutor.schema import Citation, Passage, citation_from_passage

# Weights picked on the eval set (docs/decisions/0004-extractive-sentence-choice.md).
PASSAGE_BONUS = 0.1
# A sentence that sends the reader elsewhere ("For more information, see ...") teaches nothing on its own.
_POINTER = re.compile(r"^(?:for (?:more|further) (?:information|details)\b|(?:see|refer to)\s)", re.I)
# A pronoun subject leans on the sentence before ("It is automatically performed ..."); "It is possible to ..."
# does not.
_PRONOUN_SUBJECT = re.compile(
    r"^(?:They|He|She|This|These|Those|It (?!(?:\w+ ){0,5}(?:to|that|whether|how|if)\b))\b"
)
_DOC_REFS = re.compile(r"\s*\[\d+\]")
# A list item that already names its subject ("Storage tier: ...") needs no heading in front.
_HAS_SUBJECT = re.compile(r"^[^:.]{2,60}:\s")
# A list brought along by its introducing sentence stops here; longer lists are cut (the learner has the source).
LIST_ITEMS = 6
_ENDS_CLAUSE = (".", "!", "?", ":", ";", ")", '"', "”", "’", "'", "]")
_HEADING_LINE = re.compile(r"^(#+\s|\d+(\.\d+)*\.?\s+[A-Z])")
# A box's title line ("TOOLS dpkg, APT and ar") above its first sentence: a heading, not half a sentence.
_TITLE_LINE = re.compile(r"^[A-Z]{3,}\b")
_CODE_CHARS = re.compile(r"[=<>$(){}\[\]|/\\`#%&*_~^]|\w\.\w|--")


def _fragment(raw: str, is_list_item: bool) -> bool:
    """A prose line cut off by a page break, a code block or a section heading ("9.2 Loops", "Make sure
    that the") reads as nonsense on its own; list items and code lines end without punctuation by nature."""
    text = raw.strip()
    if text.endswith(_ENDS_CLAUSE):
        return False
    if _HEADING_LINE.match(text):
        return True
    return not (is_list_item or _CODE_CHARS.search(text))


# A PDF footnote ("2 Note that ...") printed at the foot of a page sits between the halves of a sentence.
_FOOTNOTE = re.compile(r"^\d{1,2}\s+[A-Z]")


def _line_before(j: int, sentences: list[PassageSentence]) -> int | None:
    """The sentence before ``j`` in its passage, skipping a footnote that ends right before it."""
    here = sentences[j].passage_index
    for k in range(j - 1, max(-1, j - 4), -1):
        if sentences[k].passage_index != here:
            return None
        if _FOOTNOTE.match(sentences[k].text):
            return k - 1 if k and sentences[k - 1].passage_index == here else None
    return j - 1 if j and sentences[j - 1].passage_index == here else None


def extractive_answer(
    query: str, qvec: np.ndarray, passages: list[Passage], scorer: SupportScorer, limit: int = 3
) -> tuple[str, list[Citation]]:
    """The best-scoring sentence leads; up to ``limit - 1`` on-topic, non-repeating sentences support it.

    A sentence that introduces a list ("... three components:") brings its items along; a bare list item
    gets its section heading as a subject ("Glue: managed serverless ETL service")."""
    candidates: list[tuple[float, int, str, frozenset[int]]] = []
    query_tokens = set(content_tokens(query))
    for j, sent in enumerate(scorer.sentences):
        p = passages[sent.passage_index]
        raw = _DOC_REFS.sub("", sent.text)
        text = " ".join(raw.lstrip("-*• ").split())
        if is_instruction_like(text) or _POINTER.match(text) or (is_heading(text, p) and not sent.list_items):
            continue
        k = _line_before(j, scorer.sentences)
        previous = scorer.sentences[k].text if k is not None else None
        heading = previous is not None and (
            is_heading(previous, p)
            or _HEADING_LINE.match(previous) is not None
            or _TITLE_LINE.match(previous) is not None
        )
        first = j
        if starts_mid_sentence(text, None if heading else previous):
            # A PDF line break cut "> s6 <- rep(x, each=5)" from "which repeats each element ...": join them.
            if heading or k is None or not continues_line(text, previous):
                continue
            first = k
            text = f"{' '.join(_DOC_REFS.sub('', scorer.sentences[k].text).split())} {text}"
        covers = frozenset(range(first, j + 1 + len(sent.list_items)))
        if sent.list_items:
            items = [" ".join(i.rstrip(":").split()) for i in sent.list_items[:LIST_ITEMS]]
            text = f"{text.rstrip(':')}: {'; '.join(items)}"
        elif text.endswith(":") or len(text.split()) < 3 or _fragment(raw, sent.is_list_item):
            continue
        if sent.is_list_item and p.heading and not _HAS_SUBJECT.match(text):
            text = f"{subject(p).rstrip(':')}: {text}"
        score = relevance(text, scorer.vectors[j], qvec, query, query_tokens) + PASSAGE_BONUS * (
            LLM_PASSAGES - sent.passage_index
        )
        # Scored with its pointer asides (which often name the topic again), shown without them.
        candidates.append((score, j, without_references(text, named_kept=True), covers))
    candidates.sort(key=lambda c: -c[0])
    picked: list[tuple[int, str]] = []
    covered: set[int] = set()
    seen_texts: set[str] = set()
    for score, j, text, covers in candidates:
        if len(picked) >= limit or (picked and score < 0.3) or (len(picked) == 2 and score < 0.4):
            break
        # Overlapping chunks repeat sentences; a list and its items overlap too.
        key = " ".join(_DOC_REFS.sub("", scorer.sentences[j].text).split()).lower()
        if covers & covered or key in seen_texts:
            continue
        if any(lexical_recall(text, earlier) >= NEAR_DUPLICATE for _, earlier in picked):
            continue
        if picked and not (
            on_topic(text, query_tokens, picked[0][1], scorer.common)
            or next_to(j, [i for i, _ in picked], scorer.sentences)
        ):
            continue
        picked.append((j, text))
        covered |= covers
        seen_texts.add(key)
    if not picked:
        p = passages[0]
        s, e = split_sentences(p.text)[0]
        return f"{p.text[s:e]} [{p.rank}]", [citation_from_passage(p, p.rank, p.text[s:e])]
    # The answer first, then its support in reading order. A lead whose pronoun stands for the sentence before
    # it comes after that sentence when that one is picked too.
    lead = picked[0]
    while _PRONOUN_SUBJECT.match(lead[1]) and (k := _line_before(lead[0], scorer.sentences)) is not None:
        before = next((p for p in picked if p[0] == k), None)
        if before is None:
            break
        lead = before
    lead = (lead[0], without_opener(lead[1]))
    ordered = [lead, *sorted(p for p in picked if p[0] != lead[0])]
    parts: list[str] = []
    supports: dict[int, str] = {}
    for j, text in ordered:
        sent = scorer.sentences[j]
        p = passages[sent.passage_index]
        sentence = text if text.endswith((".", "!", "?")) else text.rstrip(":;,") + "."
        parts.append(f"{sentence} [{p.rank}]")
        supports.setdefault(p.rank, sent.text)
    citations = [citation_from_passage(passages[n - 1], n, supports[n]) for n in sorted(supports)]
    return " ".join(parts), citations
