"""The gate every item passes before a learner sees it.

Checks, each with a reason a developer can read in the logs:
1. well-formed: a known type; mcq has 4 distinct options with the key among them once; true/false has
   True/False; short has a non-empty key;
2. cited: the support sentence is verbatim inside the cited passage;
3. key supported: the support sentence names the key *and* entails the question — the question's content
   words are covered by the sentence (or, for reworded questions, the question with the key filled in is
   close in meaning to it and mostly covered); for true/false the statement (or, for a false one, the
   statement with its swapped term put back) is covered;
4. one correct option: every other option is a term of the same kind and look (``kinds.surface_form``), not
   the course's own subject (a term most passages name, also never a key), that the corpus does not support
   for this question (not in the support sentence, no corpus sentence about it covers the question);
5. no giveaway: the question does not contain the key's distinguishing words or any option;
6. new to the learner: not the same fact, nor a near-identical question about the same term, as an item
   already served to them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.text import content_tokens, normalise
from tutor.quiz.facts import FactBank, good_stem
from tutor.quiz.generate_rules import (
    MAX_SWAPPED_WORDS,
    TF_PREFIX,
    Embed,
    could_be_true,
    declarative,
    near_duplicate,
    related,
)
from tutor.quiz.kinds import PERSON, same_look, surface_form
from tutor.quiz.mining import without_section
from tutor.quiz.models import ITEM_TYPES, TF_OPTIONS, QuizItem, Served, Term, Verdict
from tutor.quiz.naming import PLAIN, Naming

COVERAGE = 0.8  # share of the question's content words the support sentence must contain
REWORDED_COVERAGE = 0.5  # ... when the question was reworded, together with:
REWORDED_SIMILARITY = 0.7  # cosine between "key + question" and the support sentence
NEAR_DUPLICATE = 0.5  # Jaccard of question words, for two items about the same term


def _coverage(claim: str, support: str, bank: FactBank) -> float:
    need = bank.informative(claim)
    if not need:
        return 0.0
    return len(need & set(content_tokens(support))) / len(need)


def _names(bank: FactBank, name: str) -> list[str]:
    term = bank.lookup(name)
    return [name, *(term.aliases if term else ())]


def _mentions(bank: FactBank, name: str, text: str) -> bool:
    return any(re.search(r"(?<![\w-])" + re.escape(a) + r"(?![\w-])", text) for a in _names(bank, name) if a)


def _keeps_kind(question: str, subject: str, bank: FactBank) -> bool:
    """A reworded question must still ask "which <kind>", or "which of the following" (so "Which restaurant
    chain ...?" cannot replace "Which of the following ...?" with something the key is not)."""
    term = bank.lookup(subject)
    head = " ".join(question.lower().split()[:8])
    kinds = ["of the following", "of these", "term", "concept"]
    label = bank.label(term) if term else ""
    if label:
        kinds.append(r"(?:\w+ )?" + re.escape(label.lower()))
    if term and term.kind.isalpha() and term.kind not in ("concept", "name"):
        kinds.append(re.escape(term.kind))  # a kind the text itself names ("the X package")
    if term and term.kind == PERSON and re.search(r"\bwho\b", head):
        return True
    return re.search(r"\b(?:which|what) (?:" + "|".join(kinds) + r")\b", head) is not None


def _literally(name: str, text: str, naming: Naming) -> bool:
    bare = naming.bare(name)
    return any(re.search(r"(?<![\w-])" + re.escape(n) + r"(?![\w-])", text) for n in {name, bare} if n)


def _entailed(claim: str, support: str, reworded: bool, embed: Embed | None, bank: FactBank) -> bool:
    cov = _coverage(claim, support, bank)
    if cov >= COVERAGE:
        return True
    if reworded and embed is not None and cov >= REWORDED_COVERAGE:
        a, b = embed([claim, support])
        return float(a @ b) >= REWORDED_SIMILARITY
    return False


def _structure(item: QuizItem, naming: Naming) -> list[str]:
    why: list[str] = []
    if item.type not in ITEM_TYPES:
        why.append(f"unknown type {item.type}")
    if not item.question.strip() or not item.answer.strip():
        why.append("empty question or answer")
    if item.type == "mcq":
        keys = [naming.canonical(o) or normalise(o) for o in item.options]
        if len(item.options) != 4:
            why.append(f"mcq needs 4 options, has {len(item.options)}")
        if len(set(keys)) != len(keys):
            why.append("options are not distinct")
        elif any(near_duplicate(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]):
            why.append("options are near-duplicates (a spelling variant of another)")
        if sum(o == item.answer for o in item.options) != 1:
            why.append("the key is not exactly once among the options")
    elif item.type == "true_false":
        if tuple(item.options) != TF_OPTIONS or item.answer not in TF_OPTIONS:
            why.append("true/false options must be True/False")
        if not item.question.startswith(TF_PREFIX):
            why.append("true/false question must state a claim")
    elif item.type == "short" and item.options:
        why.append("short-answer items have no options")
    return why


def _support(item: QuizItem) -> list[str]:
    sup = item.citation.support.strip()
    if not sup or normalise(sup) not in normalise(item.citation.text):
        return ["support sentence is not in the cited passage"]
    return []


def _key(item: QuizItem, bank: FactBank, embed: Embed | None) -> list[str]:
    sup = item.citation.support
    reworded = item.source == "llm"
    # 'In the section “<the cited section>”, ...': the rest is what the support sentence must say.
    question = without_section(item.question.removeprefix(TF_PREFIX), item.citation.heading)
    if item.type in ("mcq", "short"):
        term = bank.lookup(item.answer)
        if term is not None and term.key in bank.common:
            return [f"key '{item.answer}' is named in most passages of the course (the obvious guess)"]
        if reworded and not _keeps_kind(item.question, item.subject, bank):
            return ["reworded question no longer asks for the kind of thing the key is"]
        if reworded and not good_stem(item.question, bank.naming.generic, bank.subject_words):
            return ["reworded question is too short or vague to answer"]
        # The key as written (or without its vendor prefix) must be in the sentence, not just an alias of it.
        if not _literally(item.answer, sup, bank.naming):
            return [f"support does not name the key '{item.answer}'"]
        claim = declarative(question, item.answer, bank.naming.labels())
        if not _entailed(claim, sup, reworded, embed, bank):
            return ["support does not entail the question"]
        return []
    statement = question
    subject = item.subject
    if not subject or not _literally(subject, sup, bank.naming):
        return ["support does not name the statement's subject"]
    if item.answer == "True":
        if not _mentions(bank, subject, statement):
            return ["true statement is not about the supported subject"]
        return (
            []
            if _entailed(statement, sup, reworded, embed, bank)
            else ["support does not entail the true statement"]
        )
    # False: the statement names some other term in the subject's place, and is true with the subject put back.
    swapped = [t for t in _terms_in(bank, statement) if not related(t, bank.lookup(subject) or t)]
    swapped = [t for t in swapped if not _mentions(bank, t.name, sup)]
    if not swapped or _mentions(bank, subject, statement):
        return ["false statement does not swap the subject for another term"]
    new = set(content_tokens(swapped[0].name)) - set(content_tokens(sup))
    if not new:
        # "ML services layer" for "AI services layer" where the passage also says "ML": nothing visibly false.
        return ["the swapped-in name adds no word the passage lacks"]
    if len(set(content_tokens(statement)) - set(content_tokens(sup))) > MAX_SWAPPED_WORDS:
        return ["false statement differs from the passage by more than a swapped name"]
    if subject.lower() in statement.lower():
        # Even inside another word ("syslog" in "syslogd"), the subject's name would confuse the learner.
        return ["false statement still contains the subject's name"]
    fixed = statement
    for a in (swapped[0].name, *swapped[0].aliases):
        fixed = fixed.replace(a, subject)
    if not _entailed(fixed, sup, reworded, embed, bank):
        return ["support does not entail the corrected statement"]
    if could_be_true(bank, swapped[0], fixed, sup):
        return [f"the corpus may support the statement about {swapped[0].name}"]
    return []


def _terms_in(bank: FactBank, text: str) -> list[Term]:
    found = [t for t in bank.terms.values() if bank.mentions(t, text)]
    # The longest name wins: "Data Store Archive" rather than "Data Store".
    return sorted(found, key=lambda t: -len(t.name))


def _options(item: QuizItem, bank: FactBank) -> list[str]:
    if item.type != "mcq":
        return []
    key = bank.lookup(item.answer)
    if key is None:
        return [f"key '{item.answer}' is not a term of the material"]
    why: list[str] = []
    for opt in item.options:
        if opt == item.answer:
            continue
        t = bank.lookup(opt)
        if t is None or t.kind != key.kind:
            why.append(f"option '{opt}' is not a {key.kind} like the key")
        elif t.key in bank.common:
            why.append(f"option '{opt}' is named in most passages of the course")
        elif not same_look(opt, item.answer, key.kind):
            why.append(f"option '{opt}' does not look like the key (a {surface_form(item.answer)} name)")
        elif related(t, key) or could_be_true(bank, t, item.question, item.citation.support):
            why.append(f"option '{opt}' could also be correct")
    return why


def _giveaway(item: QuizItem, bank: FactBank) -> list[str]:
    if item.type == "true_false":
        return []
    q = set(content_tokens(item.question))
    specific = bank.informative(item.answer)
    # Words every option shares ("Store" in four "... Store" products) give nothing away.
    if item.type == "mcq":
        shared = set.intersection(*(bank.informative(o) for o in item.options)) if item.options else set()
        specific -= shared
    if specific & q:
        return [f"the question gives away the key ({', '.join(sorted(specific & q))})"]
    for opt in item.options:
        if _mentions(bank, opt, item.question):
            return [f"the question names option '{opt}'"]
    return []


def is_near_duplicate(item: QuizItem, seen: Iterable[Served], naming: Naming = PLAIN) -> bool:
    words = set(content_tokens(item.question))
    for s in seen:
        if item.fact_key and s.fact_key == item.fact_key:
            return True
        if naming.canonical(s.subject) == naming.canonical(item.subject):
            other = set(content_tokens(s.question))
            if words and other and len(words & other) / len(words | other) >= NEAR_DUPLICATE:
                return True
    return False


def validate(
    item: QuizItem, bank: FactBank, seen: Iterable[Served] = (), embed: Embed | None = None
) -> Verdict:
    reasons = _structure(item, bank.naming)
    if not reasons:
        reasons = _support(item) or _key(item, bank, embed)
    if not reasons:
        reasons = _options(item, bank) + _giveaway(item, bank)
    if not reasons and is_near_duplicate(item, seen, bank.naming):
        reasons = ["near-duplicate of an item already served"]
    return Verdict(ok=not reasons, reasons=tuple(reasons))
