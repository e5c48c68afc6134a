"""Follow-up rewriting on the seed course's questions, with its profile's generic names ("AWS", "ML")."""

from pathlib import Path

import pytest

from ingest.models import ChunkRef
from tutor.course import load_profile
from tutor.rag.rewrite import is_follow_up, keep_rewrite
from tutor.rag.rewrite import rewrite as _rewrite

SEED_GENERIC = load_profile(Path(__file__).resolve().parents[2] / "corpus").generic_words()


def rewrite(question: str, history: list[str]) -> str:
    return _rewrite(question, history, SEED_GENERIC)


def test_without_a_profile_the_platform_word_counts_as_a_name() -> None:
    """No course profile: nothing is known to be generic, so "AWS ML" is taken as the earlier subject."""
    assert _rewrite("Does it cover MLOps?", ["What is AWS ML?"]) == "Does AWS ML cover MLOps?"


def test_standalone_question_is_left_alone() -> None:
    assert rewrite("What is Amazon Athena?", ["What is AWS Glue?"]) == "What is Amazon Athena?"


def test_no_history_no_rewrite() -> None:
    assert rewrite("Does it need servers?", []) == "Does it need servers?"


def test_pronoun_is_replaced_by_the_subject_of_the_previous_turn() -> None:
    assert rewrite("Do I need to provision and manage servers for it?", ["What is AWS Glue?"]) == (
        "Do I need to provision and manage servers for AWS Glue?"
    )


def test_possessive_pronoun() -> None:
    out = rewrite(
        "Which built-in algorithm generalizes its word embedding technique?", ["What does BlazingText do?"]
    )
    assert "BlazingText's word embedding" in out


def test_chained_follow_ups_resolve_in_order() -> None:
    out = rewrite("Which SQL standard does it support?", ["What is Amazon Athena used for?"])
    assert "Amazon Athena" in out


def test_connective_follow_up_gets_the_earlier_terms() -> None:
    out = rewrite(
        "So what's the minimum number of instances for production?",
        ["How do I make a SageMaker endpoint highly available?"],
    )
    assert "SageMaker" in out and "endpoint" in out


def test_follow_up_detection() -> None:
    assert is_follow_up("And which one is cheaper?")
    assert not is_follow_up("What does Amazon Kinesis Data Firehose do?")


def test_trailing_demonstrative_points_back() -> None:
    out = rewrite(
        "My dataset is only 1% positives. Is there a variant I should use for that?",
        ["How does k-fold cross-validation work?"],
    )
    assert "k-fold cross-validation" in out
    # "that" in the middle of a question is a relative word, not a reference to the last turn.
    assert (
        rewrite("What does the service that stores data do?", ["What is S3?"])
        == "What does the service that stores data do?"
    )


def test_a_reference_to_the_previous_action_gets_its_terms() -> None:
    out = rewrite(
        "Can I do that with Lambda instead?", ["How do I invoke a SageMaker endpoint from a web app?"]
    )
    assert "Lambda" in out and "SageMaker endpoint" in out
    # "instead of X" inside a standalone question is no reference back.
    assert rewrite("What does Firehose do instead of Kinesis Data Streams?", ["What is S3?"]).startswith(
        "What does Firehose do instead"
    )


def test_a_determiner_keeps_the_users_words_and_gets_the_earlier_terms() -> None:
    # "those reviewers" / "that one" point back through a noun: substituting the whole earlier question
    # into them gave "do the corrections <bank's loan model ... service> reviewers make ...".
    out = rewrite(
        "nice. and do the corrections those reviewers make get used to improve the model?",
        [
            "for a bank's loan model I want a person to sign off on predictions before they're final. which AWS service does that?"
        ],
    )
    assert out.startswith("Nice. and do the corrections those reviewers make get used to improve the model (")
    assert "bank loan model" in out and " s " not in out and " re " not in out
    out = rewrite(
        "and for scaling, what's that one compared to?",
        ["in the restaurant analogies, what is deploying a model compared to?"],
    )
    assert out == "For scaling, what's that one compared to (restaurant analogies deploying model compared)?"


def test_a_vague_earlier_subject_is_not_substituted() -> None:
    # "AWS ML" and a sentence-opening "My" name nothing: the pronoun stays and the earlier terms are added.
    out = rewrite(
        "does it also cover MLOps?", ["What layer of the AWS ML stack is meant for data scientists?"]
    )
    assert out == "Does it also cover MLOps (layer AWS ML stack meant data scientists)?"
    out = rewrite(
        "does it have to copy the data again?",
        ["My training data is in S3. Is anything faster than reading from S3?"],
    )
    assert "My" not in out.split("(")[0]


def test_chained_follow_ups_do_not_repeat_themselves() -> None:
    history = ["What layer of the AWS ML stack is for data scientists?", "and does it cover MLOps?"]
    out = rewrite("and does it cover MLOps?", history)
    # The name the follow-up already says is not what "it" stands for, and the earlier terms come once.
    assert out == "Does it cover MLOps (cover MLOps layer AWS ML stack data scientists)?"
    out = rewrite("and is it cheap?", [*history, "and does it cover MLOps?"])
    assert out.count("layer") == 1 and out.count("MLOps") <= 2


def test_that_as_determiner_after_a_preposition_or_opening_points_back() -> None:
    history = ["Which release first shipped the new installer?"]
    assert rewrite("Was that switch controversial?", history) == (
        "Was that switch controversial (release first shipped new installer)?"
    )
    assert rewrite("Who fixed bugs during that period?", history).endswith(
        "(release first shipped new installer)?"
    )
    # After a noun "that" is a relative word: the question stands on its own.
    assert rewrite("How do I keep a file that I edited?", history) == "How do I keep a file that I edited?"


def test_a_question_naming_what_its_pronoun_means_stands_on_its_own() -> None:
    """A learner asking unrelated questions in one chat: "it" after the question's own name is that name, so
    the previous question's terms are not appended to the search (found reading the app, issue 14)."""
    history = ["How did the manifesto plan to get the system to people without internet access?"]
    for question in (
        "How many packages did release 1.1 Buzz contain, and which kernel did it use?",
        "Sparc had been supported for ages, so why was it dropped in Jessie?",
        "When did Debian move its project hosting from Alioth to Salsa?",
    ):
        assert rewrite(question, history) == question
    # Still follow-ups: a short question, and a comparison whose object is the earlier topic.
    assert rewrite("Does Glue support it?", ["What is Amazon Athena?"]) != "Does Glue support it?"
    compare = "How does Kinesis Data Firehose compare with it for loading data into S3?"
    assert rewrite(compare, ["What is Amazon Kinesis Data Streams?"]) != compare


PREVIOUS = "When I create a factor without specifying levels, what order do the levels end up in?"


@pytest.mark.parametrize(
    "question",
    [
        # a sentence of its own first: the pointer refers to it, not to the previous question
        "I deleted the package binary by accident. How can I get it back?",
        "I'm passing code on the command line with -e. Is there a limit on how long those expressions can be?",
        "When I set up a grid of plots, the text comes out smaller. By how much is it shrunk?",
        "The max function gives me one number for two vectors. How do I get the element-wise maximum instead?",
        # "one" as a number before its noun
        "How does the reader know the types of a file with one text column and two numeric columns?",
        # the pronoun's noun phrase is in the question itself (issue 14, session 12)
        "How do I get its first three elements of a vector?",
        "Can I remove objects without typing them all?",
        "How do I make the system journal keep its logs across reboots?",
        "Who built the very first server, and who hosted it?",
        "How do I save a single object to disk and load it back later?",
        # an empty "it" points at nothing
        "Why is it a bad idea to code a category as 1, 2 and 3?",
        # session 13: a noun phrase without an article, an idiom, a "one" set against the question's own noun,
        # "instead" set against an earlier clause, a setup sentence typed in lowercase
        "Does grep only read named files, or can it read from a pipe?",
        "Where should I keep software I build from source so it does not clash with packaged files?",
        "Do uploaded packages move into the testing branch on their own?",
        "What priority does an installed version get versus one that is not installed?",
        "How do I stop both nested loops, not just the inner one?",
        "When should I use single brackets for tests, and when double brackets instead?",
        "my backup script fails every night with no message. how do I make it log the error?",
        # session 14 (seen in the app): an existential question's "them" stands for what it names
        "Is there a shortcut to select every other column of my table without typing them all?",
    ],
)
def test_a_question_that_says_what_it_is_about_is_not_a_follow_up(question: str) -> None:
    assert rewrite(question, [PREVIOUS]) == question


@pytest.mark.parametrize(
    "question",
    [
        "What happens if I don't specify one?",
        "Which ones keep the order?",
        "Could I do that with a list instead?",
        "Thanks. Does it also sort them?",
        # asks for something new for the earlier topic, which "it" still means
        "Is there a variant that lets me indent the body with tabs and still have it work?",
        "Is it possible to run it on a larger data set?",
        "Which function generalizes its idea to more than two groups?",  # the asked-for function owns nothing
        "Should I use a data frame instead?",
        "Is the older one any faster?",
        "How do I compare the new vectors with it?",
        "ok thanks. can it also sort them?",
        "Is there a way to sort them?",
    ],
)
def test_pointing_back_still_brings_the_earlier_question_along(question: str) -> None:
    assert rewrite(question, [PREVIOUS]) != question


def _passage(heading: str, text: str) -> ChunkRef:
    return ChunkRef(doc_id="d", title="Guide", heading=heading, text=text, start=0, end=len(text))


def test_a_rewrite_that_loses_the_questions_own_words_is_dropped() -> None:
    arrays = _passage("Arrays", "Bash supports only one-dimensional arrays.")
    cd = _passage("Builtins", "cd - changes to the previous working directory, $OLDPWD.")
    doc_freq = {"cd": 1, "array": 5, "bash": 40}
    assert not keep_rewrite(
        "What does cd - do?", own_best=cd, rewritten_best=arrays, doc_freq=doc_freq, n_chunks=50
    )


def test_a_rewrite_that_finds_the_questions_words_in_context_is_kept() -> None:
    glue = _passage("Glue", "AWS Glue is serverless: there are no servers to provision.")
    generic = _passage("Compute", "Provision servers with EC2 instances.")
    doc_freq = {"provis": 3, "server": 4}
    question = "Do I need to provision servers for it?"
    assert keep_rewrite(question, own_best=generic, rewritten_best=glue, doc_freq=doc_freq, n_chunks=50)
