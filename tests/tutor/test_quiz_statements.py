"""True/false statements a learner would accept: balanced keys, and false claims that only study exposes.

Made-up courses of several documents, mined without an index: a false statement must swap in a term the
same document uses in a like context (not one from another document), agree in number with its verb, and
the quiz must not make "True" the safe guess.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from quiz_support import PACKAGES

from ingest.models import StoredChunk
from tutor.quiz import service
from tutor.quiz.facts import FactBank, build_fact_bank, good_stem
from tutor.quiz.generate_rules import RuleGenerator
from tutor.quiz.kinds import garbled, junk
from tutor.quiz.mining import in_section, without_section
from tutor.quiz.models import Fact, Term
from tutor.quiz.topics import CourseTopics

LOGS = """# Chapter 2. System Logs

The rsyslogd command collects messages from services and writes them to log files.
The logrotate command compresses old log files and removes the oldest log files.
The journalctl command displays the messages collected by the system journal.
The rsyslogd command sends selected messages to a remote log server.
The logrotate command renames log files on a schedule set in its configuration.
The journalctl command filters the messages of the system journal by service.
"""


def _rows(docs: dict[str, str]) -> list[StoredChunk]:
    return [
        StoredChunk(
            id=f"{d}::0", doc_id=d, title=d.split(".")[0].title(), heading="", text=t, start=0, end=len(t)
        )
        for d, t in docs.items()
    ]


def _bank() -> FactBank:
    return build_fact_bank(_rows({"packages.md": PACKAGES, "logs.md": LOGS}))


def _facts(bank: FactBank, doc: str) -> list[Fact]:
    return [f for f in bank.facts if f.doc_id == doc]


def test_a_false_statement_swaps_in_a_term_of_the_same_document() -> None:
    bank = _bank()
    gen = RuleGenerator(bank)
    words_of = {d: {t.name for f in _facts(bank, d) for t in [f.term]} for d in ("packages.md", "logs.md")}
    made = 0
    for doc, own in words_of.items():
        for fact in _facts(bank, doc):
            item = gen.true_false(fact, random.Random(0), truth=False)
            if item is None:
                continue
            made += 1
            assert item.answer == "False"
            swapped = [n for n in (*words_of["packages.md"], *words_of["logs.md"]) if n in item.question]
            # The swapped-in name is one this document talks about, never one from the other chapter.
            assert swapped and set(swapped) <= own, (item.question, swapped)
    assert made >= 4


def test_asking_for_a_false_statement_never_gives_a_true_one() -> None:
    bank = _bank()
    gen = RuleGenerator(bank)
    for fact in bank.facts:
        item = gen.true_false(fact, random.Random(1), truth=False)
        assert item is None or item.answer == "False"
        item = gen.true_false(fact, random.Random(1), truth=True)
        assert item is not None and item.answer == "True"


def test_true_false_keys_are_balanced_over_a_quiz(monkeypatch: pytest.MonkeyPatch) -> None:
    bank = _bank()
    rows = tuple(_rows({"packages.md": PACKAGES, "logs.md": LOGS}))
    ctx = service.QuizContext("v", bank, rows, RuleGenerator(bank), CourseTopics(source="documents"))
    monkeypatch.setattr(service, "quiz_context", lambda settings=None: ctx)
    items = list(service.iter_quiz(n=12, types=("true_false",), backend="extractive", seed=3))
    keys = [i.answer for i in items]
    assert len(items) >= 6
    # A learner answering "True" every time gets about half right, not three in four.
    assert 0.4 <= keys.count("True") / len(keys) <= 0.6, keys


def test_a_topic_quiz_balances_its_keys_in_its_ranked_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Practice on a topic (the chat's "quiz me on X") keeps the passages' ranked order, and each fact is asked
    for the key that is behind: "True" is no safe guess there either."""
    bank = _bank()
    rows = tuple(_rows({"packages.md": PACKAGES, "logs.md": LOGS}))
    ctx = service.QuizContext("v", bank, rows, RuleGenerator(bank), CourseTopics(source="documents"))
    monkeypatch.setattr(service, "quiz_context", lambda settings=None: ctx)
    ranked = [(f, 1.0) for f in bank.facts]  # the topic's passages, as the search ranks them
    monkeypatch.setattr(service, "_topic_facts", lambda ctx, facts, topic, doc, s: list(ranked))
    items = list(service.iter_quiz(topic="commands", n=10, types=("true_false",), backend="extractive"))
    keys = [i.answer for i in items]
    assert len(items) >= 6
    assert abs(keys.count("True") - keys.count("False")) <= 1, keys


def test_stems_that_lean_on_unseen_text_are_no_questions() -> None:
    assert not good_stem("Which function does the corresponding operation for rows?")
    assert not good_stem("Which of the following requires such paths to match only directories?")
    assert not good_stem("Which of the following should now look more evenly spaced over the disc?")
    assert not good_stem("Which term is like a well-stocked kitchen with every tool?")
    assert good_stem("Which function binds vectors together as the rows of a matrix?")
    assert good_stem("Which service supports image formats such as PNG and JPEG files?")


def test_stems_too_vague_to_pick_their_key_are_no_questions() -> None:
    # An adverb that points back ("already", "instead") is not what makes a question specific.
    assert not good_stem("Which of the following is considered obsolete already?")
    assert not good_stem("Which of the following should you use instead?")
    # The course's own subject names no one key: "must not be specific to <it>" asks nothing.
    vague = "Which term must not be specific to Zorblax releases?"
    assert not good_stem(vague, subject=frozenset({"zorblax", "releas"}))
    assert good_stem(vague)
    assert good_stem("Which of the following can also set variables to a default value?")


def test_a_predicate_that_needs_its_topic_is_asked_in_its_section() -> None:
    stem = "Which of the following must not contaminate other software?"
    assert not good_stem(stem)  # which software, in which sense? The sentence's section says.
    heading = "1.2. The Foundation Documents > 1.2.2. The Free Software Guidelines"
    placed = in_section(stem, heading)
    assert (
        placed
        == "In the section “The Free Software Guidelines”, which of the following must not contaminate other software?"
    )
    assert good_stem(placed)
    # The gate reads the rest against the support sentence, the title against the cited heading.
    assert without_section(placed, heading) == stem
    assert without_section(placed, "2. Another Section") == placed
    # A section called "Notes" names no topic; a stem with its own opening keeps it.
    assert in_section(stem, "Chapter 3 > Notes") is None
    assert in_section("In a script, which of the following have limited use?", heading) is None


def test_extraction_debris_is_no_term() -> None:
    assert garbled("incomef act nsw nt qld sa tas vic wa")
    assert not garbled("mount points for removable devices (CD-ROM, USB keys and so on)")
    assert junk("Need to")
    assert not junk("and list")  # a construct of the shell, named with a conjunction
    assert not junk("here document")


VARIABLES = """# Chapter 3. Variables

An uninitialized variable has a null value and no assigned value at all.
A local variable has meaning only within its function block.
An environment variable is passed on to every child process of the shell.
Of course, an and list can also set variables to a default value.
"""


def test_a_statement_keeps_its_sentences_article_and_drops_its_link_to_the_sentence_before() -> None:
    """Made from the term alone, "uninitialized variable has ..." reads broken, and "Of course, ..." points at
    text the learner cannot see."""
    bank = build_fact_bank(_rows({"variables.md": VARIABLES}))
    gen = RuleGenerator(bank)
    statements = {
        item.question
        for fact in bank.facts
        if (item := gen.true_false(fact, random.Random(0), truth=True)) is not None
    }
    assert (
        "True or false: An uninitialized variable has a null value and no assigned value at all."
        in statements
    )
    assert "True or false: A local variable has meaning only within its function block." in statements
    assert "True or false: An and list can set variables to a default value." in statements


SHELL = """# Chapter 3. Shell Features

Command substitution permits setting a variable to the output of a loop.
An operator is a symbol that stands for an operation on one or more values.
An operator may be used inside double parentheses for arithmetic.
I/O redirection may send the output of a command to a file.
A here string can be considered as a stripped-down form of a here document.
A here string may feed one line of text to a command.
An R list is an object consisting of an ordered collection of objects known as its components.
"""


def _shell_fact(bank: FactBank, name: str, sentence: str) -> Fact:
    """A fact about ``name`` made from ``sentence`` (as the miner makes one, with its "Which ...?" stem)."""
    base = bank.facts[0]
    term = Term(name=name, key=name.lower(), kind="concept")
    stem = "Which of the following " + sentence.split(name, 1)[1].strip().rstrip(".") + "?"
    return replace(base, term=term, sentence=sentence, stem=stem, statement=sentence, claim="")


def test_a_swapped_in_name_takes_the_article_the_text_writes_it_with() -> None:
    bank = build_fact_bank(_rows({"shell.md": SHELL}))
    gen = RuleGenerator(bank)
    # A mass noun's statement gets a countable noun's article, and a countable noun's loses it for a mass noun.
    mass = _shell_fact(bank, "Command substitution", SHELL.split("\n")[2])
    assert gen.claim(mass, "operator") == "An operator permits setting a variable to the output of a loop."
    countable = _shell_fact(bank, "here string", SHELL.split("\n")[6])
    assert (
        gen.claim(countable, "I/O redirection")
        == "I/O redirection can be considered as a stripped-down form of a here document."
    )
    # The fact's own term keeps the sentence's article, however the name is spelled ("An R list", not "A R list").
    own = _shell_fact(bank, "R list", SHELL.split("\n")[8])
    assert gen.claim(own, "R list").startswith("An R list is an object")


LOG_TOOLS = """# Chapter 1. Logs

The rsyslogd command collects messages from services and writes them to log files.
The logrotate command compresses old log files and removes the oldest log files.
The rsyslogd command sends selected messages to a remote log server.
The logrotate command renames log files on a schedule set in its configuration.
"""


def _one_tool(name: str, chapter: int) -> str:
    """A chapter about one command only: nothing of its kind to swap in, so it makes true statements only."""
    return f"""# Chapter {chapter}. The {name} tool

The {name} command publishes a new stable release every two years.
The {name} command keeps every package of the project in a public archive.
The {name} command signs the release files with the project key.
The {name} command uploads the release notes to the project website.
The {name} command checks the archive for packages without a maintainer.
"""


def test_a_document_that_only_makes_true_statements_still_gets_an_item(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three chapters can only be asked as "True"; the key balance says no to the third at its turn, and the
    quiz must not end before it comes round again: a five-item quiz covers all four chapters."""
    docs = {
        "logs.md": LOG_TOOLS,
        "tiller.md": _one_tool("tillerctl", 2),
        "grove.md": _one_tool("grovectl", 3),
        "plumb.md": _one_tool("plumbctl", 4),
    }
    bank = build_fact_bank(_rows(docs))
    ctx = service.QuizContext(
        "v", bank, tuple(_rows(docs)), RuleGenerator(bank), CourseTopics(source="documents")
    )
    monkeypatch.setattr(service, "quiz_context", lambda settings=None: ctx)
    for seed in range(6):
        items = list(service.iter_quiz(n=5, types=("true_false",), backend="extractive", seed=seed))
        assert {i.citation.doc_id for i in items} == set(docs), [i.question for i in items]
        keys = [i.answer for i in items]
        assert keys.count("True") <= 3, keys
