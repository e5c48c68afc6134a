"""Options of one kind and stems that fit it: people are asked with "Who" among people, releases among
releases, idioms and the course's own subject are never what a learner picks or types.

The course here is made up (a project's history: its leaders, its releases, its packaging), in the register
of a history book, so nothing depends on one real course.
"""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np

from ingest.models import StoredChunk
from tutor.quiz.facts import FactBank, Sentence, build_fact_bank
from tutor.quiz.gate import validate
from tutor.quiz.generate_rules import TF_PREFIX, DistractorPicker, RuleGenerator
from tutor.quiz.kinds import junk, surface_form
from tutor.quiz.models import Fact, QuizItem, Term
from tutor.rag.retrieve import LexicalIndex

PEOPLE = """# Chapter 4. Leaders

Ann Lovelace founded Tiller in August 1993 and led it until March 1996.

Bob Turing led Tiller from April 1996 until December 1997.

Carl Hopper led Tiller from January 1998 until December 1998.

Dana Knuth led Tiller from January 1999 until March 2001.

Eve Ritchie led Tiller from April 2001 until April 2002.

Tiller was led by Ann Lovelace, then by Bob Turing, Carl Hopper, Dana Knuth and Eve Ritchie.

## In memoriam

Ann Lovelace died in May 2013. Ann was one of the founding members of the translation team of Tiller.

Bob Turing died in July 2014. Bob was a significant contributor to the build tools of Tiller.

Carl Hopper died in March 2001, when he was struck by a car at the age of 19. Carl was a young and enthusiastic packager of the Tiller games.

Dana Knuth died in February 2015. Dana was also a board member of a free software foundation between 2005 and 2007.
"""

RELEASES = """# Chapter 3. Tiller Releases

- Tiller 1.1 Falcon: named for the bird of prey that hunts over open fields.
- Tiller 2.0 Heron: named for the wading bird that stands still in shallow water.
- Tiller 3.0 Osprey: named for the fish-eating bird that dives into lakes feet first.
- Tiller 4.0 Kestrel: named for the small bird that hovers in the wind over meadows.
- Tiller 5.0 Plover: named for the shore bird that runs along the sandy beach.
"""

PACKAGING = """# Chapter 2. Tiller Packages

Tiller was meant to be carefully and conscientiously put together by its small team of volunteers.

The package pool is a collection of different versions of a given package that several suites draw from.

A changelog is a file listing the changes made in each version of a package.

A case-in-point is the old archive layout with one directory for every suite.
"""

DOCS = {"people.md": PEOPLE, "releases.md": RELEASES, "packaging.md": PACKAGING}
PERSONS = {
    "Ann Lovelace",
    "Bob Turing",
    "Carl Hopper",
    "Dana Knuth",
    "Eve Ritchie",
    "Ann",
    "Bob",
    "Carl",
    "Dana",
}


def _paragraphs(doc_id: str, text: str) -> list[StoredChunk]:
    """One chunk per paragraph (a bullet list is one), so that "most chunks" means something."""
    rows: list[StoredChunk] = []
    start = 0
    for i, para in enumerate(text.split("\n\n")):
        rows.append(
            StoredChunk(
                id=f"{doc_id}::{i}",
                doc_id=doc_id,
                title=doc_id,
                heading="",
                text=para,
                start=start,
                end=start + len(para),
            )
        )
        start += len(para) + 2
    return rows


def _bank() -> FactBank:
    rows = [r for d, t in DOCS.items() for r in _paragraphs(d, t)]
    # The course's own subject: the stems in most chunks, as retrieval sees them.
    common = LexicalIndex(rows, np.zeros((len(rows), 3), dtype=np.float32)).common_words()
    return build_fact_bank(rows, common=common)


BANK = _bank()
GEN = RuleGenerator(BANK)


def _items(fact: Fact) -> list[QuizItem]:
    made = [GEN.make(fact, kind, random.Random(3)) for kind in ("mcq", "true_false", "short")]
    return [i for i in made if i is not None and validate(i, BANK).ok]


def _all_items() -> list[QuizItem]:
    return [i for f in BANK.facts for i in _items(f)]


def test_a_question_about_a_person_asks_who_and_offers_only_people() -> None:
    about_people = [i for i in _all_items() if i.type == "mcq" and i.answer in PERSONS]
    assert about_people
    for item in about_people:
        assert item.question.startswith("Who "), item.question
        assert set(item.options) <= PERSONS, item.options
    # A short answer about a person is no "term" either.
    shorts = [i for i in _all_items() if i.type == "short" and i.answer in PERSONS]
    assert shorts and all(i.question.startswith("Who ") for i in shorts)


def test_a_question_about_a_release_asks_which_release_among_releases() -> None:
    releases = [i for i in _all_items() if i.type in ("mcq", "short") and i.answer.startswith("Tiller ")]
    assert releases
    for item in releases:
        assert item.question.startswith("Which release "), item.question
        assert all(o.startswith("Tiller ") and surface_form(o) == "versioned" for o in item.options)


def test_no_item_mixes_kinds_of_options() -> None:
    for item in _all_items():
        if item.type == "mcq":
            assert len({surface_form(o) for o in item.options}) == 1, item.options
            assert len({o in PERSONS for o in item.options}) == 1, item.options


def test_an_idiom_is_neither_a_key_nor_an_option() -> None:
    assert junk("case-in-point") and junk("up-to-date") and junk("of the")
    assert not junk("apt-get") and not junk("package pool") and not junk("x-ray")
    for item in _all_items():
        assert "case-in-point" not in {item.answer, item.subject, *item.options}


def test_the_courses_own_subject_is_never_the_answer_to_pick_or_type() -> None:
    items = _all_items()
    assert any(i.subject == "Tiller" for i in items)  # the fact about it is still asked, as a true statement
    for item in items:
        assert "Tiller" not in item.options
        if item.subject == "Tiller":
            assert item.type == "true_false" and item.answer == "True"
            assert item.question.startswith(TF_PREFIX + "Tiller ")


def test_without_three_wrong_options_of_the_same_kind_there_is_no_mcq() -> None:
    # One changelog among ideas: no other concept of its look, so it is asked another way.
    facts = [f for f in BANK.facts if f.term.name in ("changelog", "package pool")]
    assert facts
    for fact in facts:
        assert GEN.mcq(fact, random.Random(1)) is None
        assert {i.type for i in _items(fact)} <= {"true_false", "short"}


def _sentence_fact(name: str, sentence: str, stem: str) -> Fact:
    """A fact as one made from a passage's sentence: its name is no mined term, only a "name"."""
    base = next(f for f in BANK.facts if f.sentence in PEOPLE)
    return replace(base, term=Term(name=name, key=name.lower(), kind="name"), sentence=sentence, stem=stem)


def test_a_person_named_in_a_sentence_is_asked_who_or_whom_never_which_term() -> None:
    fact = _sentence_fact(
        "Ann Lovelace",
        "Ann Lovelace founded Tiller in August 1993 and led it until March 1996.",
        "Which of the following founded Tiller in August 1993 and led it until March 1996?",
    )
    item = GEN.short(fact)
    assert (
        item is not None and item.question == "Who founded Tiller in August 1993 and led it until March 1996?"
    )
    after = _sentence_fact(
        "Ann Lovelace",
        "Tiller was led by Ann Lovelace, then by Bob Turing, Carl Hopper, Dana Knuth and Eve Ritchie.",
        "Tiller was led by which of the following, then by Bob Turing, Carl Hopper, Dana Knuth and Eve Ritchie?",
    )
    item = GEN.short(after)
    assert item is not None and item.question.startswith("Tiller was led by whom, then by Bob Turing")
    # A capitalised name the text says nothing personal about keeps "Which term".
    thing = _sentence_fact(
        "Tiller",
        "Tiller was meant to be carefully and conscientiously put together by its small team of volunteers.",
        "Which of the following was meant to be carefully and conscientiously put together by its small team?",
    )
    assert GEN.question(thing).startswith("Which of the following")


def test_paths_and_symbol_led_keywords_do_not_look_like_names_or_each_other() -> None:
    assert surface_form("/opt/") == "path" and surface_form("/etc/crontab") == "path"
    assert surface_form("@yearly") == "code" and surface_form("key.asc") == "code"
    assert surface_form("Release Manager") == "capitalised"


# One pool of "concepts" as a miner finds it: four ideas of a language, and a role and a product the text
# also capitalises. A learner sees "Tiller Warden" among "Iteration" and "Quoting" as the odd one out.
IDEAS = ("Recursion", "Iteration", "Quoting", "Escaping")
OTHERS = ("Tiller Warden", "Acme Hat", "Long Term Care")


def _toy_embed(texts: list[str]) -> np.ndarray:
    """Ideas point one way, the other names another (a stand-in for MiniLM on these names)."""
    return np.array([[1.0, 0.1 * len(t) % 1] if t in IDEAS else [0.1, 1.0] for t in texts], dtype=np.float32)


def _concept_bank() -> tuple[FactBank, Fact]:
    names = (*IDEAS, *OTHERS)
    terms = {n.lower(): Term(name=n, key=n.lower(), kind="concept") for n in names}
    sentences = [
        Sentence("c.md", f"{n} is named in the course.", frozenset({"name", "cours"})) for n in names
    ]
    sentence = "Recursion is a form of self-reference that a function makes to itself."
    fact = Fact(
        term=terms["recursion"],
        statement=sentence,
        sentence=sentence,
        stem="Which of the following is a form of self-reference that a function makes to itself?",
        doc_id="c.md",
        title="C",
        heading="",
        chunk_id="c1",
        passage=sentence,
        start=0,
        end=len(sentence),
    )
    return FactBank(terms, [fact], sentences), fact


def test_wrong_options_are_the_names_most_like_the_key() -> None:
    bank, fact = _concept_bank()
    for seed in range(5):
        wrong = DistractorPicker(bank, _toy_embed).pick(fact, fact.stem, 3, random.Random(seed))
        assert {t.name for t in wrong} == set(IDEAS) - {"Recursion"}
