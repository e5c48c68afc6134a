"""How well a passage backs a sentence: lexical recall of the sentence's content words plus embedding similarity.

Used to attach citations to the sentences an LLM wrote (the markers it writes are only a hint), to drop
sentences nothing supports, and by the extractive backend to pick sentences that answer a question.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tutor.schema import Passage
from tutor.text import content_tokens, split_sentences

SUPPORT_THRESHOLD = 0.55


@dataclass(frozen=True)
class PassageSentence:
    passage_index: int  # position in the given passage list
    start: int  # offsets within the passage text
    end: int
    text: str


@dataclass(frozen=True)
class Support:
    passage_index: int
    sentence: PassageSentence
    score: float
    lexical: float
    dense: float


def passage_sentences(passages: list[Passage]) -> list[PassageSentence]:
    out: list[PassageSentence] = []
    for i, p in enumerate(passages):
        for s, e in split_sentences(p.text):
            out.append(PassageSentence(i, s, e, p.text[s:e]))
    return out


def lexical_recall(claim: str, evidence: str) -> float:
    """Share of the claim's content words (stemmed) that the evidence contains."""
    claim_toks = set(content_tokens(claim))
    if not claim_toks:
        return 0.0
    return len(claim_toks & set(content_tokens(evidence))) / len(claim_toks)


class SupportScorer:
    """Scores claims against the sentences of a fixed passage list; embeds each passage sentence once."""

    def __init__(self, passages: list[Passage], embed: callable) -> None:  # type: ignore[valid-type]
        self.passages = passages
        self.sentences = passage_sentences(passages)
        self._embed = embed
        self._vectors = embed([s.text for s in self.sentences]) if self.sentences else np.zeros((0, 384))

    def best(self, claim: str, claim_vector: np.ndarray | None = None) -> Support | None:
        if not self.sentences:
            return None
        vec = claim_vector if claim_vector is not None else self._embed([claim])[0]
        dense = self._vectors @ vec
        best: Support | None = None
        for j, sent in enumerate(self.sentences):
            # Evidence may span two adjacent sentences of the same passage.
            window = sent.text
            if j + 1 < len(self.sentences) and self.sentences[j + 1].passage_index == sent.passage_index:
                window = f"{sent.text} {self.sentences[j + 1].text}"
            lex = max(lexical_recall(claim, sent.text), lexical_recall(claim, window) * 0.95)
            score = 0.5 * lex + 0.5 * float(dense[j])
            if best is None or score > best.score:
                best = Support(sent.passage_index, sent, score, lex, float(dense[j]))
        return best

    def for_passage(self, claim: str, passage_index: int, claim_vector: np.ndarray) -> Support | None:
        best: Support | None = None
        for j, sent in enumerate(self.sentences):
            if sent.passage_index != passage_index:
                continue
            lex = lexical_recall(claim, sent.text)
            score = 0.5 * lex + 0.5 * float(self._vectors[j] @ claim_vector)
            if best is None or score > best.score:
                best = Support(passage_index, sent, score, lex, float(self._vectors[j] @ claim_vector))
        return best
