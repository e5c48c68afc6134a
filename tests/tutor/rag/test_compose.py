"""How long an answer may be: a question asking for several items gets room for them, a how-to question does not."""

import pytest

from tutor.rag.compose import ANSWER_SENTENCES, LIST_SENTENCES, asks_for_list, sentence_limit


@pytest.mark.parametrize(
    "question",
    [
        "How can I list the objects in my workspace?",  # "list" is the task, one thing to do
        "How do I compare two strings in a script?",
        "When I compare two groups with a t-test, is equal variance assumed?",
        "Which mailing list should I join?",  # one list, asked for by name
        "How do I step through my function line by line?",
        "Does the shell have separate integer and string variable types?",  # yes or no
        "When parsing options with getopts, what does the OPTARG variable contain?",
        "What happens if I leave out the 'in list' part of a for loop?",
        "What are pre-trained models compared to in the analogies section?",
    ],
)
def test_a_question_about_one_thing_gets_a_short_answer(question: str) -> None:
    assert not asks_for_list(question)
    assert sentence_limit(question) == ANSWER_SENTENCES


@pytest.mark.parametrize(
    "question",
    [
        "List the objects in my workspace.",
        "Can you list the steps to install a package?",
        "Name three ways to create a vector.",
        "What are the phases of the process model, in order?",
        "What are the three components that make up the toolkit?",
        "Which developer tools are given as examples?",
        "What kinds of source systems can it read data from?",
        "Apart from the built-in algorithms, what other options do I have?",
        "In a loosely coupled design, which services can pass messages between components?",
        "What's the difference between lapply() and sapply()?",
        "How does the cost of the dashboard service compare to traditional tools?",
    ],
)
def test_a_question_asking_for_several_items_gets_room_for_them(question: str) -> None:
    assert asks_for_list(question)
    assert sentence_limit(question) == LIST_SENTENCES
