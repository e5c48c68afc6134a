"""The items the chat serves pass the Quiz page's validity gate on every eval corpus (issue 16): at least 95% by
the independent checker (evals/quiz_validity.py), practice requests and check-yourself items together.

Runs ``python -m evals.chat_validity <corpus>`` (about 25 s a corpus on a busy 2-core machine) against the
corpora's eval indexes under TUTOR_HOME/evals, indexing a corpus first when this is the machine's first run
(the Debian packages come from ``make corpora``; the same index ``tutor eval --corpus all`` uses).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.corpora import EvalCorpus, load_corpora

ROOT = Path(__file__).resolve().parents[2]
HOME = Path(os.environ.get("TUTOR_HOME", ROOT / ".tutor"))
GATE = 0.95


@pytest.mark.slow
@pytest.mark.parametrize("corpus", list(load_corpora().values()), ids=lambda c: c.name)
def test_chat_items_are_valid_on_every_corpus(corpus: EvalCorpus) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "evals.chat_validity", corpus.name],
        capture_output=True,
        text=True,
        env={**os.environ, "TUTOR_HOME": str(HOME)},
        cwd=ROOT,
        timeout=600,
    )
    out = proc.stdout
    assert "\n{" in out, out + proc.stderr
    report = json.loads(out[out.index("\n{") :])[corpus.name]
    failures = [(f["question"], f["problems"]) for f in report["failures"]]
    assert report["practice_items"] + report["check_items"] > 0, report
    assert report["validity"] >= GATE, failures
