"""How well a passage backs a sentence: lexical recall of the sentence's content words plus embedding similarity,
with a guard that the sentence's named terms (Polly vs Transcribe) appear in the evidence.

Used to attach citations to the sentences an LLM wrote (the markers it writes are only a hint), to drop
sentences nothing supports, and by the extractive backend to pick sentences that answer a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ingest.text import content_tokens, split_sentences
from ingest.words import STOPWORDS
from tutor.rag.sentence_vectors import Embed, embed_sentences
from tutor.schema import Passage

SUPPORT_THRESHOLD = 0.55
# A sentence whose words are mostly in one already picked is a near-duplicate.
NEAR_DUPLICATE = 0.7
_NAMED = re.compile(r"\b([A-Z][a-z]+[A-Z]\w*|[A-Z]{2,}\w*|[A-Za-z]+\d\w*)\b|(?<=\w )([A-Z][a-z]{2,})\b")
_REFERS_BACK = re.compile(
    r"^\W*(it|its|this|that|these|those|they|their|them|such|the service|the algorithm)\b", re.I
)


# Pieces of a sentence the splitter cut out of a longer one (a PDF line break after code, a full stop inside
# brackets, a wrapped link) read as nonsense on their own: "org/wiki/Xz and ...", "Characters) In ...",
# "which shows no evidence ...". An item marker ("a) ...", "2) ...") closes no bracket.
_CLOSES_FIRST = re.compile(r"^(?!\w{1,2}\)\s)[^(\[]*[)\]]")
# An aside whose subject was cut off: "(alternatively, ls()) can be used to ...".
_ASIDE_FIRST = re.compile(r"^\((?:[^()]|\([^()]*\))*\)\s+[a-z]")
_LINK_PIECE = re.compile(r"^[a-z0-9][\w.-]*/[\w/.#?=-]")
_LOWER_START = re.compile(r"^([a-z]+)\s")
# Code starts lowercase by nature ("echo $?", "local t1=$(exit 1)", "ls() lists ..."); prose does not.
_CODE_MARKS = re.compile(r"[$=#;{}<>|`\\]|\w\(|^\S+\s+-{1,2}\w")
_ENDS_SENTENCE = (".", "!", "?", ":", ";", '"', "”", "’", "'")


def starts_mid_sentence(text: str, previous: str | None = None) -> bool:
    """``text`` begins inside a longer sentence: it closes a bracket it never opened, opens with an aside whose
    subject is missing, starts with a piece of a link, or is prose opening with a lowercase grammar word
    ("which", "and", "will") or, after a line that did not end its sentence (``previous``, the sentence before
    it in the same passage), with any lowercase word."""
    text = text.lstrip("-*• ").strip()
    if _CLOSES_FIRST.match(text) or _ASIDE_FIRST.match(text) or _LINK_PIECE.match(text):
        return True
    first = _LOWER_START.match(text)
    if first is None or _CODE_MARKS.search(text):
        return False
    return first.group(1) in STOPWORDS or (
        previous is not None and not previous.rstrip().endswith(_ENDS_SENTENCE)
    )


# A line this long or shorter can lend itself as the start of the sentence continuing below it.
_LENT_LINE = 120


def continues_line(text: str, previous: str | None) -> bool:
    """``text`` is the rest of the short line above it ("> s6 <- rep(x, each=5)" / "which repeats each element
    ..."), which did not end its sentence: the two read as one sentence; a number alone or a piece itself is no
    start."""
    if previous is None or len(previous) > _LENT_LINE or previous.rstrip().endswith(_ENDS_SENTENCE):
        return False
    if not re.search(r"[A-Za-z]", previous) or starts_mid_sentence(previous):
        return False
    return _LOWER_START.match(text.strip()) is not None and starts_mid_sentence(text, previous)


@dataclass(frozen=True)
class PassageSentence:
    passage_index: int  # position in the given passage list
    start: int  # offsets within the passage text
    end: int
    text: str
    is_list_item: bool
    list_items: tuple[str, ...] = ()  # for a sentence introducing a list ("...:"), the items that follow


@dataclass(frozen=True)
class Support:
    passage_index: int
    sentence: PassageSentence
    index: int  # the sentence's position in ``SupportScorer.sentences``
    score: float
    lexical: float
    dense: float


def _sentences_of(p: Passage, index: int) -> list[PassageSentence]:
    spans = split_sentences(p.text)
    out: list[PassageSentence] = []
    texts = [p.text[s:e] for s, e in spans]
    for j, (s, e) in enumerate(spans):
        text = texts[j]
        items: list[str] = []
        # Only a line that announces something ("...:" or an unfinished heading-like line) owns the bullets below it.
        if not text.lstrip().startswith(("- ", "* ")) and not text.rstrip().endswith((".", "!", "?")):
            for nxt in texts[j + 1 :]:
                if not nxt.lstrip().startswith(("- ", "* ")):
                    break
                items.append(nxt.lstrip("-* ").strip())
        out.append(
            PassageSentence(index, s, e, text, text.lstrip().startswith(("- ", "* ")), tuple(items[:10]))
        )
    return out


def named_terms(text: str, generic: frozenset[str] = frozenset()) -> set[str]:
    terms: set[str] = set()
    for m in _NAMED.finditer(text):
        terms.update(content_tokens(m.group(0)))
    # Capitalised sentence openers ("The", "This", "In") are stopwords, which content_tokens drops already;
    # a course adds its generic names (course.toml).
    return terms - generic


def lexical_recall(claim: str, evidence: str) -> float:
    """Share of the claim's content words (stemmed) that the evidence contains."""
    claim_toks = set(content_tokens(claim))
    if not claim_toks:
        return 0.0
    return len(claim_toks & set(content_tokens(evidence))) / len(claim_toks)


class SupportScorer:
    """Scores claims against the sentences of a fixed passage list."""

    def __init__(
        self,
        passages: list[Passage],
        embed: Embed,
        generic: frozenset[str] = frozenset(),
        common: frozenset[str] = frozenset(),
    ) -> None:
        """``generic``: stemmed words naming the course's platform in general (``CourseProfile.generic_words``);
        ``common``: stems in a large share of the course's chunks (``LexicalIndex.common_words``)."""
        self.passages = passages
        self.generic = generic
        self.common = common
        self._embed = embed
        self.sentences: list[PassageSentence] = []
        for i, p in enumerate(passages):
            self.sentences.extend(_sentences_of(p, i))
        self.vectors = embed_sentences([s.text for s in self.sentences], embed)

    def _evidence(self, j: int) -> str:
        sent = self.sentences[j]
        p = self.passages[sent.passage_index]
        parts = [p.title, p.heading, sent.text, " ".join(sent.list_items)]
        # The sentence before lends its names only to a sentence that refers back to it ("It is ...");
        # otherwise "Tool A ... SQL. Use Tool B for Spark." would let "Tool A runs Spark" pass.
        if (
            j > 0
            and self.sentences[j - 1].passage_index == sent.passage_index
            and _REFERS_BACK.match(sent.text)
        ):
            parts.append(self.sentences[j - 1].text)
        return " ".join(parts)

    def _score(self, claim: str, names: set[str], j: int, dense: float) -> Support:
        sent = self.sentences[j]
        window = sent.text + " " + " ".join(sent.list_items)
        if j + 1 < len(self.sentences) and self.sentences[j + 1].passage_index == sent.passage_index:
            window = f"{window} {self.sentences[j + 1].text}"
        lex = max(lexical_recall(claim, sent.text), lexical_recall(claim, window) * 0.95)
        score = 0.5 * lex + 0.5 * dense
        if names and not names <= set(content_tokens(self._evidence(j))):
            score *= 0.6  # the claim names something this evidence does not mention
        return Support(sent.passage_index, sent, j, score, lex, dense)

    def best(
        self, claim: str, claim_vector: np.ndarray | None = None, passage_index: int | None = None
    ) -> Support | None:
        if not self.sentences:
            return None
        vec = claim_vector if claim_vector is not None else self._embed([claim])[0]
        dense = self.vectors @ vec
        names = named_terms(claim, self.generic)
        best: Support | None = None
        for j, sent in enumerate(self.sentences):
            if passage_index is not None and sent.passage_index != passage_index:
                continue
            cand = self._score(claim, names, j, float(dense[j]))
            if best is None or cand.score > best.score:
                best = cand
        return best


def on_topic(text: str, query_tokens: set[str], lead: str, common: frozenset[str] = frozenset()) -> bool:
    """A support sentence shares a content word with the question or names something the lead names.

    Words of the whole course (``common``) do not count: every sentence of a project's history names the project."""
    topic = (query_tokens - common) or query_tokens
    return bool(set(content_tokens(text)) & topic) or bool((named_terms(text) & named_terms(lead)) - common)


def next_to(j: int, picked: list[int], sentences: list[PassageSentence]) -> bool:
    """Sentence ``j`` sits right before or after a picked one in the same passage: it carries on its topic.

    Not for list items: neighbouring items are siblings about different things ("- Loppers: ...",
    "- Shears: ...")."""
    if sentences[j].is_list_item:
        return False
    here = sentences[j].passage_index
    return any(abs(i - j) == 1 and sentences[i].passage_index == here for i in picked)


# Novelty saturates at this many new words (docs/decisions/0004-extractive-sentence-choice.md).
NOVEL_CAP = 12


def relevance(text: str, vector: np.ndarray, qvec: np.ndarray, query: str, query_tokens: set[str]) -> float:
    """How well a passage sentence answers the query: meaning, the query's words, and what it adds.

    A sentence that only restates the question teaches nothing, so words the question lacks count too.
    """
    novel = min(len(set(content_tokens(text)) - query_tokens), NOVEL_CAP) / NOVEL_CAP
    return 0.55 * float(vector @ qvec) + 0.3 * lexical_recall(query, text) + 0.2 * novel
