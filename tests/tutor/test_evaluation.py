from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.corpora import EvalCorpus, load_corpora
from evals.harness import (
    DEFAULT_DATASET,
    EvalCase,
    GoldQuote,
    first_hit_rank,
    gate,
    keyword_pass,
    load_dataset,
    quote_in,
)
from ingest.clean import clean_document
from ingest.load import load_file
from tutor.errors import TutorError

ROOT = Path(__file__).resolve().parents[2]
# The tuned regression set, and the held-out set written later by someone who had not seen it (never tuned on).
FULL_DATASETS = [DEFAULT_DATASET, ROOT / "evals" / "datasets" / "mls_c01" / "heldout.jsonl"]
# fresh, blind, blind2 and blind3: 45-50 questions each, written blind to the system, smaller checks.
DATASETS = [
    *FULL_DATASETS,
    *(
        ROOT / "evals" / "datasets" / "mls_c01" / f"{name}.jsonl"
        for name in ("fresh", "blind", "blind2", "blind3")
    ),
]


@pytest.mark.parametrize("dataset", FULL_DATASETS, ids=lambda p: p.name)
def test_dataset_shape(dataset: Path) -> None:
    cases = load_dataset(dataset)
    assert len(cases) >= 60
    assert len({c.id for c in cases}) == len(cases)
    assert sum(1 for c in cases if not c.answerable) >= 10
    assert sum(1 for c in cases if c.history) >= 10
    docs = {g.doc for c in cases for g in c.gold}
    assert {p.name for p in (ROOT / "corpus").iterdir() if p.suffix != ".toml"} <= docs


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda p: p.name)
def test_every_gold_quote_is_in_the_cleaned_corpus(dataset: Path) -> None:
    cleaned = {
        p.name: clean_document(load_file(p)).text for p in (ROOT / "corpus").iterdir() if p.suffix != ".toml"
    }
    everything = "\n".join(cleaned.values())
    missing = [
        (c.id, g.quote) for c in load_dataset(dataset) for g in c.gold if not quote_in(everything, g.quote)
    ]
    assert missing == []


def test_quote_matching_rules() -> None:
    assert quote_in("Amazon   FSx for\nLustre speeds up", "amazon fsx for lustre")
    long_quote = "x" * 30 + " a long quote that a chunk border cut in the middle of its text " + "y" * 30
    assert quote_in("prefix " + long_quote[:80], long_quote)
    assert not quote_in("unrelated text", "FSx for Lustre")
    assert first_hit_rank(["no", "FSx for Lustre here"], [GoldQuote(quote="FSx for Lustre")]) == 2


def test_keyword_groups() -> None:
    assert keyword_pass("Use Amazon FSx for Lustre with S3", [["FSx"], ["S3", "Simple Storage"]])
    assert not keyword_pass("Use EFS", [["FSx"], ["S3"]])


def test_bad_dataset_line_is_reported_with_its_number(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    good = EvalCase(id="a", question="q", answerable=True).model_dump_json()
    bad.write_text(good + "\n{not json\n")
    with pytest.raises(TutorError, match="line 2"):
        load_dataset(bad)


def test_gate_names_the_metric_that_regressed() -> None:
    baseline = {
        "tolerance": 0.03,
        "floors": {"extractive": {"hit@3": 0.95}},
        "metrics": {"extractive": {"hit@1": 0.86}},
    }
    failures = gate({"hit@1": 0.70, "hit@3": 0.80, "false_refusal_rate": 0.0}, "extractive", baseline)
    assert any("hit@3" in f and "floor" in f for f in failures)
    assert any("hit@1" in f and "baseline" in f for f in failures)
    assert gate({"hit@1": 0.86, "hit@3": 0.97, "false_refusal_rate": 0.0}, "extractive", baseline) == []


@pytest.mark.slow
def test_a_broken_retriever_fails_the_gate(corpus_home: Path) -> None:
    """k=1 starves the answer of passages: the gate must fail and say which metric fell."""
    env = {**os.environ, "TUTOR_HOME": str(corpus_home), "TUTOR_CORPUS": str(corpus_home / "corpus")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tutor",
            "eval",
            "--backend",
            "extractive",
            "--k",
            "1",
            "--gate",
            "--subset",
            "every:3",
            "--no-quickstart",
            "--quiz-sample",
            "0",
            "--out",
            str(corpus_home / "broken-eval"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=900,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "EVAL GATE FAILED" in proc.stderr and "hit@3" in proc.stderr
    report = (corpus_home / "broken-eval" / "report.md").read_text()
    assert "FAIL: hit@3" in report


NEW_CORPORA = [c for c in load_corpora().values() if c.package]


@pytest.mark.parametrize("corpus", NEW_CORPORA, ids=lambda c: c.name)
def test_each_eval_corpus_has_a_blind_set_whose_quotes_are_in_its_cleaned_text(corpus: EvalCorpus) -> None:
    root = Path(corpus.root or "")
    if not all((root / f).is_file() for f in corpus.files):
        pytest.skip(f"Debian package {corpus.package} not installed (`make corpora`)")
    cleaned = "\n".join(clean_document(load_file(root / f)).text for f in corpus.files)
    for which in ("gate", "unseen"):
        cases = load_dataset(corpus.dataset(which))
        assert len({c.id for c in cases}) == len(cases)
        if which == "gate":
            assert len(cases) >= 40
            assert sum(1 for c in cases if not c.answerable) >= 8
            assert sum(1 for c in cases if c.history) >= 5
        missing = [(c.id, g.quote) for c in cases for g in c.gold if not quote_in(cleaned, g.quote)]
        assert missing == [], f"{corpus.name}/{which}: quotes not in the cleaned text"


def test_what_the_learner_reads_is_measured() -> None:
    """Issue 15's metrics: the first sentence answers; two sentences saying the same thing count as a repeat."""
    from evals.harness import lead_keyword_ok, repeats_itself

    twice = "Athena is an interactive query service for S3 data [1]. Athena is an interactive query service that queries S3 data [2]."
    assert repeats_itself(twice)
    assert not repeats_itself("Athena queries S3 with SQL [1]. Glue is a serverless ETL service [2].")
    assert lead_keyword_ok("Athena queries S3 [1]. It is serverless.", [["S3"]])
    assert not lead_keyword_ok("Athena is serverless [1]. It queries S3.", [["S3"]])


def test_a_sentence_about_something_else_counts_as_off_topic() -> None:
    from evals.harness import EvalCase, GoldQuote, off_topic_sentences

    case = EvalCase(
        id="x",
        question="What does the apply family of functions do?",
        answerable=True,
        gold=[GoldQuote(quote="lapply() applies a function over a list")],
        expect=[["lapply"]],
    )
    on = "The apply family runs a function over each element [1]. lapply() returns a list [1]."
    off = on + " Graphics devices are opened with x11() or pdf() [2]."
    assert off_topic_sentences(case, on) == []
    assert off_topic_sentences(case, off) == ["Graphics devices are opened with x11() or pdf()."]


def test_the_multi_corpus_gate_fails_on_longer_repetitive_or_stray_answers() -> None:
    from evals.corpora import EvalCorpus
    from evals.multi import CorpusRun, gate_corpora

    ref = {"lead_keyword_pass": 0.5, "repetition_rate": 0.0, "off_topic_rate": 0.1, "answer_words_p50": 60.0}
    worse = {
        "lead_keyword_pass": 0.4,
        "repetition_rate": 0.1,
        "off_topic_rate": 0.2,
        "answer_words_p50": 70.0,
    }
    corpus = EvalCorpus(name="notes", title="Notes", genre="notes", gate="gate.jsonl", unseen="unseen.jsonl")
    run = CorpusRun(corpus, Path("x.jsonl"), worse, [], None)
    failures = gate_corpora([run], "extractive", {"notes": {"extractive": ref}}, {})
    assert len(failures) == 4 and all(any(m in f for f in failures) for m in ref)
    near = {
        "lead_keyword_pass": 0.49,
        "repetition_rate": 0.01,
        "off_topic_rate": 0.11,
        "answer_words_p50": 64.0,
    }
    assert (
        gate_corpora(
            [CorpusRun(corpus, Path("x.jsonl"), near, [], None)],
            "extractive",
            {"notes": {"extractive": ref}},
            {},
        )
        == []
    )
