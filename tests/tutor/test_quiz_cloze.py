"""Sentence facts (tutor/quiz/cloze.py) on a small hand-made fact bank: a sentence that defines nothing still
asks for a term of the material it names, and the item passes the gate; what would make a poor question
(part of a longer name, a plain word, a pronoun's referent named earlier) makes none. A sentence that names
no term becomes a fill-in-the-blank typed answer, whose key is what the learner did not already ask about and
never an everyday or course-wide word."""

from __future__ import annotations

import random

from evals.quiz_validity import check_item
from ingest.models import ChunkRef
from ingest.text import content_tokens
from tutor.quiz.cloze import BLANK, blank_facts, item_types, sentence_facts
from tutor.quiz.facts import FactBank, Sentence
from tutor.quiz.gate import validate
from tutor.quiz.generate_rules import RuleGenerator
from tutor.quiz.grade import grade
from tutor.quiz.models import ITEM_TYPES, Term

PEOPLE = ("Ada Byron", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov")


def _bank(extra: tuple[str, ...] = ()) -> FactBank:
    terms = {t.key: t for t in (Term(name=n, key=n.lower(), kind="name") for n in PEOPLE)}
    terms["local"] = Term(name="local", key="local", kind="command")
    # Enough other sentences that no person counts as the course's own subject.
    texts = [f"Filler sentence number {i} says nothing in particular." for i in range(100)] + list(extra)
    return FactBank(terms, [], [Sentence("notes.txt", s, frozenset(content_tokens(s))) for s in texts])


def _passage(text: str) -> ChunkRef:
    return ChunkRef(
        doc_id="notes.txt", title="Notes", heading="History", text=text, start=100, end=100 + len(text)
    )


def test_a_sentence_that_defines_nothing_asks_for_the_name_it_carries() -> None:
    bank = _bank()
    text = "The project grew quickly. Ada Byron led the project from April 2010 until April 2013. More."
    facts = sentence_facts(bank, _passage(text), first="Ada Byron led the project from April 2010")
    assert facts and facts[0].term.name == "Ada Byron"
    fact = facts[0]
    assert fact.stem == "Which of the following led the project from April 2010 until April 2013?"
    assert (fact.start, fact.end, fact.passage) == (100, 100 + len(text), text), "cited as the given passage"
    assert item_types(bank, fact, ITEM_TYPES) == ("mcq", "short")
    item = RuleGenerator(bank).mcq(fact, random.Random(1))
    assert item is not None and item.answer == "Ada Byron" and len(item.options) == 4
    assert validate(item, bank).ok, validate(item, bank).reasons


def test_the_support_sentence_and_the_asked_about_term_come_first() -> None:
    bank = _bank()
    text = (
        "Grace Hopper joined the committee in the spring of 1959. "
        "Alan Turing reviewed the design that Ada Byron proposed for the new machine."
    )
    facts = sentence_facts(bank, _passage(text), first="Alan Turing reviewed the design", asked="Ada Byron?")
    assert facts[0].term.name == "Ada Byron" and facts[0].sentence.startswith("Alan Turing")
    assert {f.term.name for f in facts} >= {"Alan Turing", "Grace Hopper"}


def test_what_would_make_a_poor_question_makes_none() -> None:
    bank = _bank()
    for text in (
        "Ada Byron Smith chaired the meeting of the committee in 1999.",  # part of a longer name
        "Values are reported to the environment local to the running script.",  # a plain word
        "Due to his positions, he was admired by Ada Byron for many years.",  # who "he" is came before
        "It was Ada Byron who chaired the meeting of the committee in 1999.",  # a pronoun opens it
    ):
        assert sentence_facts(bank, _passage(text)) == [], text


def test_a_name_the_material_repeats_is_a_short_answer_key() -> None:
    said = "Niklaus Wirth designed the language for teaching structured programming."
    bank = _bank(extra=(said, "Niklaus Wirth also wrote a book about algorithms and data structures."))
    facts = sentence_facts(bank, _passage(said))
    assert facts and facts[0].term.name == "Niklaus Wirth"
    assert item_types(bank, facts[0], ITEM_TYPES) == ("short",), "not a term of the bank: no options to offer"
    item = RuleGenerator(bank).short(facts[0])
    assert item is not None and validate(item, bank).ok, validate(item, bank).reasons


_R_LIKE = (
    "Assignments done within a function are local and are lost after exit from the function.",
    "An assignment with the superassignment operator reaches the enclosing environment.",
    "The enclosing environment holds the variables of the calling function.",
    "A function has its own environment when it is called.",
    "The superassignment operator is written with two arrows.",
)


def test_a_sentence_naming_no_term_becomes_a_fill_in_the_blank_typed_answer() -> None:
    bank = _bank(extra=_R_LIKE)
    said = "Any assignment with the superassignment operator reaches the enclosing environment."
    facts = blank_facts(
        bank, _passage(f"Scope. {said} More."), first=said, asked="How can a function assign globally?"
    )
    assert facts, "a sentence with no term of the bank still makes an item"
    fact = facts[0]
    assert BLANK in fact.stem and fact.sentence == said
    assert fact.term.name in ("superassignment operator", "enclosing environment")
    assert item_types(bank, fact, ITEM_TYPES) == ("short",), "no same-kind options exist: typed, not picked"
    item = RuleGenerator(bank).short(fact)
    assert item is not None and item.question == fact.stem and item.answer == fact.term.name
    assert validate(item, bank).ok, validate(item, bank).reasons
    assert check_item(item, item.citation.text) == [], "the independent checker agrees"
    assert grade(item, fact.term.name.upper(), bank=bank).correct


def test_the_blank_asks_for_what_the_question_did_not_already_say() -> None:
    bank = _bank(extra=_R_LIKE)
    said = "Any assignment with the superassignment operator reaches the enclosing environment."
    asked_operator = blank_facts(
        bank, _passage(said), said, asked="What does the superassignment operator do?"
    )
    asked_environment = blank_facts(
        bank, _passage(said), said, asked="What reaches the enclosing environment?"
    )
    assert asked_operator[0].term.name == "enclosing environment"
    assert asked_environment[0].term.name == "superassignment operator"


def test_no_blank_for_an_everyday_word_a_fragment_or_a_sentence_leaning_on_context() -> None:
    bank = _bank(extra=(*_R_LIKE, "The first time is the first time.", "The first answer is the first."))
    for text in (
        "The first time the function runs, nothing happens at all.",  # only everyday words to ask for
        "Of empty arrays and empty elements",  # a heading
        "This is why the enclosing environment keeps the superassignment operator.",  # leans on the sentence before
        "It reaches the enclosing environment of the superassignment operator.",  # who "it" is came before
        "As already mentioned, the enclosing environment keeps the superassignment operator.",  # said before
    ):
        keys = {f.term.name.lower() for f in blank_facts(bank, _passage(text))}
        assert not keys or text.startswith("The first"), (text, keys)
        assert "first" not in keys and "time" not in keys, text
