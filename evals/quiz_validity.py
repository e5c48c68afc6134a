"""An independent check of generated items, for the benchmark and the eval's "quiz validity rate".

Deliberately shares no code with the gate (``validate.py``): it re-reads the passage from the index and
applies plain, strict string rules, so a bug in the gate cannot pass its own exam.

An item is valid when
- its citation is real: ``citation.text`` is the indexed chunk at ``start:end`` of that document, and the
  support sentence is inside it;
- its key is in the evidence: for mcq/short the key (with or without its Amazon/AWS prefix) appears in the
  support sentence and at least 70% of the question's content words do too (the sentence says what the
  question asks); for a true statement 80% of its words are in the support; for a false one the support
  names the real subject, the statement does not, and the statement differs from the support only by a
  swapped-in name (at most 5 content words not in the support);
- mcq: exactly 4 options, distinct ignoring case, the key among them, all of one look: all numbers, all code
  ("par()", "--force", "is.na"), all names with a version number ("Python 3.9"), or all words; a "Who"
  question's options all look like people's names (capitalised words, no digits);
- it reads on its own: no stem or statement leans on text the learner does not see ("the corresponding
  operation", "such paths", "should now look", "It requires ...", "(as in Example 3-1)", "see Figure 2",
  "In this example"), and no key, subject or quoted description is extraction debris (a name that ends with
  a grammar word, "Need to"; a description made of letter scraps, "incomef act nsw nt qld"; a word with
  broken casing, "cOMMUNITY"); a person (a given name and surname the support says person things of:
  "founder", "died", "he") is asked "Who", not "Which term"; no stem or statement leans on what was said
  before it ("also", "already", a closing "too", "instead" without "of"); an mcq or short question names at
  least 3 topical words (not scaffolding, auxiliaries or modals, nor words in most of the course's passages),
  or it cannot tell its key from others ("Which term must not be specific to <the course's subject>?"); an
  opening 'In the section “<title>”, ' counts as evidence when the cited heading holds the title;
and across the sample: no two items share a question or a (support sentence, key) pair, every indexed
document is cited at least once, and the true/false keys are balanced: the share keyed True is within
40-60% (or as close as whole items allow); the items beyond that are counted as failures, so always
answering "True" cannot pass.
"""

from __future__ import annotations

import re
import statistics
import time
import uuid
from typing import Any

from tutor.quiz.models import QuizItem, Served
from tutor.quiz.service import iter_quiz, quiz_context
from tutor.store import get_store

_WORD = re.compile(r"[a-z0-9]+")
_SKIP = frozenset(
    re.findall(
        r"\S+",
        "a an the of to in on for and or with by is are be can you your that this which what who as it its from at "
        "into true false following term describes refers refer aws amazon service services algorithm layer",
    )
)
QUESTION_COVERAGE = 0.7
STATEMENT_COVERAGE = 0.8
MAX_SWAPPED_WORDS = 5  # a swapped-in name is at most this many content words
_NAME_WORD = re.compile(r"[A-Z][a-z'’-]+|[A-Z]\.")
TRUE_SHARE_BAND = (0.4, 0.6)
# Words that point at text the learner does not see; "which of the following" (an mcq's options) is fine.
_DANGLING = re.compile(
    r"\b(?:the corresponding|such(?! as)|the former|the latter|the above|the preceding|"
    r"(?:this|these|those)(?! (?:[\w-]+ ){0,2}(?:who|whom|whose|which|that|of|with|in)\b)|"
    r"(?:should|will|can|may|must|would|could) (?:now|then)|now (?:holds|contains|has|is|are|look))\b"
    r"|^(?:[^,]*, )?(?:It|They|This|These|Those|Such)\b",
)
# A numbered part of a document ("Example 3-1", "Figure 2", "Table 4"), a part pointed at ("this example",
# "the table below"), or an aside that sends the reader elsewhere ("(see ...)", "(cf. ...)").
_ELSEWHERE = re.compile(
    r"\b(?:example|figure|fig\.|table|listing|section|chapter|appendix|exercise)s?\s+[A-Z]?[0-9][0-9.-]*"
    r"|\b(?:this|that|these|those|the above|the following|the previous|the next) "
    r"(?:example|figure|table|listing|section|chapter|exercise)s?\b"
    r"|\b(?:example|figure|table|listing)s? (?:above|below)\b|\((?:see|cf\.?) ",
    re.IGNORECASE,
)
# An adverb that points back at something said before the sentence ("X can also ...", "... obsolete already",
# "Use X instead", an opening "First," of a procedure); "either ... or", "too many", "instead of", "as well as", "but also" say nothing about it.
_LEANING = re.compile(
    r"(?<!\bbut )\b(?:also|already)\b|\b(?:is|are|was|were|be|can|could|will|would|may|might|must|does|do|did|has|have|"
    r"had) still\b|^\s*(?:first|next|then|finally|second|afterwards),|\b(?:too|either|as well)(?=\s*[.?!,;:)]|\s*$)|\binstead\b(?! of\b)",
    re.IGNORECASE,
)
# Words that tell no key from another in a question: auxiliaries, modals, negation.
_FILLER = frozenset(
    re.findall(
        r"\S+",
        "is are was were be been being has have had do does did must may might shall should will would could not "
        "no also already still too either instead",
    )
)
MIN_TOPICAL_WORDS = 3
_IN_SECTION = re.compile(r"In the section “([^”]+)”, ")
# A word in more than this share of the course's passages is its subject ("debian"): it names no one key.
SUBJECT_SHARE = 0.5
# A lower-case letter glued to a run of capitals: a word whose casing was broken ("cOMMUNITY").
_BROKEN_CASE = re.compile(r"(?<![A-Za-z])[a-z][A-Z]{3,}")
_GIVEN_AND_SURNAME = re.compile(r"[A-Z][a-z]+(?: [A-Z]\.)? [A-Z][a-z]+(?:-[A-Z][a-z]+)?")
# What a sentence says of a person only: a role after the name, a life event, a personal pronoun.
_PERSON_CUE = re.compile(
    r"^,? (?:the |a |an )?(?:co-?)?(?:founder|leader|creator|author|developer|maintainer)\b"
    r"|^,? who\b|^ (?:was born|died|passed away)\b",
)
_PRONOUN = re.compile(r"\b(?:he|she|his|her|him|himself|herself)\b", re.IGNORECASE)
_GRAMMAR = frozenset(
    re.findall(
        r"\S+", "a an the of to in on at for by and or with as is are be not no nor so but from than that"
    )
)


def _look(option: str) -> str:
    """How an option looks at a glance: a number, code, a name with a version number, or words."""
    text = re.sub(r"\s+\([^()]*\)", "", option).strip()  # "Automated Machine Learning (AutoML)" is a name
    if re.fullmatch(r"[0-9\s.,:/%+-]+", text):
        return "number"
    if (
        re.search(r"[(){}\[\]$=_\\<>|`]", text)
        or text[:1] in "-./~@"
        or re.search(r"[A-Za-z]\.[A-Za-z]", text)
    ):
        return "code"
    if any(re.fullmatch(r"[0-9]+(?:\.[0-9]+)*[a-z]?[0-9]*", w) for w in text.split()):
        return "versioned"
    return "words"


def _looks_like_a_person(option: str) -> bool:
    words = option.split()
    return 1 <= len(words) <= 4 and all(_NAME_WORD.fullmatch(w) for w in words)


def _stem(word: str) -> str:
    for suf in ("ing", "ed", "es", "s"):
        if len(word) > len(suf) + 3 and word.endswith(suf):
            return word[: -len(suf)]
    return word


def _words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in _SKIP}


def _covered(claim: str, evidence: str) -> float:
    need = _words(claim)
    return len(need & _words(evidence)) / len(need) if need else 0.0


def _bare(name: str) -> str:
    return re.sub(r"^(?:amazon|aws)\s+", "", name.strip().lower())


def _names_in(name: str, text: str) -> bool:
    low = " ".join(text.lower().split())
    return name.lower() in low or _bare(name) in low


def dangling(text: str) -> bool:
    """Does the text point at something the learner cannot see ("the corresponding", "It requires ...")?"""
    body = re.sub(r"\b[Ww]hich of the following\b", "which", text)
    return _DANGLING.search(body) is not None


def debris(name: str) -> bool:
    """A name cut off at a grammar word ("Need to", "Data is") rather than a term ("and list" is one)."""
    words = name.lower().split()
    return len(words) >= 2 and words[-1] in _GRAMMAR


def scraps(description: str) -> bool:
    """A description made mostly of letter scraps (an extracted table row: "incomef act nsw nt qld sa")."""
    words = [w for w in re.findall(r"[A-Za-z]+", description) if w.lower() not in _GRAMMAR]
    short = [w for w in words if len(w) <= 3 and not w.isupper()]
    return len(words) >= 4 and len(short) * 2 > len(words)


def elsewhere(text: str) -> bool:
    """Does the text point at an example, figure or table the learner does not see ("(as in Example 3-1)")?"""
    return _ELSEWHERE.search(text) is not None


def broken_case(name: str) -> bool:
    """A word whose casing was broken on the way ("cOMMUNITY"), not a name's own ("iOS", "McKay")."""
    return _BROKEN_CASE.search(name) is not None


def person_asked_as_term(item: QuizItem) -> bool:
    """Is the key a person (a given name and surname the support says person things of) asked "Which term/Which
    of the following", rather than "Who"?"""
    if item.type not in ("mcq", "short") or not re.search(
        r"\bwhich (?:term|of the following)\b", item.question, re.IGNORECASE
    ):
        return False
    name, support = item.answer.strip(), item.citation.support
    if not _GIVEN_AND_SURNAME.fullmatch(name) or name not in support:
        return False
    after = support.split(name, 1)[1]
    # A pronoun counts only soon after a name that opens the sentence (another name may own a later one).
    soon = " ".join(after.split()[:12]) if support.lstrip().startswith(name) else ""
    return _PERSON_CUE.search(after) is not None or _PRONOUN.search(soon) is not None


def leaning(text: str) -> bool:
    """Does the text lean on what was said before it ("also", "already", "instead", a closing "too")?"""
    return _LEANING.search(text) is not None


def topical_words(question: str) -> set[str]:
    """The question's words that could tell its key from the options: not scaffolding, auxiliaries or modals."""
    return {w for w in _words(question) if w not in _FILLER}


def subject_words(chunks: dict[tuple[str, int], str]) -> frozenset[str]:
    """Words in more than ``SUBJECT_SHARE`` of the passages: what the whole course is about."""
    counts: dict[str, int] = {}
    for text in chunks.values():
        for w in _words(text):
            counts[w] = counts.get(w, 0) + 1
    limit = SUBJECT_SHARE * len(chunks)
    return frozenset(w for w, n in counts.items() if n > limit) if len(chunks) >= 10 else frozenset()


def readable(item: QuizItem, subject: frozenset[str] = frozenset()) -> list[str]:
    """Problems a learner would see in the wording alone, whatever the passage says."""
    problems: list[str] = []
    text = item.question.split(":", 1)[-1] if item.type == "true_false" else item.question
    if dangling(text):
        problems.append("the question points at context the learner does not see")
    if leaning(text):
        problems.append("the question leans on something said before it (also, already, instead ...)")
    topical = topical_words(text)
    if item.type in ("mcq", "short") and (
        len(topical) < MIN_TOPICAL_WORDS or len(topical - subject) < MIN_TOPICAL_WORDS - 1
    ):
        problems.append("the question names too little to tell its key from others")
    if elsewhere(text):
        problems.append("the question points at an example, figure or table the learner does not see")
    names = [item.subject] if item.type == "true_false" else [item.answer]
    if any(debris(n) for n in names if n and _look(n) == "words"):
        problems.append("the key or subject is a scrap of a sentence, not a term")
    quoted = re.findall(r"“([^”]+)”", item.question)
    if any(scraps(q) for q in quoted):
        problems.append("the quoted description is extraction debris")
    if any(broken_case(n) for n in [*names, *quoted] if n):
        problems.append("a key, subject or description with broken casing")
    if person_asked_as_term(item):
        problems.append("a person asked as a term: the question should ask who")
    return problems


def in_cited_section(text: str, heading: str) -> str:
    """The text without an opening 'In the section “<title>”, ' whose title is in the cited heading: the section
    is shown, so only the rest must be what the support sentence says."""
    m = _IN_SECTION.match(text.strip())
    return text.strip()[m.end() :] if m and m.group(1) in heading else text


def check_item(item: QuizItem, chunk_text: str | None, subject: frozenset[str] = frozenset()) -> list[str]:
    """Reasons the item fails the independent check (empty when it passes)."""
    c = item.citation
    problems: list[str] = []
    if chunk_text is None or chunk_text != c.text:
        problems.append("citation text is not the indexed passage")
    if not c.support or " ".join(c.support.split()) not in " ".join(c.text.split()):
        problems.append("support sentence not in the passage")
    if item.type == "mcq":
        if len(item.options) != 4:
            problems.append("mcq without 4 options")
        if len({o.strip().lower() for o in item.options}) != len(item.options):
            problems.append("duplicate options")
        if item.answer not in item.options:
            problems.append("key not among the options")
        if len({_look(o) for o in item.options}) > 1:
            problems.append(
                "options of mixed looks (" + ", ".join(sorted({_look(o) for o in item.options})) + ")"
            )
        if re.match(r"^(?:[^,?]*, )?[Ww]ho\b", item.question) and not all(
            _looks_like_a_person(o) for o in item.options
        ):
            problems.append("a question about a person with options that are no names")
    if item.type in ("mcq", "short"):
        if not _names_in(item.answer, c.support):
            problems.append("key not in the support sentence")
        question = re.sub(r"\b[Ww]hich\b", " ", in_cited_section(item.question, c.heading))
        if _covered(question, c.support) < QUESTION_COVERAGE:
            problems.append("support does not cover the question")
    elif item.type == "true_false":
        statement = in_cited_section(item.question.split(":", 1)[-1], c.heading)
        if item.answer == "True":
            if _covered(statement, c.support) < STATEMENT_COVERAGE:
                problems.append("support does not cover the true statement")
        elif item.answer == "False":
            if (
                not item.subject
                or not _names_in(item.subject, c.support)
                or _names_in(item.subject, statement)
            ):
                problems.append("false statement does not replace the supported subject")
            else:
                # The statement must be the supported sentence with a different name in it: a few words differ.
                residue = _words(statement) - _words(c.support)
                if not residue:
                    problems.append("false statement is fully supported")
                elif len(residue) > MAX_SWAPPED_WORDS:
                    problems.append("false statement is not the supported one with its subject swapped")
        else:
            problems.append("true/false key is neither True nor False")
    return problems + readable(item, subject)


def unbalanced(items: list[QuizItem]) -> set[int]:
    """Indexes of the true/false items beyond the band of True keys (the latest of the over-used key)."""
    tf = [i for i, it in enumerate(items) if it.type == "true_false"]
    if not tf:
        return set()
    # The most of one key the band allows, and never fewer than half the items (3 of 5 is as close as it gets).
    allowed = max(-(-len(tf) // 2), int(TRUE_SHARE_BAND[1] * len(tf) + 1e-9))
    out: set[int] = set()
    for key in ("True", "False"):
        keyed = [i for i in tf if items[i].answer == key]
        out |= set(keyed[allowed:])
    return out


def quiz_validity_sample(backend: str, n: int = 50, settings: Any = None) -> dict[str, Any]:
    """Generate ``n`` items with ``backend`` (nothing is recorded) and check them independently."""
    ctx = quiz_context(settings)  # built before timing: mining the corpus is a once-per-index cost
    store = get_store(settings)
    chunks = {(c.doc_id, c.start): c.text for c in store.all_chunks()}
    learner = f"validity-{uuid.uuid4().hex[:8]}"
    items: list[QuizItem] = []
    seconds: list[float] = []
    t = time.perf_counter()
    # Batches of at most 50 (the per-call limit), each told what the previous batches served.

    served: list[Served] = []
    while len(items) < n:
        got = 0
        for item in iter_quiz(
            n=min(50, n - len(items)),
            backend=backend,
            learner=learner,
            served=list(served),
            seed=len(items),
            settings=settings,
        ):
            now = time.perf_counter()
            seconds.append(now - t)
            t = now
            items.append(item)
            served.append(Served(item.fact_key, item.subject, item.question))
            got += 1
        if not got:
            break
    return summarise(items, chunks, ctx.doc_ids, seconds, backend)


def summarise(
    items: list[QuizItem],
    chunks: dict[tuple[str, int], str],
    doc_ids: list[str],
    seconds: list[float],
    backend: str,
) -> dict[str, Any]:
    failures: list[dict[str, Any]] = []
    valid = 0
    seen_q: set[str] = set()
    seen_fact: set[tuple[str, str]] = set()
    duplicates = 0
    valid_seconds: list[float] = []
    over = unbalanced(items)
    subject = subject_words(chunks)
    for k, (item, secs) in enumerate(zip(items, seconds or [0.0] * len(items), strict=False)):
        problems = check_item(item, chunks.get((item.citation.doc_id, item.citation.start)), subject)
        if k in over:
            problems.append("true/false keys unbalanced: beyond 60% of one key")
        q = " ".join(item.question.lower().split())
        fact = (" ".join(item.citation.support.split()), item.subject or item.answer)
        if q in seen_q or fact in seen_fact:
            problems.append("duplicate of an earlier item")
            duplicates += 1
        seen_q.add(q)
        seen_fact.add(fact)
        if problems:
            failures.append(
                {"id": item.id, "type": item.type, "question": item.question, "problems": problems}
            )
        else:
            valid += 1
            valid_seconds.append(secs)
    covered = sorted({i.citation.doc_id for i in items})
    tf = [i for i in items if i.type == "true_false"]
    return {
        "backend": backend,
        "items": len(items),
        "valid": valid,
        "validity": round(valid / len(items), 4) if items else 0.0,
        "duplicates": duplicates,
        "types": {t: sum(i.type == t for i in items) for t in ("mcq", "true_false", "short")},
        "reworded_by_llm": sum(i.source == "llm" for i in items),
        "true_false_keyed_true": round(sum(i.answer == "True" for i in tf) / len(tf), 4) if tf else None,
        "documents": len(doc_ids),
        "documents_covered": len(covered),
        "all_documents_covered": set(covered) >= set(doc_ids),
        "missing_documents": sorted(set(doc_ids) - set(covered)),
        "median_seconds_per_valid_item": round(statistics.median(valid_seconds), 4)
        if valid_seconds
        else None,
        "total_seconds": round(sum(seconds), 2),
        "failures": failures,
    }
