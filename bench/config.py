"""What the benchmarks measure on: corpora, queries, repetitions, time limits and targets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STUDY_CORPUS = REPO / "corpus"
DOCS_PACKAGE = "python3.11-doc"
DOCS_ROOT = Path("/usr/share/doc/python3.11/html")
SUBSET_LIST = Path(__file__).resolve().parent / "python_docs_subset.txt"
REPORT = REPO / "docs" / "BENCHMARKS.md"
OUT_DIR = REPO / "bench" / "out"
EVAL_DATASET = REPO / "evals" / "datasets" / "mls_c01" / "mls_c01.jsonl"

# The file the "one file changed" benchmark edits (in the bench's private copy of the corpus).
CHANGED_FILE = "library/bisect.html"
MIN_LARGE_CHUNKS = 10_000

# Retrieval latency at the large size: questions a learner of the Python docs would ask.
DOCS_QUERIES: tuple[str, ...] = (
    "How do I read a file line by line?",
    "What does functools.lru_cache do?",
    "How can I sort a list of dictionaries by a key?",
    "What is the difference between a list and a tuple?",
    "How do I create a virtual environment?",
    "How do I parse command line arguments with argparse?",
    "What is a context manager and how does the with statement work?",
    "How do I run a subprocess and capture its output?",
    "How do generators differ from lists?",
    "What does the global interpreter lock do?",
    "How do I format a date as a string?",
    "How do I use regular expressions to find all matches?",
    "What are dataclasses used for?",
    "How does asyncio run coroutines concurrently?",
    "How do I serialize an object to JSON?",
    "What is the method resolution order?",
    "How are exceptions chained with raise from?",
    "What does the walrus operator do?",
    "How do I compute a SHA-256 hash of a file?",
    "How do I make a temporary directory?",
    "What is a descriptor?",
    "How can I profile a Python program?",
    "How do I copy a directory tree?",
    "What does __slots__ do?",
    "How do I send an HTTP request with urllib?",
    "How do decorators work?",
    "How do I count items with a Counter?",
    "What is the difference between is and ==?",
    "How does pickle handle custom classes?",
    "How do I use a thread pool executor?",
    "What is structural pattern matching?",
    "How do I log messages to a file?",
    "How are default argument values evaluated?",
    "What does the nonlocal statement do?",
    "How do I work with paths using pathlib?",
    "How do I write unit tests with unittest?",
    "How can I measure execution time with timeit?",
    "What is an abstract base class?",
    "How do I read a CSV file?",
    "What encodings does the codecs module support?",
)


@dataclass(frozen=True)
class Plan:
    """How much of each benchmark to run; ``--quick`` shrinks everything to a smoke run."""

    small_ingest_reps: int = 3
    large_ingest_reps: int = 1
    reingest_reps: int = 3
    retrieval_queries: int = 200
    answer_questions: int = 10
    answer_backends: tuple[str, ...] = ("extractive", "local", "local-large")
    quiz_items: int = 10
    quiz_backends: tuple[str, ...] = ("extractive", "local")
    large_files: int | None = None  # None: the whole subset
    child_timeout_s: float = 1500.0
    answer_budget_s: float = 240.0
    quiz_budget_s: float = 120.0


FULL = Plan()
QUICK = Plan(
    small_ingest_reps=1,
    large_ingest_reps=1,
    reingest_reps=1,
    retrieval_queries=40,
    answer_questions=2,
    answer_backends=("extractive", "local"),
    quiz_items=3,
    quiz_backends=("extractive",),
    large_files=40,
    child_timeout_s=600.0,
    answer_budget_s=120.0,
    quiz_budget_s=60.0,
)

# Targets from issue 7 (2-core machine, medians).
TARGET_INGEST_SPEEDUP = 1.5
TARGET_NOCHANGE_RATIO = 0.02
TARGET_FUSED_P95_MS = 100.0
TARGET_LOCAL_TTFT_S = 3.0
TARGET_LOCAL_TOTAL_S = 6.0


def subset_files() -> list[str]:
    """The fixed large-corpus file list (relative to DOCS_ROOT)."""
    lines = SUBSET_LIST.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]
