"""Ground step: every sentence the model wrote is aligned to the passage sentence that backs it.

The model's own [n] markers are only a hint; sentences no passage supports are dropped and listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.text import content_tokens, split_sentences
from ingest.words import STOPWORDS
from tutor.rag.generate import LLM_PASSAGES
from tutor.rag.grounding import (
    NEAR_DUPLICATE,
    SUPPORT_THRESHOLD,
    SupportScorer,
    lexical_recall,
    next_to,
    on_topic,
    starts_mid_sentence,
)
from tutor.rag.passages import label
from tutor.rag.safety import is_instruction_like
from tutor.rag.sentence_vectors import Embed
from tutor.schema import Citation, Passage, citation_from_passage

NOT_IN_MATERIAL = "NOT IN MATERIAL"
# A sentence holding nearly all of a kept one's words restates it with a clause added: the lead already said it.
RESTATED = 0.9
_LEADING_LABEL = re.compile(r"^\(([^()]{1,120})\)\s*")
_REPEATED_OPENING = re.compile(r"^(\w[\w-]*(?:\s+\w[\w-]*){0,4})\s+\1\b")
_LOWER_WORD = re.compile(r"\b[a-z][a-z-]{2,}\b")


@dataclass(frozen=True)
class Grounded:
    """The model's answer with only supported sentences, each ending in the [n] of its passage."""

    text: str
    citations: list[Citation]
    unsupported: list[str]


# A question answered by yes or no opens with its verb ("Is ...", "Can I ...", "Does ...").
_YES_NO = re.compile(
    r"^\W*(?:is|are|was|were|do|does|did|can|could|should|will|would|has|have|had|may|must|shall)\b", re.I
)


def _is_fragment(sentence: str) -> bool:
    """A bare list of names ("Glue and EMR") says nothing a learner can use."""
    return not any(w not in STOPWORDS for w in _LOWER_WORD.findall(sentence))


def _clean_sentence(piece: str, labels: set[str]) -> tuple[str, list[int]] | None:
    """One model sentence cleaned of markers and copied labels, with the [n] hints it wrote; None when it says
    nothing (too short, a NOT IN MATERIAL line, a bare list of names, a piece cut out of a longer sentence)."""
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
        return None
    # A piece of a passage sentence copied from where the splitter cut it ("Characters) In combination ...").
    if starts_mid_sentence(clean):
        return None
    return clean, hints


class SentenceGrounder:
    """Grounds a model answer one sentence at a time, so a streamed answer shows each sentence only once it
    has passed the same checks the whole answer gets (``ground`` is this, fed every sentence at once).

    ``add`` returns the text to show for a sentence (``"clean [n]"``) or None when it is dropped; what was
    returned, joined by spaces in order, is exactly ``result().text``.

    Given the ``query``, it also composes: the first kept sentence (the lead) must share a word with the
    question, each later one with the question or the lead (or be backed by the sentence next to the lead's),
    none may repeat an earlier one, and after ``limit`` sentences the answer is complete (``full``).
    """

    def __init__(
        self,
        passages: list[Passage],
        scorer: SupportScorer,
        embed: Embed,
        query: str = "",
        limit: int | None = None,
        listing: bool = False,
    ) -> None:
        self.passages = passages
        self.listing = listing  # a list's items need not repeat the question's words, only follow its lead
        self.scorer = scorer
        self.embed = embed
        self.labels = {label(p) for p in passages[:LLM_PASSAGES]}
        self.query = query
        self.query_tokens = set(content_tokens(query))
        self.topic_tokens = (self.query_tokens - scorer.common) or self.query_tokens
        self.limit = limit
        self.seen: list[str] = []
        self.kept: list[str] = []
        self.kept_clean: list[str] = []
        self.backing: list[int] = []  # index in scorer.sentences of each kept sentence's support
        self.unsupported: list[str] = []
        self.off_topic: list[str] = []
        self.best_support: dict[int, tuple[float, str]] = {}

    @property
    def full(self) -> bool:
        return self.limit is not None and len(self.kept) >= self.limit

    def _on_topic(self, clean: str, backing: int) -> bool:
        if not self.query_tokens:
            return True
        backing_text = self.scorer.sentences[backing].text
        if not self.kept_clean:
            return bool(set(content_tokens(f"{clean} {backing_text}")) & self.topic_tokens)
        if self.listing:
            return True
        lead = self.kept_clean[0]
        common = self.scorer.common
        return (
            on_topic(clean, self.query_tokens, lead, common)
            or on_topic(backing_text, self.query_tokens, lead, common)
            or next_to(backing, self.backing, self.scorer.sentences)
        )

    def _says_nothing_new(self, clean: str) -> bool:
        """Every word is the question's or the answer's so far: "The winner is selected with a vote of general
        resolution." after answering how a general resolution's winner is picked. A yes/no question's lead may
        restate it ("The tool runs without servers.")."""
        if not self.kept_clean and _YES_NO.match(self.query):
            return False
        words = set(content_tokens(clean))
        return bool(words) and words <= self.query_tokens.union(*(content_tokens(k) for k in self.kept_clean))

    def add(self, piece: str) -> str | None:
        if self.full:
            return None
        cleaned = _clean_sentence(piece, self.labels)
        if cleaned is None:
            return None
        clean, hints = cleaned
        # Small models repeat themselves; say each thing once.
        if any(
            lexical_recall(clean, earlier) >= 0.9 and lexical_recall(earlier, clean) >= 0.9
            for earlier in self.seen
        ) or any(
            lexical_recall(clean, earlier) >= NEAR_DUPLICATE or lexical_recall(earlier, clean) >= RESTATED
            for earlier in self.kept_clean
        ):
            return None
        if self._says_nothing_new(clean):
            return None
        self.seen.append(clean)
        vec = self.embed([clean])[0]
        scorer = self.scorer
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
            self.unsupported.append(clean)
            return None
        backing = choice.index
        same = backing in self.backing and not choice.sentence.list_items  # a list backs one claim per item
        if same or not self._on_topic(clean, backing):
            # The same passage sentence backs an earlier one (it says the same), or it is about something else.
            self.off_topic.append(clean)
            return None
        n = self.passages[choice.passage_index].rank
        shown = f"{clean.rstrip()} [{n}]"
        self.kept.append(shown)
        self.kept_clean.append(clean)
        self.backing.append(backing)
        if n not in self.best_support or choice.score > self.best_support[n][0]:
            self.best_support[n] = (choice.score, choice.sentence.text)
        return shown

    def result(self) -> Grounded:
        citations = [
            citation_from_passage(self.passages[n - 1], n, self.best_support[n][1])
            for n in sorted(self.best_support)
        ]
        return Grounded(" ".join(self.kept), citations, list(self.unsupported))


def ground(raw: str, grounder: SentenceGrounder) -> Grounded:
    """A whole model answer fed to ``grounder`` sentence by sentence (what streaming does as they arrive)."""
    if NOT_IN_MATERIAL.lower() in raw.lower() and len(raw.strip()) < 40:
        return Grounded("", [], [])
    for s, e in split_sentences(raw):
        grounder.add(raw[s:e])
    return grounder.result()
