"""Cited answers through the real pipeline (real Chroma index, real embedder) with the extractive backend."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.clean import clean_document
from ingest.load import load_file
from tutor.errors import TutorError
from tutor.rag.generate import build_messages
from tutor.rag.ground import SentenceGrounder, ground
from tutor.rag.passages import label as passage_label
from tutor.rag.pipeline import Final, Retrieved, Token


def _ground(tutor, raw, passages, scorer):  # type: ignore[no-untyped-def]
    """The ground step as the pipeline calls it: (text, citations, unsupported)."""
    g = ground(raw, SentenceGrounder(passages, scorer, tutor.embedder.embed))
    return g.text, g.citations, g.unsupported


def _cleaned(home: Path, doc_id: str) -> str:
    return clean_document(load_file(home / "corpus" / doc_id)).text


def test_answer_cites_the_passage_that_says_it(tutor, corpus_home: Path) -> None:  # type: ignore[no-untyped-def]
    answer = tutor.ask(
        "Which file system speeds up training jobs by serving S3 data to SageMaker at high speed?",
        backend="extractive",
    )
    assert answer.answerable
    assert "FSx for Lustre" in answer.answer
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers and markers <= {c.n for c in answer.citations} <= {p.rank for p in answer.passages}
    for c in answer.citations:
        assert _cleaned(corpus_home, c.doc_id)[c.start : c.end] == c.text
        assert c.support and c.support in c.text


def test_exact_terms_and_acronyms_are_found(tutor) -> None:  # type: ignore[no-untyped-def]
    for question, needle in [
        ("What is the KPL?", "Kinesis Producer Library"),
        ("What is SSE-C?", "SSE-C"),
        ("Is InvokeEndpoint logged in CloudTrail?", "InvokeEndpoint"),
    ]:
        result = tutor.retriever.search(question, k=3)
        assert any(needle in p.text for p in result.passages), question


def test_document_filter(tutor) -> None:  # type: ignore[no-untyped-def]
    result = tutor.retriever.search("What is SageMaker?", k=5, doc_id="ml-services-key-concepts.txt")
    assert result.passages and {p.doc_id for p in result.passages} == {"ml-services-key-concepts.txt"}


def test_follow_up_is_rewritten_and_shown(tutor) -> None:  # type: ignore[no-untyped-def]
    answer = tutor.ask(
        "Do I need to provision servers for it?", history=["What is AWS Glue?"], backend="extractive"
    )
    assert "Glue" in answer.rewritten_query
    assert answer.answerable and "serverless" in answer.answer.lower()


@pytest.mark.parametrize(
    ("previous", "question", "needle"),
    [
        ("What is AWS Glue?", "What does dropout do?", "dropout"),
        (
            "What is Amazon Kinesis Data Firehose?",
            "What is one-hot encoding, not only the first one?",
            "one-hot",
        ),
    ],
)
def test_standalone_question_taken_for_a_follow_up_is_searched_as_written(  # type: ignore[no-untyped-def]
    tutor, previous: str, question: str, needle: str
) -> None:
    """Too short or pointing ("the first one") to look standalone, but the rewrite drifts to the previous topic:
    the question is searched as the learner wrote it and answered from its own passage."""
    answer = tutor.ask(question, history=[previous], backend="extractive")
    assert answer.rewritten_query == question
    assert answer.citations and needle in answer.citations[0].text.lower()


def test_unanswerable_question_is_refused_with_nearby_topics(tutor) -> None:  # type: ignore[no-untyped-def]
    answer = tutor.ask("How does Amazon Bedrock pricing work for on-demand inference?", backend="extractive")
    assert not answer.answerable
    assert answer.citations == []
    assert "does not cover" in answer.answer
    assert answer.suggestions


def test_off_topic_question_is_refused(tutor) -> None:  # type: ignore[no-untyped-def]
    assert not tutor.ask(
        "What's a good hydration ratio for sourdough bread?", backend="extractive"
    ).answerable


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("How many shards can one Kinesis stream have at most?", "no such figure"),
        ("What's the max size of a single SageMaker training job input file?", "no such size limit"),
        ("How long does Amazon S3 keep deleted objects around?", "no such duration"),
        (
            "How much would I save by running Glue jobs instead of my own Spark cluster?",
            "no figure for the saving",
        ),
        ("What's the passing score for the specialty exam?", "no such score"),
        ("What's the syntax for starting a SageMaker training job from the AWS CLI?", "no code or syntax"),
    ],
)
def test_a_figure_the_notes_never_give_is_refused(tutor, question: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    """The passages are about the right service, but none states the number asked for."""
    from tutor.rag.assess import assess

    result = tutor.retriever.search(question, k=5)
    assert reason in assess(question, result.passages, tutor.retriever.lexical()).reason
    assert not tutor.ask(question, backend="extractive").answerable


def test_a_figure_the_notes_give_is_answered(tutor) -> None:  # type: ignore[no-untyped-def]
    answer = tutor.ask("How big was the cloud computing market in 2020?", backend="extractive")
    assert answer.answerable and "billion" in answer.answer


def test_everyday_wording_is_not_refused(tutor) -> None:  # type: ignore[no-untyped-def]
    """Learners' words ("bother", "guessing") need not be in the notes for the notes to answer."""
    answer = tutor.ask(
        "Why bother tuning hyperparameters automatically instead of guessing?", backend="extractive"
    )
    assert answer.answerable and "automated hyperparameter tuning" in answer.answer


@pytest.mark.parametrize("bad", ["", "   \n\t ", "x" * 100_000])
def test_bad_questions_get_clear_errors(tutor, bad: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TutorError) as err:
        tutor.ask(bad, backend="extractive")
    assert "question" in str(err.value).lower()


def test_stream_yields_retrieval_then_tokens_then_final(tutor) -> None:  # type: ignore[no-untyped-def]
    events = list(tutor.ask_stream("What is Amazon Athena?", backend="extractive"))
    assert isinstance(events[0], Retrieved)
    assert any(isinstance(e, Token) for e in events)
    assert isinstance(events[-1], Final)
    assert "".join(e.text for e in events if isinstance(e, Token)).strip()


def test_answer_json_contract(tutor) -> None:  # type: ignore[no-untyped-def]
    data = tutor.ask("What is Amazon Polly?", backend="extractive").model_dump(mode="json")
    for key in (
        "question",
        "rewritten_query",
        "answer",
        "answerable",
        "backend",
        "citations",
        "passages",
        "timings_ms",
    ):
        assert key in data
    cite = data["citations"][0]
    assert set(cite) >= {"n", "doc_id", "title", "heading", "text", "start", "end", "score", "support"}
    assert set(data["passages"][0]) >= {"rank", "doc_id", "title", "heading", "text", "start", "end", "score"}


def test_polly_claim_is_not_supported_by_the_transcribe_sentence(tutor) -> None:  # type: ignore[no-untyped-def]
    passages = tutor.retriever.search("What does Amazon Polly do?", k=3).passages
    from tutor.rag.grounding import SUPPORT_THRESHOLD, SupportScorer

    scorer = SupportScorer(passages, tutor.embedder.embed)
    wrong = scorer.best(
        "Amazon Polly is a speech to text service used to convert audio files into text files."
    )
    right = scorer.best("Amazon Polly is a deep learning text to speech service.")
    assert right is not None and right.score >= SUPPORT_THRESHOLD
    assert wrong is None or wrong.score < SUPPORT_THRESHOLD or "Polly" in wrong.sentence.text


def test_unsupported_llm_sentences_are_dropped_and_markers_fixed(tutor) -> None:  # type: ignore[no-untyped-def]
    """The model's own markers are hints: a sentence no passage backs is dropped, a wrong marker is re-aimed."""
    passages = tutor.retriever.search("What is Amazon Athena?", k=5).passages
    from tutor.rag.grounding import SupportScorer

    scorer = SupportScorer(passages[:3], tutor.embedder.embed)
    raw = (
        "Athena is an interactive query service that runs SQL queries on S3 data [7]. "
        "It was invented in 1850 by Napoleon for baking bread [1]."
    )
    text, citations, unsupported = _ground(tutor, raw, passages, scorer)
    assert "Napoleon" not in text and any("Napoleon" in u for u in unsupported)
    assert "[7]" not in text
    assert citations and all(c.n in {p.rank for p in passages} for c in citations)


def test_a_method_name_the_notes_never_mention_is_refused(tutor) -> None:  # type: ignore[no-untyped-def]
    answer = tutor.ask("Which distance does the k-medoids algorithm use?", backend="extractive")
    assert not answer.answerable and "k-medoids" in answer.answer
    assert tutor.ask("What is k-fold cross-validation?", backend="extractive").answerable
    # An everyday compound is no method name.
    assert tutor.ask(
        "My shop has a t-shirt colour column: how do I encode a category without order?", backend="extractive"
    ).answerable


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("What does SageMaker Debugger do?", "SageMaker Debugger"),  # a name right before the question mark
        (
            "How does SageMaker's isolation forest algorithm score anomalies?",
            "isolation forest",
        ),  # lowercase, an owner and a kind
    ],
)
def test_a_name_the_notes_never_mention_is_refused(tutor, question: str, term: str) -> None:  # type: ignore[no-untyped-def]
    answer = tutor.ask(question, backend="extractive")
    assert not answer.answerable and term in answer.answer


def test_everyday_words_before_service_or_tool_are_no_names(tutor) -> None:  # type: ignore[no-untyped-def]
    from tutor.rag.assess import unknown_terms

    for question in (
        "What's the cheapest service to keep training data in?",
        "any decent labelling tool on aws?",
        "what's the go-to service for speech?",
    ):
        assert unknown_terms(question, tutor.retriever.lexical()) == [], question


def test_a_feature_the_notes_name_in_a_list_is_not_refused(tutor) -> None:  # type: ignore[no-untyped-def]
    """The notes list "Autopilot" among SageMaker's features but never write "SageMaker Autopilot"."""
    assert tutor.ask(
        "Is SageMaker Autopilot, the AutoML feature, worth learning?", backend="extractive"
    ).answerable


def test_a_time_limit_the_notes_never_give_is_refused(tutor) -> None:  # type: ignore[no-untyped-def]
    answer = tutor.ask("What's the maximum run time for a Glue job?", backend="extractive")
    assert not answer.answerable


def test_a_copied_topic_label_is_not_part_of_the_answer(tutor) -> None:  # type: ignore[no-untyped-def]
    """Small models copy the "(topic)" the prompt shows a passage under; the answer keeps only the sentence."""
    from tutor.rag.grounding import SupportScorer

    passages = tutor.retriever.search("What is Amazon Athena?", k=5).passages
    scorer = SupportScorer(passages[:3], tutor.embedder.embed)
    label = passage_label(passages[0])
    text, citations, _ = _ground(
        tutor,
        f"({label}) Athena is an interactive query service that runs SQL queries on S3 data [1].",
        passages,
        scorer,
    )
    assert citations and text.startswith("Athena is an interactive query service")


def test_a_title_line_is_not_run_into_its_sentence(tutor) -> None:  # type: ignore[no-untyped-def]
    """The notes put "Model Deployment" on a line above "Model Deployment makes trained models ...": the prompt's
    excerpt must not join them into "Model Deployment Model Deployment makes", and a model answer that does so
    anyway is shown once."""
    from tutor.rag.grounding import SupportScorer

    query = "What does model deployment make available?"
    result = tutor.retriever.search(query, k=5)
    passages = result.passages
    assert any("Model Deployment makes trained models" in p.text for p in passages[:3])
    scorer = SupportScorer(passages[:3], tutor.embedder.embed)
    prompt_text = "\n".join(
        str(m.content) for m in build_messages(query, passages, scorer, result.query_vector)
    )
    assert "Model Deployment Model Deployment" not in prompt_text
    n = next(p.rank for p in passages[:3] if "Model Deployment makes trained models" in p.text)
    text, citations, _ = _ground(
        tutor,
        f"Model Deployment Model Deployment makes trained models available for use in applications [{n}].",
        passages,
        scorer,
    )
    assert citations and text.startswith("Model Deployment makes trained models")


def test_a_model_answer_is_a_lead_and_at_most_two_on_topic_sentences(tutor) -> None:  # type: ignore[no-untyped-def]
    """Issue 15: the lead answers, support stays on the question's topic, nothing is said twice, and the
    answer stops at three sentences."""
    from tutor.rag.grounding import SupportScorer

    query = "What is Amazon Athena?"
    passages = tutor.retriever.search(query, k=5).passages
    common = tutor.retriever.lexical().common_words()
    scorer = SupportScorer(passages[:3], tutor.embedder.embed, common=common)
    raw = (
        "Athena is an interactive query service that runs SQL queries on S3 data [3]. "
        "The choice of ETL processing tool is largely dictated by the type of data you have [1]. "
        "Athena is an interactive query service that runs interactive SQL queries on S3 data [3]. "
        "Athena is schema-on-read [3]. Athena supports ANSI SQL operators and functions [3]. "
        "Athena is serverless [3]."
    )
    g = ground(raw, SentenceGrounder(passages, scorer, tutor.embedder.embed, query=query, limit=3))
    sentences = [s for s in g.text.split("] ") if s]
    assert g.text.startswith("Athena is an interactive query service that runs SQL queries on S3 data. [")
    assert "ETL processing tool" not in g.text  # backed by the notes, but not about Athena
    assert g.text.count("interactive query service") == 1  # the restated lead is dropped
    assert len(sentences) == 3 and "schema-on-read" in g.text


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("How do I wrap my training script in tryCatch()?", "tryCatch"),  # lower camelCase
        ("What does lapply() return for a list of models?", "lapply"),  # a function called in code
        (
            "How do I create a scratch file for the training job with mktemp?",
            "mktemp",
        ),  # a word used as a tool
        (
            "Does my training script stop at the first error with set -e?",
            "set -e",
        ),  # a command and its option
        ("Can I chain the preprocessing steps with the |> operator?", "|>"),  # an operator
    ],
)
def test_code_the_notes_never_write_is_an_unknown_name(tutor, question: str, term: str) -> None:  # type: ignore[no-untyped-def]
    from tutor.rag.assess import unknown_terms

    assert term in unknown_terms(question, tutor.retriever.lexical())


def test_learners_coinages_are_no_code_names(tutor) -> None:  # type: ignore[no-untyped-def]
    """Words general English has ("tweak" is not in it, but is used as a verb, not with "with") stay words."""
    from tutor.rag.assess import unknown_terms

    for question in (
        "I ran it a few times with different algos and params, which one wins?",
        "can I tweak those with a small Lambda function?",
        "Should I go with Athena or Redshift for ad hoc SQL?",
        "Athena -- or Redshift -> which one for ad hoc SQL? thanks :-)",  # prose dashes, arrows, smileys
    ):
        assert unknown_terms(question, tutor.retriever.lexical()) == [], question
