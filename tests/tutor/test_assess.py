"""Answerability on small courses of their own: an asked-for duration may be stated as a period between dates; names,
ports, versions and causes the notes do or do not give."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

NOTES = """# Club history

## Leaders

The club has had several chairs since it was founded in 1990.

Ann Example led the club from March 2003 until March 2005.

Bo Sample led the club from April 2005 until April 2009.

## Meetings

The club meets on the first Monday of every month in the village hall.
Members bring their own tea and the chair keeps the minutes.
"""


def _club(home: Path, notes: str) -> Any:
    from tutor.documents import ingest
    from tutor.rag.pipeline import get_tutor

    corpus = home.parent / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "club.md").write_text(notes)
    assert ingest().added == 1
    return get_tutor()


def test_a_period_between_two_dates_answers_how_long(tutor_home: Path, minilm: Any) -> None:
    club = _club(tutor_home, NOTES)
    answer = club.ask("How long did Ann Example lead the club?", backend="extractive")
    assert answer.answerable and "March 2003 until March 2005" in answer.answer


def test_two_dates_in_different_sentences_are_no_period(tutor_home: Path, minilm: Any) -> None:
    from tutor.rag.assess import assess

    notes = NOTES.replace("led the club from March 2003 until March 2005", "became chair in 2003").replace(
        "led the club from April 2005 until April 2009", "became chair in 2005"
    )
    club = _club(tutor_home, notes)
    question = "How long did Ann Example lead the club?"
    passages = club.retriever.search(question, k=5).passages
    assert "no such duration" in assess(question, passages, club.retriever.lexical()).reason


HANDBOOK = """# Frobnix handbook

## Installing

Install frobnix with the frobget tool. Open the manual in a web browser to read it.
The function tally() counts the entries; the functions merge and split join and cut lists.

## Caching proxies

The caching proxy frobcache listens on port 3142 by default, so point every client at it.
Another proxy, mirrorz, keeps whole copies of the package archive for the clients.

## Logging

The frobnixd daemon writes its logs to a plain text file. Rotate the logs with frobrotate.

## Release 4

Release 4, called Maple, shipped with the Widget engine 2.6 and a text installer.

## Incidents

In 2002 the build server caught fire and the archive was lost.
"""
# A page of its own, so that no passage tells of both releases.
NEWS = """# Release news

## Release 5

Release 5, called Oak, added a graphical installer and dropped the old text menus.
"""


def _handbook(home: Path) -> Any:
    from tutor.documents import ingest
    from tutor.rag.pipeline import get_tutor

    corpus = home.parent / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "handbook.md").write_text(HANDBOOK)
    (corpus / "news.md").write_text(NEWS)
    assert ingest().added == 2
    return get_tutor()


def _reason(tutor: Any, question: str) -> str:
    from tutor.rag.assess import assess

    passages = tutor.retriever.search(question, k=5).passages
    return assess(question, passages, tutor.retriever.lexical()).reason


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("When did Release 6 come out?", "Release 6"),  # a release number the notes never give
        (
            "How do I rotate the frobnixd journal?",
            "frobnixd journal",
        ),  # a part of a named tool they never mention
        ("How do I step through my script with browser()?", "browser"),  # a function they only use as a word
    ],
)
def test_names_the_notes_never_write_are_unknown(
    tutor_home: Path, minilm: Any, question: str, term: str
) -> None:
    from tutor.rag.assess import unknown_terms

    assert term in unknown_terms(question, _handbook(tutor_home).retriever.lexical())


def test_the_same_kinds_of_names_the_notes_write_are_known(tutor_home: Path, minilm: Any) -> None:
    from tutor.rag.assess import unknown_terms

    lex = _handbook(tutor_home).retriever.lexical()
    for question in (
        "When did Release 5 come out?",
        "How do I rotate the frobnixd logs?",
        "What does tally() return?",
        "How do merge() and split() differ?",  # named as functions in prose: "the functions merge and split"
        "What did the build server lose in the fire?",
    ):
        assert unknown_terms(question, lex) == [], question


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        ("What default port does mirrorz listen on?", "no port"),
        ("Which Widget engine version did Release 5 ship with?", "no such version"),
        ("What caused the fire at the build server?", "no cause"),
    ],
)
def test_a_figure_or_cause_the_notes_never_give_is_refused(
    tutor_home: Path, minilm: Any, question: str, refused: str
) -> None:
    assert refused in _reason(_handbook(tutor_home), question)


def test_a_port_or_version_the_notes_give_is_not_refused(tutor_home: Path, minilm: Any) -> None:
    tutor = _handbook(tutor_home)
    for question in (
        "What default port does frobcache listen on?",
        "Which Widget engine version did Release 4 ship with?",
    ):
        reason = _reason(tutor, question)
        assert "no port" not in reason and "no such version" not in reason, question


def test_words_numbered_in_a_series_are_stand_ins_not_names(tutor_home: Path, minilm: Any) -> None:
    from tutor.rag.assess import unknown_terms

    lex = _handbook(tutor_home).retriever.lexical()
    assert unknown_terms("If I start job1, then job2 and then job3, in what order do they end?", lex) == []
    # One numbered word on its own is still a name the notes never give.
    assert unknown_terms("What does the frobjob2 tool do?", lex) == ["frobjob2"]


def _course(home: Path, files: dict[str, str]) -> Any:
    from tutor.documents import ingest
    from tutor.rag.pipeline import get_tutor

    corpus = home.parent / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (corpus / name).write_text(text)
    assert ingest().added == len(files)
    return get_tutor()


def test_the_release_after_the_last_one_the_notes_number_is_refused(tutor_home: Path, minilm: Any) -> None:
    tutor = _course(tutor_home, {"handbook.md": HANDBOOK, "news.md": NEWS})
    answer = tutor.ask("Which release came after Oak?", backend="extractive")
    assert not answer.answerable
    assert "nothing after it" in _reason(tutor, "Which release came after Oak?")
    # Release 4 (Maple) has a successor in the notes: Release 5.
    assert tutor.ask("Which release came after Maple?", backend="extractive").answerable


def test_the_next_release_named_in_words_is_an_answer(tutor_home: Path, minilm: Any) -> None:
    news = NEWS + "\nThe next stable release, still in testing, is currently codenamed Birch.\n"
    tutor = _course(tutor_home, {"handbook.md": HANDBOOK, "news.md": news})
    assert tutor.ask("Which release came after Oak?", backend="extractive").answerable


def test_a_thing_to_act_on_the_notes_never_mention_is_refused_by_name(tutor_home: Path, minilm: Any) -> None:
    tutor = _course(tutor_home, {"handbook.md": HANDBOOK, "news.md": NEWS})
    answer = tutor.ask("How do I set the random seed for frobnix?", backend="extractive")
    assert not answer.answerable and "'seed'" in answer.answer
    # The same shape of question about a thing the notes explain is answered.
    assert tutor.ask("How do I rotate the frobnixd logs?", backend="extractive").answerable


# A backup tool's manual, one short section a passage: the key pair is named once, in passing, in a list of files.
MANUAL = [
    "frobsync copies whole file systems to a backup server every night.",
    "The main configuration file is /etc/frobsync/master.conf; it lists the vaults to back up.",
    "A vault is a set of files backed up together, with its own expiry rule.",
    "Each vault keeps a daily image of its files, named after the date.",
    "Expired images are deleted before the new image is made.",
    "frobsync uses rsync to copy only the files that changed since the last image.",
    "Unchanged files are hard links to the previous image, so an image costs little space.",
    "When frobsync saves a remote machine, it connects to it over SSH as root and runs rsync there.",
    "Root must be able to connect to the remote machine without typing a password.",
    "The nightly run is started by cron at 22:00; change the time in /etc/cron.d/frobsync.",
    "Logs of each run are in /var/log/frobsync, one file a vault.",
    "To restore a file, copy it back from the image of the day you want.",
    "A whole machine is restored by copying its latest image back onto a fresh disk.",
    "The vault list can name a directory to leave out, such as /tmp or /var/cache.",
    "Each vault's expiry rule says how many daily, weekly and monthly images to keep.",
    "frobsync --init must be run once for each new vault before the first backup.",
    "The backup server should sit in another room than the machines it saves.",
    "Files that are open while frobsync runs are copied as they are at that moment.",
    "Setting up frobsync leaves three files: master.conf, the vault list and the key pair it was given.",
    "A vault can be checked for damaged images with frobsync --check.",
    "Desktop machines are not backed up; users keep their files on the file server.",
    "frobsync prints a summary of each run on its standard output for cron to mail.",
    "An image can be browsed like any directory, read-only.",
    "The backup disks use software RAID, so one failed disk loses nothing.",
]


def _manual() -> tuple[Any, list[Any]]:
    import numpy as np

    from ingest.models import StoredChunk
    from tutor.rag.retrieve import LexicalIndex

    chunks = [
        StoredChunk(id=f"m{i}", doc_id="manual", title="frobsync", heading="", text=t, start=0, end=len(t))
        for i, t in enumerate(MANUAL)
    ]
    return LexicalIndex(chunks, np.zeros((len(chunks), 3), dtype=np.float32)), chunks


def _passages(chunks: list[Any], indexes: list[int]) -> list[Any]:
    from tutor.schema import Passage

    return [
        Passage(
            **chunks[i].model_dump(include={"doc_id", "title", "heading", "text", "start", "end"}),
            rank=r + 1,
            score=1.0,
            dense=0.6,
            sentence=0.6,
        )
        for r, i in enumerate(indexes)
    ]


def test_a_thing_the_manual_names_only_in_passing_is_refused(minilm: Any) -> None:
    from tutor.rag.assess import assess

    lex, chunks = _manual()
    question = "How do I generate the SSH key pair that root needs so frobsync can connect?"
    # What retrieval brings: the sections on remote machines and SSH, none on making a key pair.
    verdict = assess(question, _passages(chunks, [7, 8, 0, 5, 1]), lex)
    assert not verdict.answerable and "only in passing" in verdict.reason
    # When a passage shown to the learner names the key pair, the question goes to the answer step.
    assert assess(question, _passages(chunks, [7, 8, 18, 5, 1]), lex).answerable


def test_a_thing_the_manual_names_often_is_not_refused_for_missing_from_the_passages(minilm: Any) -> None:
    from tutor.rag.assess import assess

    lex, chunks = _manual()
    # "image" is in more than 5% of the sections: the manual covers it, the passages are only a poor pick.
    verdict = assess("How do I check the latest image for damage?", _passages(chunks, [19, 0, 1, 9, 10]), lex)
    assert verdict.answerable, verdict.reason
