"""The data passed between quiz stages: facts mined from the corpus, items, validation and grading results.

``QuizItem`` is the ``--json`` contract of DESIGN.md (id, type, question, options, answer, explanation,
citation); the extra fields are additive and let grading explain wrong choices without re-reading the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tutor.schema import Citation

ItemType = Literal["mcq", "true_false", "short"]
ITEM_TYPES: tuple[str, ...] = ("mcq", "true_false", "short")
TF_OPTIONS: tuple[str, str] = ("True", "False")


class QuizItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    type: ItemType
    question: str
    options: list[str]
    answer: str
    explanation: str
    citation: Citation
    # Additive fields (not in the original contract): exam domain, the term the item is about, why each
    # wrong option is wrong, accepted alternative spellings for short answers, and who wrote the wording.
    domain: str = ""
    subject: str = ""
    why_wrong: dict[str, str] = Field(default_factory=dict)
    accept: list[str] = Field(default_factory=list)
    source: Literal["rules", "llm"] = "rules"
    # Identifies the underlying fact (document + supporting sentence + key), whatever the wording or type.
    fact_key: str = ""


@dataclass(frozen=True)
class Term:
    """A named thing the corpus talks about (a service, an algorithm, a concept), with its aliases."""

    name: str
    key: str
    kind: str
    aliases: tuple[str, ...] = ()
    group: str = ""


@dataclass(frozen=True)
class Fact:
    """One definitional sentence: ``statement`` says ``predicate`` about ``term``.

    ``sentence`` is verbatim passage text (the citation's support); ``stem`` is the statement with the
    term replaced by a "Which ..." phrase, so the sentence entails the question by construction.
    """

    term: Term
    statement: str
    sentence: str
    stem: str
    doc_id: str
    title: str
    heading: str
    chunk_id: str
    passage: str
    start: int
    end: int
    domain: str = ""
    # The statement with "\x02" where a name goes, when the stem does not read back into a statement
    # ("Which term is X called?" -> "X is called \x02.").
    claim: str = ""

    @property
    def key(self) -> str:
        return f"{self.doc_id}|{self.term.key}|{self.sentence[:80]}"


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class GradeResult:
    correct: bool
    score: float
    expected: str
    response: str
    feedback: str
    quote: str
    source: str
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Served:
    """What the gate needs to know about an item already served to the learner."""

    fact_key: str
    subject: str
    question: str
    answer: str = ""  # a true/false item's key ("True"/"False"), so later quizzes keep the keys balanced
