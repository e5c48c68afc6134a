"""The extractive answer: the passage sentences that best answer the query, stitched with citations.

Deterministic; the `extractive` backend's whole answer, and the fallback when nothing a model wrote survives.
"""

from __future__ import annotations

import re

import numpy as np

from ingest.text import content_tokens, split_sentences
from tutor.rag.generate import LLM_PASSAGES
from tutor.rag.grounding import SupportScorer, lexical_recall, relevance
from tutor.rag.passages import is_heading, label
from tutor.rag.safety import is_instruction_like
from tutor.schema import Citation, Passage, citation_from_passage

# Weights picked on the eval set (docs/decisions/0004-extractive-sentence-choice.md).
PASSAGE_BONUS = 0.1
# A sentence whose words are mostly in one already picked is a near-duplicate.
NEAR_DUPLICATE = 0.7
_DOC_REFS = re.compile(r"\s*\[\d+\]")
# A list item that already names its subject ("Storage tier: ...") needs no heading in front.
_HAS_SUBJECT = re.compile(r"^[^:.]{2,60}:\s")


def extractive_answer(
    query: str, qvec: np.ndarray, passages: list[Passage], scorer: SupportScorer, limit: int = 3
) -> tuple[str, list[Citation]]:
    """A sentence that introduces a list ("... three components:") brings its items along; a bare list item
    gets its section heading as a subject ("Glue: managed serverless ETL service")."""
    candidates: list[tuple[float, int, str, frozenset[int]]] = []
    query_tokens = set(content_tokens(query))
    for j, sent in enumerate(scorer.sentences):
        p = passages[sent.passage_index]
        text = _DOC_REFS.sub("", sent.text).lstrip("-*• ").strip()
        if is_instruction_like(text) or (is_heading(text, p) and not sent.list_items):
            continue
        covers = frozenset(range(j, j + 1 + len(sent.list_items)))
        if sent.list_items:
            text = f"{text.rstrip(':')}: {'; '.join(i.rstrip(':') for i in sent.list_items)}"
        elif text.endswith(":") or len(text.split()) < 3:
            continue
        if sent.is_list_item and p.heading and not _HAS_SUBJECT.match(text):
            text = f"{label(p).rstrip(':')}: {text}"
        score = relevance(text, scorer.vectors[j], qvec, query, query_tokens) + PASSAGE_BONUS * (
            LLM_PASSAGES - sent.passage_index
        )
        candidates.append((score, j, text, covers))
    candidates.sort(key=lambda c: -c[0])
    picked: list[tuple[int, str]] = []
    covered: set[int] = set()
    seen_texts: set[str] = set()
    for score, j, text, covers in candidates:
        if len(picked) >= limit or (picked and score < 0.3) or (len(picked) == 2 and score < 0.4):
            break
        # Overlapping chunks repeat sentences; a list and its items overlap too.
        key = _DOC_REFS.sub("", scorer.sentences[j].text).strip().lower()
        if covers & covered or key in seen_texts:
            continue
        if any(lexical_recall(text, earlier) >= NEAR_DUPLICATE for _, earlier in picked):
            continue
        picked.append((j, text))
        covered |= covers
        seen_texts.add(key)
    if not picked:
        p = passages[0]
        s, e = split_sentences(p.text)[0]
        return f"{p.text[s:e]} [{p.rank}]", [citation_from_passage(p, p.rank, p.text[s:e])]
    parts: list[str] = []
    supports: dict[int, str] = {}
    for j, text in sorted(picked):
        sent = scorer.sentences[j]
        p = passages[sent.passage_index]
        sentence = text if text.endswith((".", "!", "?")) else text.rstrip(":;") + "."
        parts.append(f"{sentence} [{p.rank}]")
        supports.setdefault(p.rank, sent.text)
    citations = [citation_from_passage(passages[n - 1], n, supports[n]) for n in sorted(supports)]
    return " ".join(parts), citations
