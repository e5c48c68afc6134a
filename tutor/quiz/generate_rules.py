"""LLM-free item generation: each definitional fact becomes an mcq, a true/false or a short-answer item.

The answer key is the term the sentence defines, the evidence is that sentence, and distractors are other
terms of the same kind that the corpus itself lists or defines, never ones the corpus could also support.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher

import numpy as np

from ingest.text import content_tokens, without_opener, without_references
from ingest.words import DETERMINERS
from tutor.quiz.facts import FactBank
from tutor.quiz.kinds import same_look
from tutor.quiz.mining import SLOT, points_elsewhere, without_leaning
from tutor.quiz.models import TF_OPTIONS, Fact, QuizItem, Term
from tutor.quiz.naming import PLAIN, Naming
from tutor.schema import Citation

Embed = Callable[[list[str]], np.ndarray]
TF_PREFIX = "True or false: "
# A word before a term that already makes it a noun phrase: no article goes in front of it.
_DETERMINER_BEFORE = re.compile(rf"\b(?:{'|'.join(sorted(DETERMINERS))})\s*$", re.I)
# A wrong option is rejected when some corpus sentence about it covers this share of the question's words.
ALSO_TRUE_COVERAGE = 0.6
# A false statement differs from the material by a swapped-in name of at most this many new words.
MAX_SWAPPED_WORDS = 4
# Options whose letters are this similar (difflib ratio) are spelling variants of each other.
NEAR_DUPLICATE_RATIO = 0.85
# A swapped-in term must be used in a sentence sharing at least this many content words with the fact's own
# (besides the names), so the false claim sits where the swapped term is actually talked about.
MIN_SHARED_CONTEXT = 1
# Both names of a swap must be terms the course keeps using (named in this many sentences): a passing phrase
# ("a new bug", "a specific version number") swapped for a term reads as nonsense, not as a wrong claim.
MIN_MENTIONS = 2


def item_id(kind: str, fact_key: str) -> str:
    return hashlib.sha1(f"{kind}|{fact_key}".encode()).hexdigest()[:12]


def informative(text: str, naming: Naming = PLAIN) -> set[str]:
    return {t for t in content_tokens(text) if t not in naming.generic}


def spelled(term: Term, sentence: str, naming: Naming = PLAIN) -> str:
    """The term as this sentence writes it, so the key is visibly in the evidence ("AutoML", "Ground Truth")."""
    bare = naming.bare(term.name)
    for name in (term.name, bare, *sorted(term.aliases, key=len, reverse=True)):
        if name and re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", sentence):
            return term.name if name == bare else name
    # A function the prose names as a thing, without its parentheses ("A factor is ..." for factor()).
    plain = term.name.removesuffix("()")
    if plain != term.name and re.search(r"\b(?:[Aa]n?|[Tt]he) " + re.escape(plain) + r"(?![\w(-])", sentence):
        return plain
    return term.name


def citation_for(fact: Fact, score: float = 1.0) -> Citation:
    return Citation(
        n=1,
        doc_id=fact.doc_id,
        title=fact.title,
        heading=fact.heading,
        text=fact.passage,
        start=fact.start,
        end=fact.end,
        score=round(score, 4),
        support=fact.sentence,
    )


def related(a: Term, b: Term) -> bool:
    """Names that overlap ("Data Store" / "Data Store Archive") could both be defended."""
    x, y = a.key, b.key
    return (
        x == y
        or x.startswith(y + " ")
        or y.startswith(x + " ")
        or f" {x} " in f" {y} "
        or f" {y} " in f" {x} "
    )


def _letters(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", key.lower())


def near_duplicate(a: str, b: str) -> bool:
    """Two option keys a learner could not tell apart: the same letters, or a typo apart (difflib ≥ 0.85)."""
    x, y = _letters(a), _letters(b)
    return x == y or SequenceMatcher(None, x, y).ratio() >= NEAR_DUPLICATE_RATIO


def could_be_true(bank: FactBank, term: Term, question: str, support: str) -> bool:
    """Does the corpus say something close to ``question`` about ``term`` too (so it is not safely wrong)?"""
    if bank.mentions(term, support) or bank.mentions(term, question):
        return True
    need = bank.informative(question)
    if not need:
        return False
    # A name that echoes the question ("Auto Scaling" for "... supports automatic scaling ...") could be
    # defended by a learner even when the corpus says nothing about it.
    if bank.informative(term.name) & need:
        return True
    return any(len(need & s.tokens) / len(need) >= ALSO_TRUE_COVERAGE for s in bank.sentences_about(term))


def why_wrong(bank: FactBank, wrong: Term, answer: Term) -> str:
    facts = bank.facts_by_term.get(wrong.key, [])
    if facts:
        f = facts[0]
        return f"The material describes {wrong.name} differently: “{f.sentence}” ({f.title})."
    return f"The material says this about {answer.name}, not {wrong.name}."


def indefinite(name: str) -> str:
    """ "a" or "an" by how the name is said: "an R list", "an SQL query", "a unit", "an operator"."""
    first = name.split()[0] if name.split() else ""
    if re.fullmatch(r"[A-Z][A-Z0-9]*", first):  # spelled letter by letter
        return "an" if first[0] in "AEFHILMNORSX" else "a"
    if re.match(r"(?:uni|use|usu|eu|one\b)", first, re.I):
        return "a"
    return "an" if re.match(r"[aeiou]", first, re.I) else "a"


def _article_before(sentence: str, term: str) -> tuple[str, str] | None:
    """(article, word after the term) where the sentence writes the term as a noun phrase's head: "" when it
    has no article ("Command substitution permits ..."); None when it is not there or another determiner is."""
    for m in re.finditer(rf"(?<![\w$-]){re.escape(term)}\s+(\S+)", sentence):
        before = sentence[: m.start()]
        art = re.search(r"\b(a|an|the)\s+$", before, re.I)
        if art:
            return art.group(1).lower(), m.group(1)
        if _DETERMINER_BEFORE.search(before) or re.search(r"[\w-]\s+$", before):
            continue  # "its foo", "the break command": not the bare head of a noun phrase
        return "", m.group(1)
    return None


# Per word the question shares with a candidate's definitions, the candidate's name may be this much less
# like the key's (cosine) and still rank as high: plausibility for the question counts, but less than kind.
OVERLAP_WEIGHT = 0.03
# A candidate the course defines (it has facts) can say why it is wrong: it ranks as if this much closer.
DEFINED_BONUS = 0.05
# Candidates this close (cosine) are equally good: a random share of it orders them, for variety.
VARIETY = 0.05


class DistractorPicker:
    """Same-kind wrong options: list siblings first, then the terms of that kind most like the key.

    A miner's kind ("concept") still holds a role, a product and an idea side by side; with an embedder, the
    others are ranked by how like the key's name their names are (MiniLM cosine: "Recursion" is nearer
    "Iteration" than "Windows"), then by word overlap between the question and their own definitions (another
    ingestion service for an ingestion question). Without one, only the overlap, with defined terms first.
    """

    def __init__(self, bank: FactBank, embed: Embed | None = None) -> None:
        self.bank = bank
        self.embed = embed
        self._words: dict[str, set[str]] = {}
        self._vectors: dict[str, np.ndarray] = {}

    def _name_vectors(self, terms: Sequence[Term]) -> dict[str, np.ndarray]:
        """Unit vectors of the terms' names, embedded once per bank in one batch for those not seen yet."""
        assert self.embed is not None
        todo = [t for t in terms if t.key not in self._vectors]
        if todo:
            vectors = np.asarray(self.embed([t.name for t in todo]), dtype=np.float32)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            for t, v in zip(todo, vectors / np.maximum(norms, 1e-9), strict=True):
                self._vectors[t.key] = v
        return self._vectors

    def similarity(self, a: Term, b: Term) -> float:
        """Cosine of the two names' embeddings (0 without an embedder)."""
        if self.embed is None:
            return 0.0
        vectors = self._name_vectors([a, b])
        return float(vectors[a.key] @ vectors[b.key])

    def _ranked(
        self, answer: Term, others: list[Term], question_words: set[str], rng: random.Random
    ) -> list[Term]:
        """``others`` best first: like the key by name, sharing words with the question, defined; near-equals
        in a random order, so the same distractors do not turn up in every item."""
        if self.embed is not None:
            self._name_vectors([answer, *others])

        def score(t: Term) -> float:
            overlap = len(self._definition_words(t) & question_words)
            defined = t.key in self.bank.facts_by_term
            if self.embed is None:
                return overlap + (1000.0 if defined else 0.0)  # as before: defined terms first, by overlap
            like = self.similarity(answer, t) + OVERLAP_WEIGHT * overlap
            return like + (DEFINED_BONUS if defined else 0.0) + VARIETY * rng.random()

        return sorted(others, key=score, reverse=True)

    def _definition_words(self, term: Term) -> set[str]:
        if term.key not in self._words:
            words: set[str] = set()
            for f in self.bank.facts_by_term.get(term.key, []):
                words |= self.bank.informative(f.statement)
            self._words[term.key] = words
        return self._words[term.key]

    def pick(self, fact: Fact, question: str, n: int, rng: random.Random) -> list[Term]:
        answer = fact.term
        person = self.bank.is_person(answer)
        candidates = [
            t
            for t in self.bank.same_kind(answer)
            if not related(t, answer)
            and self.bank.is_person(t) == person  # no person among releases or ideas, no idea among people
            and not could_be_true(self.bank, t, question, fact.sentence)
        ]
        siblings = [t for t in candidates if answer.group and t.group == answer.group]
        others = [t for t in candidates if t not in siblings]
        rng.shuffle(siblings)
        rng.shuffle(others)
        q = self.bank.informative(question) | self.bank.informative(fact.sentence)
        ranked = self._ranked(answer, others, q, rng)
        if self.embed is None:
            # Shuffle the closest few so the same distractors do not turn up in every item.
            top = ranked[:6]
            rng.shuffle(top)
            ranked = [*top, *ranked[6:]]
        order = [*siblings, *ranked]
        if person:
            # Full names with full names, given names with given names: "Ada" reads oddly among "Alan Turing"s.
            order.sort(key=lambda t: len(t.name.split()) != len(answer.name.split()))
        chosen: list[Term] = []
        taken = [answer]
        for t in order:
            if all(not related(t, c) and not near_duplicate(t.key, c.key) for c in taken):
                taken.append(t)
                chosen.append(t)
            if len(chosen) == n:
                break
        return chosen


def plural(name: str) -> bool:
    """Does a worded name read as plural ("security updates", "Arrays"), so its verb agrees with it?"""
    last = name.split()[-1] if name.split() else ""
    return last.isalpha() and len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is"))


class SwapPicker:
    """The term a false statement swaps in: one of the same kind that the course uses in a similar context.

    A swap from anywhere in the course ("Exception changes made in a subshell ...") is false at a glance; a
    term from the same document, said in sentences with the same neighbouring words, is false only to someone
    who studied it. Candidates are ranked by the words their own sentences share with the fact's sentence,
    with a sentence of the same document (then of the same chunk) counting first.
    """

    def __init__(self, bank: FactBank) -> None:
        self.bank = bank
        self.documents = len({s.doc_id for s in bank.sentences})

    def _context(self, term: Term, fact: Fact, words: set[str]) -> tuple[int, int, int]:
        """(same chunk, same document, shared words) of the term's best sentence, as a sort key."""
        best = (0, 0, 0)
        own = self.bank.informative(term.name)
        for s in self.bank.sentences_about(term):
            shared = len((s.tokens - own) & words)
            here = s.doc_id == fact.doc_id
            near = here and s.text in fact.passage
            best = max(best, (int(near), int(here), shared))
        return best

    def pick(self, fact: Fact, rng: random.Random) -> list[Term]:
        """Candidates in order of plausibility (best first); none when nothing is said in a like context."""
        answer = fact.term
        if len(self.bank.sentences_about(answer)) < MIN_MENTIONS:
            return []
        words = self.bank.informative(fact.sentence) - self.bank.informative(answer.name)
        support = set(content_tokens(fact.sentence))
        scored: list[tuple[tuple[int, int, int], float, Term]] = []
        for t in self.bank.same_kind(answer):
            if related(t, answer) or near_duplicate(t.key, answer.key):
                continue
            if len(self.bank.sentences_about(t)) < MIN_MENTIONS:
                continue
            if plural(t.name) != plural(answer.name):
                continue  # "cache are not hosted ...": the verb gives the swap away
            # The swapped-in name should be what makes the statement false, not a long new phrase.
            if not 0 < len(set(content_tokens(t.name)) - support) <= MAX_SWAPPED_WORDS:
                continue
            near, here, shared = self._context(t, fact, words)
            if shared < MIN_SHARED_CONTEXT or (self.documents > 1 and not here):
                continue
            if could_be_true(self.bank, t, fact.stem, fact.sentence):
                continue
            scored.append(((near, here, shared), rng.random(), t))
        scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
        return [t for _, _, t in scored]


def declarative(stem: str, name: str, labels: Sequence[str] = ()) -> str:
    """The question's claim with ``name`` as its subject: "Which <kind> is X?" -> "<name> is X."."""
    m = re.match(r"^Which term describes “(.+)”\?$", stem)
    if m:
        return f"{name} refers to “{m.group(1)}”."
    m = re.match(r"^(.*?)[Ww]hich [\w ]+? can you use to (.+)\?$", stem)
    if m:
        out = f"{m.group(1)}you can use {name} to {m.group(2)}."
        return out[:1].upper() + out[1:]
    m = re.match(r"^((?:[^,?]+, )?)[Ww]ho\b(.*)\?$", stem)
    if m:  # a question about a person: "Who led ...?" -> "<name> led ...."
        out = f"{m.group(1)}{name}{m.group(2)}."
        return out[:1].upper() + out[1:] if m.group(1) else out
    kinds = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    out = re.sub(
        rf"\b[Ww]hich (?:of the following|{kinds + '|' if kinds else ''}\w+ algorithm|\w+)\b",
        lambda _: name,
        stem,
        count=1,
    )
    if not out.startswith(name):  # a name keeps its case ("dpkg is ..."), other openings start upper case
        out = out[:1].upper() + out[1:]
    return re.sub(r"\?$", ".", out)


class RuleGenerator:
    def __init__(self, bank: FactBank, embed: Embed | None = None) -> None:
        """``embed``: ranks wrong options by how like the key's name theirs are (``DistractorPicker``)."""
        self.bank = bank
        self.picker = DistractorPicker(bank, embed)
        self.swaps = SwapPicker(bank)
        self.labels = bank.naming.labels()

    def claim(self, fact: Fact, name: str) -> str:
        """The fact's statement about ``name`` (the key, or a wrong term for a false statement)."""
        statement = (
            fact.claim.replace(SLOT, name) if fact.claim else declarative(fact.stem, name, self.labels)
        )
        return without_opener(self._with_article(fact, name, without_leaning(without_references(statement))))

    def _with_article(self, fact: Fact, name: str, statement: str) -> str:
        """The article a statement made from the name alone dropped ("uninitialized variable has ..."): the
        sentence's own for its term ("An R list is ..."); for a swapped-in name, the article the text writes it
        with ("A data frame is ..." for "Maximum likelihood is ...", none for "I/O redirection can ...")."""
        at = re.search(rf"(?<![\w$-]){re.escape(name)}\s+(\S+)", statement)
        own = _article_before(fact.sentence, self.spelled(fact)) or _article_before(
            fact.sentence, fact.term.name
        )
        if at is None or own is None or _DETERMINER_BEFORE.search(statement[: at.start()]):
            return statement
        article, after = own
        if after != at.group(1):  # "the break command may ..." -> "break may ...": the term was a modifier
            return statement
        if name != self.spelled(fact) and name != fact.term.name:
            article = self._swapped_article(name, article)
        if not article:
            return statement
        if at.start() == 0:
            article = article.capitalize()
        return f"{statement[: at.start()]}{article} {statement[at.start() :]}"

    def _swapped_article(self, name: str, article: str) -> str:
        """The article for a swapped-in name where the fact's term had ``article`` ("" for none)."""
        said = self.bank.articles(name)
        countable = bool(said & {"a", "an"}) and not plural(name)
        if article == "the":
            return "the" if "the" in said else ""
        if article or (countable and name[:1].islower()):
            return indefinite(name) if countable else ""
        return ""

    def spelled(self, fact: Fact) -> str:
        return spelled(fact.term, fact.sentence, self.bank.naming)

    def make(
        self, fact: Fact, kind: str, rng: random.Random, score: float = 1.0, truth: bool | None = None
    ) -> QuizItem | None:
        """``truth``: for a true/false item, the key wanted (None: half the facts, by their key, are false)."""
        if kind == "mcq":
            item = self.mcq(fact, rng, score)
        elif kind == "true_false":
            item = self.true_false(fact, rng, score, truth)
        elif kind == "short":
            item = self.short(fact, score)
        else:
            raise ValueError(kind)
        # "... as shown in Figure 2": what the question leans on is not in front of the learner.
        return None if item is None or points_elsewhere(item.question) else item

    def question(self, fact: Fact) -> str:
        """The fact's stem as the learner reads it: no link to the sentence before ("Moreover", "also"), no
        pointer to an example or figure, and "Who" for a person ("Who, founder of the project, ...?", not "Which of the following, ...")."""
        question = without_opener(without_leaning(without_references(fact.stem)))
        if self.bank.is_person(fact.term):
            # "Who" opens the question; "whom" after a preposition ("built by whom"), "who" elsewhere.
            question = re.sub(
                r"(\b(?:by|after|before|to|with|for|from|of|than|about)\s+)?\b([Ww])hich (?:of the following|term)\b",
                lambda m: "Who" if m.group(2) == "W" else f"{m.group(1)}whom" if m.group(1) else "who",
                question,
                count=1,
            )
        return question

    def _base(self, fact: Fact, kind: str, score: float) -> dict[str, object]:
        return {
            "id": item_id(kind, fact.key),
            "type": kind,
            "citation": citation_for(fact, score),
            "domain": fact.domain,
            "subject": self.spelled(fact),
            "fact_key": fact.key,
            "source": "rules",
        }

    def mcq(self, fact: Fact, rng: random.Random, score: float = 1.0) -> QuizItem | None:
        if fact.term.key in self.bank.common or fact.term.key in self.bank.phrases:
            return None  # the course's own subject is the obvious guess; "new bug" is no term to pick
        wrong = self.picker.pick(fact, fact.stem, 3, rng)
        if len(wrong) < 3:
            return None
        name = self.spelled(fact)
        if any(not same_look(t.name, name, fact.term.kind) for t in wrong):
            return None  # the key as the sentence spells it ("factor") among code ("seq()"): it stands out
        options = [name, *(t.name for t in wrong)]
        rng.shuffle(options)
        return QuizItem(
            question=self.question(fact),
            options=options,
            answer=name,
            explanation=f"{name}. The material says: “{fact.sentence}”",
            why_wrong={t.name: why_wrong(self.bank, t, fact.term) for t in wrong},
            **self._base(fact, "mcq", score),
        )

    def true_false(
        self, fact: Fact, rng: random.Random, score: float = 1.0, truth: bool | None = None
    ) -> QuizItem | None:
        """A true statement, or a false one with a same-kind term from a like context swapped in; ``truth``
        asks for one of them (None when the fact cannot make it), else half the facts are made false."""
        name = self.spelled(fact)
        want_false = (
            int(hashlib.sha1(fact.key.encode()).hexdigest(), 16) % 2 == 1 if truth is None else not truth
        )
        # The course's own subject is one of a kind: any term swapped in for it makes an odd claim
        # ("<some feature> has had several leaders since 1993").
        can_be_false = fact.term.key not in self.bank.common
        # The swapped-in name looks like the one it replaces: no "tapply()" where the sentence said "A factor".
        swaps = [t for t in self.swaps.pick(fact, rng) if same_look(t.name, name, fact.term.kind)]
        wrong = swaps[:1] if want_false and can_be_false else []
        if wrong:
            statement = self.claim(fact, wrong[0].name)
            return QuizItem(
                question=TF_PREFIX + statement,
                options=list(TF_OPTIONS),
                answer="False",
                explanation=f"False: the material says this about {name}, not {wrong[0].name}: “{fact.sentence}”",
                why_wrong={"True": f"The material says this about {name}, not {wrong[0].name}."},
                **self._base(fact, "true_false", score),
            )
        if truth is False:
            return None
        statement = self.claim(fact, name)
        return QuizItem(
            question=TF_PREFIX + statement,
            options=list(TF_OPTIONS),
            answer="True",
            explanation=f"True. The material says: “{fact.sentence}”",
            why_wrong={"False": f"The material states it: “{fact.sentence}”"},
            **self._base(fact, "true_false", score),
        )

    def short(self, fact: Fact, score: float = 1.0) -> QuizItem | None:
        if fact.term.key in self.bank.common or fact.term.key in self.bank.phrases:
            return None  # "Which term ...? <the course's subject>" asks nothing, nor "... <new bug>"
        name = self.spelled(fact)
        accept = sorted({a for a in (fact.term.name, *fact.term.aliases) if self.bank.canonical(a)} - {name})
        # Without options to pick from, "Which of the following" reads oddly: ask for the term instead (a person
        # is asked "Who ...?" by ``question``).
        question = self.question(fact)
        question = re.sub(r"\b([Ww])hich of the following\b", r"\1hich term", question, count=1)
        return QuizItem(
            question=question,
            options=[],
            answer=name,
            accept=accept,
            explanation=f"{name}. The material says: “{fact.sentence}”",
            **self._base(fact, "short", score),
        )
