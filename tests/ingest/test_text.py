"""The one sentence splitter: what a chunk boundary and an answer sentence are, in every course's text."""

from __future__ import annotations

from ingest.chunk import chunk_document
from ingest.models import Document
from ingest.text import split_sentences, without_opener, without_references


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_abbreviations_and_initials_do_not_end_a_sentence() -> None:
    text = "Plot it, e.g. with barplot(). See Fig. 3 for the output. The editor was J. Smith. Done."
    assert _sentences(text) == [
        "Plot it, e.g. with barplot().",
        "See Fig. 3 for the output.",
        "The editor was J. Smith.",
        "Done.",
    ]


def test_closing_quotes_and_ellipses_stay_with_their_sentence() -> None:
    assert _sentences('He wrote "Stop." Then he left… Later, (it rained.) Fine!') == [
        'He wrote "Stop."',
        "Then he left…",
        "Later, (it rained.)",
        "Fine!",
    ]


def test_soft_wrapped_lines_join_but_paragraphs_and_list_lines_split() -> None:
    text = "A sentence wrapped\nacross two lines.\n\nNew paragraph\n- first item\n- second item"
    assert _sentences(text) == [
        "A sentence wrapped\nacross two lines.",
        "New paragraph",
        "- first item",
        "- second item",
    ]


def test_chunks_end_where_the_splitter_ends_sentences() -> None:
    # A chunk boundary inside "e.g. R" would leave a cited passage starting mid-sentence.
    body = " ".join(
        f"Point {i} holds, e.g. Fig. {i} shows it, and the rest follows from it." for i in range(200)
    )
    doc = Document(
        doc_id="notes.md", source="notes.md", format="md", title="Notes", text="# Notes\n\n" + body
    )
    chunks = chunk_document(doc, max_tokens=120)
    assert len(chunks) > 3
    for chunk in chunks[:-1]:
        assert chunk.text.rstrip().endswith("follows from it."), chunk.text[-60:]


def test_a_sentence_read_on_its_own_loses_its_link_to_the_one_before() -> None:
    assert without_opener("Similarly, to count the elements of an array, use ${#a[@]}.") == (
        "To count the elements of an array, use ${#a[@]}."
    )
    assert without_opener("Otherwise the snapshot archive can help.") == "The snapshot archive can help."
    assert (
        without_opener("So if you need the old value, save it first.")
        == "If you need the old value, save it first."
    )
    # A command name keeps its case; a conjunction that ends the sentence stays.
    assert without_opener("Then, dpkg unpacks the archive.") == "dpkg unpacks the archive."
    assert without_opener("And so on.") == "And so on."
    assert without_opener("Sorting is stable.") == "Sorting is stable."


def test_an_aside_wrapped_onto_the_next_line_of_a_page_stays_in_its_sentence() -> None:
    text = "R can list and unpack both\n(see functions untar and unzip) and create both.\n> x <- c(1)\n(y)"
    assert _sentences(text) == [
        "R can list and unpack both\n(see functions untar and unzip) and create both.",
        "> x <- c(1)",
        "(y)",
    ]


def test_a_full_page_line_that_stops_mid_phrase_wraps_onto_a_capitalised_word() -> None:
    text = (
        "There are POSIX standards for how systems interpret filepaths and many R\n"
        "users assume POSIX compliance, but Windows does not claim to be compliant and other\n"
        "OSes may be less than completely compliant.\n"
        "14.3 Files and directories\n"
        "Mar 03 10:00:01 host systemd[1]: service exited, code=exited, status=255/n/a\n"
        "Mar 03 10:00:02 host systemd[1]: Failed."
    )
    assert _sentences(text) == [
        "There are POSIX standards for how systems interpret filepaths and many R\n"
        "users assume POSIX compliance, but Windows does not claim to be compliant and other\n"
        "OSes may be less than completely compliant.",
        "14.3 Files and directories",
        "Mar 03 10:00:01 host systemd[1]: service exited, code=exited, status=255/n/a",
        "Mar 03 10:00:02 host systemd[1]: Failed.",
    ]


def test_an_aside_pointing_at_another_part_of_the_text_is_dropped_one_saying_something_stays() -> None:
    answer = (
        "R can list and unpack both (see functions untar and unzip) and draw the plot below (Figure 2) "
        "(see sidebar TOOLS ar) when asked (or when the user asks, see Section 6)."
    )
    assert without_references(answer, named_kept=True) == (
        "R can list and unpack both (see functions untar and unzip) and draw the plot below "
        "when asked (or when the user asks, see Section 6)."
    )
    # A quiz stem keeps no pointer at all: every "see" aside and every aside naming a part goes.
    assert without_references(answer) == "R can list and unpack both and draw the plot below when asked."
