"""Sentence vectors stored with the index: a new process answers without embedding passage sentences, and a
removed document's sentences reach neither the store nor answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from ingest.store import sentence_texts

ATHENA = """# Querying data in place

Amazon Athena is a serverless query service that runs standard SQL directly on files stored in S3. You pay
for the data each query scans, so compressed columnar formats such as Parquet make queries cheaper. Athena
reads table definitions from the Glue Data Catalog.
"""
POLLY = """# Speech synthesis

Amazon Polly turns written text into lifelike speech in dozens of voices. Speech marks tell an application
which word is being spoken, so captions can highlight words as they are read aloud. Lexicons teach Polly how
to pronounce unusual names.
"""
ATHENA_Q = "Which service runs SQL directly on files in S3?"
POLLY_Q = "Which service turns written text into lifelike speech?"

# What a fresh process does: search and answer one question, reporting every text it embedded.
CHILD = textwrap.dedent(
    """
    import json, sys
    from tutor.rag.pipeline import get_tutor
    from tutor.store import get_embedder

    embedder = get_embedder()
    embedded = []
    original = embedder.embed
    embedder.embed = lambda texts: (embedded.extend(texts), original(texts))[1]
    tutor = get_tutor()
    result = tutor.retriever.search(sys.argv[1], k=3)
    answer = tutor.ask(sys.argv[1], backend="extractive")
    print(json.dumps({
        "embedded": embedded,
        "passages": [p.text for p in result.passages],
        "top": result.passages[0].doc_id,
        "cited": [c.doc_id for c in answer.citations],
    }))
    """
)


def _ingest_two(tutor_home: Path) -> None:
    from tutor.documents import ingest

    corpus = tutor_home.parent / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "athena.md").write_text(ATHENA)
    (corpus / "polly.md").write_text(POLLY)
    report = ingest()
    assert report.added == 2 and not report.errors


def _fresh_process(home: Path, question: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUTOR_", "CHROMA_"))}
    env.update(
        TUTOR_HOME=str(home), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False"
    )
    done = subprocess.run(
        [sys.executable, "-c", CHILD, question],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_new_process_reads_passage_sentence_vectors_instead_of_embedding_them(
    tutor_home: Path, minilm: Any
) -> None:
    _ingest_two(tutor_home)
    child = _fresh_process(tutor_home, ATHENA_Q)
    assert child["top"] == "athena.md"
    passage_sentences = {s for text in child["passages"] for s in sentence_texts(text)}
    assert passage_sentences
    assert not set(child["embedded"]) & passage_sentences  # only the question (and answer claims) embedded


def test_a_removed_documents_sentences_leave_the_store_and_the_answers(tutor_home: Path, minilm: Any) -> None:
    from tutor.documents import delete_document
    from tutor.rag.pipeline import get_tutor
    from tutor.store import get_store

    _ingest_two(tutor_home)
    store = get_store()
    assert store.sentences is not None
    polly = [s for c in store.all_chunks() if c.doc_id == "polly.md" for s in sentence_texts(c.text)]
    assert set(store.sentences.get(polly)) == set(polly)
    assert get_tutor().ask(POLLY_Q, backend="extractive").citations[0].doc_id == "polly.md"

    assert delete_document("polly.md")
    assert not store.sentences.get(polly)
    answer = get_tutor().ask(POLLY_Q, backend="extractive")
    assert all(c.doc_id != "polly.md" for c in answer.citations)
    assert "lifelike speech" not in answer.answer
