"""Pieces of a sentence the splitter cut out of a longer one are no answer sentences."""

import pytest

from tutor.rag.grounding import starts_mid_sentence


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("org/wiki/Xz and https://tukaani.org/xz/):", None),  # the tail of a wrapped link
        ("(alternatively, ls()) can be used to display the names of the objects.", None),
        ("Special Characters) In combination with the > operator, truncates a file.", None),
        ("which shows no evidence of a significant difference, and so we can use the t-test.", "0.5837405"),
        ("and vectors can be extended (by missing values) in the same way.", None),
        ("gives in statefr a table of frequencies of each state in the sample.", "> tapply(statef, statef)"),
    ],
)
def test_a_piece_of_a_longer_sentence_is_recognised(text: str, previous: str | None) -> None:
    assert starts_mid_sentence(text, previous)


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("The operator %*% is used for matrix multiplication.", None),
        ("dpkg is the program that handles .deb files.", "It is the base of the packaging system."),
        ("ls() lists the objects in the workspace.", None),  # code starts lowercase by nature
        ("echo $? # Non-zero exit status returned.", "ls /nonexistent"),
        ("a) the first item of an enumerated list", None),
        ("(Optional) Set the region before you start.", None),
    ],
)
def test_a_whole_sentence_is_kept(text: str, previous: str | None) -> None:
    assert not starts_mid_sentence(text, previous)
