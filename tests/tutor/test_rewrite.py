from tutor.rewrite import is_follow_up, rewrite


def test_standalone_question_is_left_alone() -> None:
    assert rewrite("What is Amazon Athena?", ["What is AWS Glue?"]) == "What is Amazon Athena?"


def test_no_history_no_rewrite() -> None:
    assert rewrite("Does it need servers?", []) == "Does it need servers?"


def test_pronoun_is_replaced_by_the_subject_of_the_previous_turn() -> None:
    assert rewrite("Do I need to provision and manage servers for it?", ["What is AWS Glue?"]) == (
        "Do I need to provision and manage servers for AWS Glue?"
    )


def test_possessive_pronoun() -> None:
    out = rewrite("Which built-in algorithm generalizes its word embedding technique?", ["What does BlazingText do?"])
    assert "BlazingText's word embedding" in out


def test_chained_follow_ups_resolve_in_order() -> None:
    out = rewrite("Which SQL standard does it support?", ["What is Amazon Athena used for?"])
    assert "Amazon Athena" in out


def test_connective_follow_up_gets_the_earlier_terms() -> None:
    out = rewrite("So what's the minimum number of instances for production?", ["How do I make a SageMaker endpoint highly available?"])
    assert "SageMaker" in out and "endpoint" in out


def test_follow_up_detection() -> None:
    assert is_follow_up("And which one is cheaper?")
    assert not is_follow_up("What does Amazon Kinesis Data Firehose do?")


def test_trailing_demonstrative_points_back() -> None:
    out = rewrite("My dataset is only 1% positives. Is there a variant I should use for that?", ["How does k-fold cross-validation work?"])
    assert "k-fold cross-validation" in out
    # "that" in the middle of a question is a relative word, not a reference to the last turn.
    assert rewrite("What does the service that stores data do?", ["What is S3?"]) == "What does the service that stores data do?"


def test_a_reference_to_the_previous_action_gets_its_terms() -> None:
    out = rewrite("Can I do that with Lambda instead?", ["How do I invoke a SageMaker endpoint from a web app?"])
    assert "Lambda" in out and "SageMaker endpoint" in out
    # "instead of X" inside a standalone question is no reference back.
    assert rewrite("What does Firehose do instead of Kinesis Data Streams?", ["What is S3?"]).startswith("What does Firehose do instead")
