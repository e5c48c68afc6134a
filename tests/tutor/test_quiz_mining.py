"""Quiz material from any text: the general patterns, course naming as data, and the gate on what they make.

The documents here are small and made up, in the registers of the eval corpora (a manual with commands, a
glossary, a narrative), so each pattern is checked on its own without an index.
"""

from __future__ import annotations

import random

from ingest.models import StoredChunk
from tutor.course import CourseProfile
from tutor.quiz.facts import FactBank, build_fact_bank
from tutor.quiz.gate import validate
from tutor.quiz.generate_rules import RuleGenerator, near_duplicate
from tutor.quiz.models import Fact
from tutor.quiz.naming import PLAIN, Naming

MANUAL = """# Chapter 3. Package Tools

dpkg is the base command for handling packages on the system.

The apt-cache command can display much of the information stored in the internal database of the tool.

A patch is a file describing changes to be made to one or more reference files.

The collection of objects currently stored in a session is called the workspace.

To anticipate upgrade problems, you can install the listchanges-tool package, which displays information about possible problems at the beginning of an upgrade.

More general news about the project are sent to the news-announce@lists.example.org list.

This is a very useful tool for everyone who reads it.

```
$ dpkg -i package.deb
$ apt-cache show dpkg
$ rsync -a src dst
$ tar cf backup.tar files
```

Periodic::Update-Lists

This option allows you to specify the frequency in days at which the package lists are refreshed.

- kern: messages coming from the kernel of the operating system;
- mail: messages coming from the electronic mail subsystem;
- cron: messages coming from the task scheduling services;
"""

HISTORY = """# Chapter 2. Leadership

Ann Lovelace founded the project in August 1993 and led it until March 1996.

Bob Turing led the project from April 1996 until December 1997 with a small team of volunteers.

Carl Hopper led the project from January 1998 until December 1998 after a vote of the developers.

Dana Knuth led the project from January 1999 until March 2001, the first leader to be elected by a vote.

Eve Ritchie led the project from April 2001 until April 2002 and moved the servers to a new host.

The project was led by Ann Lovelace, then by Bob Turing, Carl Hopper, Dana Knuth and Eve Ritchie.
"""

WRAPPED = """1 Introduction
R operates on named data structures. The simplest such structure is the numeric vector, which is
a single entity consisting of an ordered collection of numbers, and a factor is a vector object
used to specify a discrete classification.
lists are a general form of vector in which the various elements need not be of the same
Mode for every element of the list.
"""


def rows_for(docs: dict[str, str]) -> list[StoredChunk]:
    """One chunk per document (the miners need only the cleaned text and where each chunk sits in it)."""
    return [
        StoredChunk(
            id=f"{d}::0", doc_id=d, title=d.split(".")[0].title(), heading="", text=t, start=0, end=len(t)
        )
        for d, t in docs.items()
    ]


def bank_for(docs: dict[str, str], naming: Naming = PLAIN) -> FactBank:
    return build_fact_bank(rows_for(docs), naming=naming)


def facts_about(bank: FactBank, name: str) -> list[Fact]:
    return [f for f in bank.facts if f.term.name == name]


def test_definitions_glossaries_code_terms_and_term_lines_without_a_profile() -> None:
    bank = bank_for({"manual.md": MANUAL, "history.md": HISTORY})
    stems = {f.term.name: f.stem for f in bank.facts}
    assert stems["dpkg"] == "Which command is the base command for handling packages on the system?"
    assert stems["apt-cache"].startswith("Which command can display much of the information")
    assert (
        stems["patch"]
        == "Which of the following is a file describing changes to be made to one or more reference files?"
    )
    assert (
        stems["workspace"]
        == "Which of the following is the collection of objects currently stored in a session called?"
    )
    assert stems["listchanges-tool"].startswith("Which package displays information about possible problems")
    assert (
        stems["news-announce@lists.example.org"]
        == "More general news about the project are sent to which list?"
    )
    assert stems["Periodic::Update-Lists"].startswith("Which option allows you to specify the frequency")
    assert stems["kern"] == "Which term describes “messages coming from the kernel of the operating system”?"
    assert {"Bob Turing", "Carl Hopper", "Dana Knuth"} <= set(stems)
    # "... and led it until ...": a predicate that refers back to something is no definition.
    assert "Ann Lovelace" not in stems
    # A sentence that points at its context ("This is ...") is never a definition.
    assert not any("very useful tool" in f.stem for f in bank.facts)
    # Glossary lines of one list are siblings: each other's wrong options.
    assert bank.terms["kern"].group and bank.terms["kern"].group == bank.terms["mail"].group


def test_a_wrapped_pdf_line_is_joined_and_a_fragment_is_not_a_definition() -> None:
    bank = bank_for({"intro.pdf": WRAPPED, "manual.md": MANUAL})
    # The sentence a PDF wrapped over two lines is read whole, and the leftover half line defines nothing.
    assert not facts_about(bank, "lists")
    wrapped = [f for f in bank.facts if "numeric vector" in f.sentence]
    assert all("\n" not in f.sentence for f in wrapped)


def test_a_which_clause_without_a_comma_narrows_its_noun_and_says_nothing_of_it() -> None:
    page = (
        "The package can install the listchanges-tool package, which displays information about upgrades.\n\n"
        "The help page holds a keyword listchanges-tool which searches though available functions.\n"
    )
    bank = bank_for({"manual.md": MANUAL, "help.md": page})
    assert not any("searches though" in f.stem for f in bank.facts)
    assert any("displays information about upgrades" in f.stem for f in facts_about(bank, "listchanges-tool"))


def test_a_heading_subtitle_describes_the_term_but_a_byline_does_not() -> None:
    pages = {
        "guide.md": "# 10.2. Parameter Substitution\n\nManipulating and/or expanding variables\n",
        "appendix.md": "# Appendix A. The Project Manifesto\n\nWritten by Ann Lovelace, Revised 01/06/94\n",
    }
    bank = bank_for(pages)
    assert [f.stem for f in facts_about(bank, "Parameter Substitution")] == [
        "Which term describes “manipulating and/or expanding variables”?"
    ]
    assert not any("Lovelace" in f.stem for f in bank.facts)


def test_items_from_general_facts_pass_the_gate_with_same_kind_options() -> None:
    bank = bank_for({"manual.md": MANUAL, "history.md": HISTORY})
    gen = RuleGenerator(bank)
    made = 0
    for fact in bank.facts:
        for kind in ("mcq", "true_false", "short"):
            item = gen.make(fact, kind, random.Random(0))
            if item is None or not validate(item, bank).ok:
                continue
            made += 1
            # The key is written in the cited sentence, which is verbatim in the passage.
            assert item.type == "true_false" or item.answer in item.citation.support
            assert " ".join(item.citation.support.split()) in " ".join(item.citation.text.split())
            if item.type == "mcq":
                kinds = {bank.lookup(o).kind for o in item.options}  # type: ignore[union-attr]
                assert len(kinds) == 1
    assert made >= 10
    leader = next(f for f in bank.facts if f.term.name == "Bob Turing")
    mcq = gen.mcq(leader, random.Random(1))
    assert mcq is not None and validate(mcq, bank).ok
    assert set(mcq.options) == {"Bob Turing", "Carl Hopper", "Dana Knuth", "Eve Ritchie"}


def test_near_duplicate_options_are_refused() -> None:
    assert near_duplicate("apt-cache", "apt_cache") and near_duplicate("workspace", "workspce")
    assert not near_duplicate("apt-get", "apt-cache") and not near_duplicate("kern", "mail")
    bank = bank_for({"manual.md": MANUAL, "history.md": HISTORY})
    item = RuleGenerator(bank).mcq(facts_about(bank, "kern")[0], random.Random(0))
    assert item is not None and validate(item, bank).ok
    wrong = [o for o in item.options if o != item.answer]
    typo = item.model_copy(update={"options": [item.answer, "kernn", *wrong[:2]]})
    assert "near-duplicates" in "; ".join(validate(typo, bank).reasons)


def test_prefixed_names_come_from_the_profile_not_the_engine() -> None:
    text = (
        "Acme Store is a service that keeps objects durably in buckets for any number of readers.\n\n"
        "Acme Stream Hub is a service that ingests streaming records from many producers in real time.\n\n"
        "Acme Query is a serverless service that runs interactive SQL queries on data kept in buckets.\n\n"
        "Acme Notebook Studio is an environment for building, training and deploying models in one place.\n"
    )
    plain = bank_for({"notes.md": text})
    assert all(t.kind != "service" for t in plain.terms.values())
    profile = CourseProfile(
        name_prefixes=("Acme",), name_kind="Acme service", generic_names=("Acme",), platforms=("Notebook",)
    )
    named = bank_for({"notes.md": text}, Naming.from_profile(profile))
    store = named.lookup("Store")
    assert store is not None and store.name == "Acme Store" and store.kind == "service"
    assert facts_about(named, "Acme Store")[0].stem.startswith("Which Acme service is a service that keeps")
    # A multi-word name starting with a platform name is also written without it.
    studio = named.lookup("Acme Notebook Studio")
    assert studio is not None and "Studio" in studio.aliases
    # Typed without its prefix, a short answer still matches.
    assert named.canonical("acme store") == named.canonical("Store") == "store"


HANDBOOK = """# Chapter 1. The Project

## Multi-Platform Operating System

COMMUNITY Ian Murdock's journey

The project runs on many kinds of hardware and keeps one archive for all of them.

## Bug reports

A new bug is reported by sending an e-mail to the bug tracker in a specific format.
A new bug is assigned a number by the bug tracker when it arrives.
The bug tracker keeps every report, and a new bug is listed on the page of its package.

## Limits

Reasons not to use shell scripts:

- Need native support for multi-dimensional arrays
- Need to generate or manipulate graphics or GUIs
- Proprietary, closed-source applications
"""


def test_labels_runs_on_and_passing_phrases_are_not_asked_as_terms() -> None:
    bank = bank_for({"handbook.md": HANDBOOK})
    gen = RuleGenerator(bank)
    stems = [f.stem for f in bank.facts]
    # A boxed aside's label under a heading is no description of the heading ("cOMMUNITY Ian Murdock's journey").
    assert not any("ommunity" in s.lower() for s in stems), stems
    # "Need native support ...": "support" is a noun here, so "Need native" is no term that "supports" anything.
    assert "need native" not in bank.terms and not facts_about(bank, "Need native")
    # "A new bug is reported ..." is a fair true statement, but "new bug" is no term to name or to pick.
    (fact,) = facts_about(bank, "new bug")[:1]
    item = gen.true_false(fact, random.Random(0), truth=True)
    assert item is not None and item.question.endswith(
        "A new bug is reported by sending an e-mail to the bug tracker in a specific format."
    )
    assert gen.short(fact) is None and gen.mcq(fact, random.Random(0)) is None


SCRIPTING = """# Chapter 24. Functions

A function is essentially a code block, which means its stdin can be redirected (as in Example 3-1).
A function may be compacted into a single line.
A here string can be considered as a stripped-down form of a here document.
A here string may feed one line of text to a command.
An alias may be used as shown in Example 25-2 to shorten a long command.
An alias is a shorthand that the shell expands before running a command.
"""


def test_a_pointer_to_an_example_is_dropped_from_the_question_or_the_fact_is_not_asked() -> None:
    bank = bank_for({"functions.md": SCRIPTING})
    gen = RuleGenerator(bank)
    fact = next(f for f in facts_about(bank, "function") if "code block" in f.sentence)
    short = gen.short(fact)
    assert short is not None
    assert (
        short.question == "Which term is essentially a code block, which means its stdin can be redirected?"
    )
    true = gen.true_false(fact, random.Random(0), truth=True)
    assert true is not None and "Example" not in true.question
    # "as shown in Example 25-2" is no aside to drop: that fact is not asked at all.
    assert not any("Example" in f.stem for f in bank.facts)
