"""Ground step: every sentence the model wrote is aligned to the passage sentence that backs it.

The model's own [n] markers are only a hint; sentences no passage supports are dropped and listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.text import split_sentences
from ingest.words import STOPWORDS
from tutor.rag.generate import LLM_PASSAGES
from tutor.rag.grounding import SUPPORT_THRESHOLD, SupportScorer, lexical_recall
from tutor.rag.passages import label
from tutor.rag.safety import is_instruction_like
from tutor.rag.sentence_vectors import Embed
from tutor.schema import Citation, Passage, citation_from_passage

NOT_IN_MATERIAL = "NOT IN MATERIAL"
_LEADING_LABEL = re.compile(r"^\(([^()]{1,120})\)\s*")
_REPEATED_OPENING = re.compile(r"^(\w[\w-]*(?:\s+\w[\w-]*){0,4})\s+\1\b")
_LOWER_WORD = re.compile(r"\b[a-z][a-z-]{2,}\b")


@dataclass(frozen=True)
class Grounded:
    """The model's answer with only supported sentences, each ending in the [n] of its passage."""

    text: str
    citations: list[Citation]
    unsupported: list[str]


def _is_fragment(sentence: str) -> bool:
    """A bare list of names ("Glue and EMR") says nothing a learner can use."""
    return not any(w not in STOPWORDS for w in _LOWER_WORD.findall(sentence))


def _model_sentences(raw: str, passages: list[Passage]) -> list[tuple[str, list[int]]]:
    """The model's sentences, cleaned of markers, copied labels and repeats, with the [n] hints it wrote."""
    sentences: list[tuple[str, list[int]]] = []
    labels = {label(p) for p in passages[:LLM_PASSAGES]}
    for s, e in split_sentences(raw):
        piece = raw[s:e]
        hints = [int(n) for n in re.findall(r"\[(\d+)\]", piece)]
        clean = re.sub(r"\s*\[\d+(?:,\s*\d+)*\]", "", piece).strip()
        clean = re.sub(r"^[-*•]\s*", "", clean)
        # Small models copy a passage's "(topic)" label along with its words.
        leading = _LEADING_LABEL.match(clean)
        if leading and leading.group(1) in labels:
            clean = clean[leading.end() :]
        # ...and a title line run into its sentence: "Model Deployment Model Deployment makes ...".
        clean = _REPEATED_OPENING.sub(r"\1", clean)
        if len(clean.split()) < 3 or NOT_IN_MATERIAL.lower() in clean.lower() or _is_fragment(clean):
            continue
        # Small models repeat themselves; say each thing once.
        if any(
            lexical_recall(clean, earlier) >= 0.9 and lexical_recall(earlier, clean) >= 0.9
            for earlier, _ in sentences
        ):
            continue
        sentences.append((clean, hints))
    return sentences


def ground(raw: str, passages: list[Passage], scorer: SupportScorer, embed: Embed) -> Grounded:
    if NOT_IN_MATERIAL.lower() in raw.lower() and len(raw.strip()) < 40:
        return Grounded("", [], [])
    sentences = _model_sentences(raw, passages)
    if not sentences:
        return Grounded("", [], [])
    vectors = embed([s for s, _ in sentences])
    kept: list[str] = []
    unsupported: list[str] = []
    best_support: dict[int, tuple[float, str]] = {}
    for (clean, hints), vec in zip(sentences, vectors, strict=True):
        choice = None
        for h in hints:
            if 1 <= h <= len(scorer.passages):
                cand = scorer.best(clean, vec, passage_index=h - 1)
                if cand and cand.score >= SUPPORT_THRESHOLD and not is_instruction_like(cand.sentence.text):
                    choice = cand
                    break
        if choice is None:
            cand = scorer.best(clean, vec)
            if cand and cand.score >= SUPPORT_THRESHOLD and not is_instruction_like(cand.sentence.text):
                choice = cand
        if choice is None:
            unsupported.append(clean)
            continue
        n = passages[choice.passage_index].rank
        kept.append(f"{clean.rstrip()} [{n}]")
        if n not in best_support or choice.score > best_support[n][0]:
            best_support[n] = (choice.score, choice.sentence.text)
    citations = [citation_from_passage(passages[n - 1], n, best_support[n][1]) for n in sorted(best_support)]
    return Grounded(" ".join(kept), citations, unsupported)
