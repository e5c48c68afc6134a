"""Benchmark tasks, each run in its own process by ``bench.child``: ``python -m bench.worker TASK ARGS_JSON``.

Every task prints one JSON object as its last stdout line. Timings are taken inside the process around
the work itself (interpreter start-up and imports excluded; model loading included where the real
command would pay it).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ingest.embed import LocalSentenceEmbedder

Task = Callable[[dict[str, Any]], dict[str, Any]]


class CountingEmbedder(LocalSentenceEmbedder):
    """Our embedder, counting what it is asked to embed (to prove what a re-ingest re-embedded)."""

    texts_embedded = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        CountingEmbedder.texts_embedded += len(texts)
        return super().embed(texts)


def rss_mb() -> dict[str, float]:
    current = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            current = int(line.split()[1]) / 1024
    return {
        "rss_mb": round(current, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _store(chroma: str) -> Any:
    """Our store as `tutor ingest` builds it: the chunk collection plus its sentence vectors (in the same folder)."""
    from ingest.store import SENTENCE_DB, ChunkStore, SentenceVectorStore, make_client

    embedder = CountingEmbedder()
    sentences = SentenceVectorStore(Path(chroma) / SENTENCE_DB, embedder.model_id, embedder.dimension)
    return ChunkStore(make_client(Path(chroma)), embedder, sentences=sentences)


def _embedded(store: Any) -> dict[str, int]:
    """Texts embedded in this process so far: chunks, and sentences (whose vectors went to the sentence store)."""
    sentences = int(store.sentences.written)
    return {"embedded": CountingEmbedder.texts_embedded - sentences, "sentences_embedded": sentences}


def ingest_ours(args: dict[str, Any]) -> dict[str, Any]:
    from ingest.pipeline import ingest_paths

    store = _store(args["chroma"])
    t0 = time.perf_counter()
    report = ingest_paths([Path(args["corpus"])], store)
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "chunks": report.chunks,
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "removed": report.removed,
        "errors": len(report.errors),
        **_embedded(store),
        "sentence_vectors": store.sentences.count(),
        **rss_mb(),
    }


def ingest_quickstart(args: dict[str, Any]) -> dict[str, Any]:
    from evals.quickstart import build_quickstart

    t0 = time.perf_counter()
    index = build_quickstart([Path(args["corpus"])], Path(args["chroma"]))
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "chunks": index.chunks,
        "documents": index.documents,
        "text_chars": index.text_chars,
        **rss_mb(),
    }


def _edit(path: Path, marker: str) -> None:
    """A real content change: one more paragraph in the page body."""
    html = path.read_text(encoding="utf-8")
    para = f"<p>Benchmark note {marker}: bisect keeps a list sorted without sorting it again after each insert.</p>"
    cut = html.rfind("</body>")
    path.write_text(html[:cut] + para + html[cut:] if cut >= 0 else html + para, encoding="utf-8")


def reingest(args: dict[str, Any]) -> dict[str, Any]:
    """Re-ingest an existing index: with nothing changed, or after editing ``changed`` (a corpus path)."""
    from ingest.pipeline import ingest_paths

    corpus = Path(args["corpus"])
    store = _store(args["chroma"])
    changed = args.get("changed")
    if changed:
        _edit(corpus / changed, str(args.get("marker", time.time_ns())))
    t0 = time.perf_counter()
    report = ingest_paths([corpus], store)
    seconds = time.perf_counter() - t0
    out: dict[str, Any] = {
        "seconds": seconds,
        "chunks": report.chunks,
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "removed": report.removed,
        **_embedded(store),
    }
    chunks_embedded = out["embedded"]
    if changed:
        state = store.manifest()[changed]
        out["changed_doc_chunks"] = state.chunk_count
        out["changed_doc_versions"] = len(state.versions)
        out["only_changed_reembedded"] = bool(
            report.updated == 1
            and report.added == 0
            and report.removed == 0
            and chunks_embedded == state.chunk_count
            and len(state.versions) == 1
        )
    else:
        out["nothing_reembedded"] = (
            CountingEmbedder.texts_embedded == 0 and report.updated == 0 and report.added == 0
        )
    return out


def retrieval(args: dict[str, Any]) -> dict[str, Any]:
    from tutor.rag.retrieve import Retriever

    store = _store(args["chroma"])
    retriever = Retriever(store, store.embedder)
    t0 = time.perf_counter()
    retriever.lexical()
    build_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    retriever.embed_query("warm up the embedding model")
    model_ms = (time.perf_counter() - t0) * 1000
    queries: list[str] = args["queries"]
    rows: list[dict[str, float]] = []
    deadline = time.perf_counter() + float(args.get("budget_s", 120))
    for i in range(int(args["n"])):
        t0 = time.perf_counter()
        result = retriever.search(queries[i % len(queries)], k=5)
        total = (time.perf_counter() - t0) * 1000
        rows.append({**{k: float(v) for k, v in result.timings_ms.items()}, "total": total})
        if time.perf_counter() > deadline:
            break
    return {
        "chunks": store.count(),
        "build_ms": build_ms,
        "model_load_ms": model_ms,
        "rows": rows,
        "sentence_vectors_stored": store.sentences.count(),
        # texts embedded while searching besides the queries: sentences the store lacked
        "sentences_embedded_while_searching": CountingEmbedder.texts_embedded - len(rows) - 1,
    }


def answers(args: dict[str, Any]) -> dict[str, Any]:
    """Time to first token and total per question for one backend, on the index in TUTOR_HOME."""
    try:
        from tutor.rag.pipeline import Final, Token, ask_stream
    except ImportError as exc:
        return {"error": f"not measured yet: tutor.rag.pipeline is not importable ({exc})"}
    rows: list[dict[str, Any]] = []
    memory: dict[str, float] = {}
    deadline = time.perf_counter() + float(args.get("budget_s", 120))
    for question in args["questions"]:
        t0 = time.perf_counter()
        first: float | None = None
        final = None
        for event in ask_stream(question, backend=args["backend"]):
            if isinstance(event, Token) and first is None:
                first = time.perf_counter() - t0
            elif isinstance(event, Final):
                final = event.answer
        total = time.perf_counter() - t0
        rows.append(
            {
                "question": question,
                "ttft_s": first if first is not None else total,
                "total_s": total,
                "answerable": bool(final and final.answerable),
                "citations": len(final.citations) if final else 0,
                "timings_ms": dict(final.timings_ms) if final else {},
            }
        )
        if not memory:
            memory = rss_mb()
        if time.perf_counter() > deadline:
            break
    return {"backend": args["backend"], "rows": rows, "after_first_answer": memory, **rss_mb()}


def ingest_home(args: dict[str, Any]) -> dict[str, Any]:
    """Index a corpus into TUTOR_HOME the way `tutor ingest` does (for the answer and quiz benchmarks)."""
    from tutor.documents import ingest

    report = ingest([Path(args["corpus"])])
    return {"chunks": report.chunks, "seconds": report.seconds}


def app_memory(args: dict[str, Any]) -> dict[str, Any]:
    from bench.app_memory import measure

    return measure(args["backend"], args["question"], Path(args["log"]), float(args.get("timeout_s", 240)))


def _quiz_function() -> tuple[Callable[..., dict[str, Any]], str]:
    """bench/quiz_validity.py's function when the quiz helper has provided it, else the quiz package's own."""
    try:
        from bench import quiz_validity

        for name in ("measure", "quiz_validity_sample", "run"):
            fn = getattr(quiz_validity, name, None)
            if callable(fn):
                return fn, f"bench.quiz_validity.{name}"
    except ImportError:
        pass
    from evals.quiz_validity import quiz_validity_sample

    return quiz_validity_sample, "evals.quiz_validity.quiz_validity_sample"


def quiz(args: dict[str, Any]) -> dict[str, Any]:
    """Seconds per validated quiz item for one backend (generation + the independent validity check)."""
    try:
        fn, name = _quiz_function()
    except ImportError as exc:
        return {"error": f"not measured yet: no quiz validity function ({exc})"}
    t0 = time.perf_counter()
    result = dict(fn(backend=args["backend"], n=int(args["n"])))
    seconds = time.perf_counter() - t0
    result.pop("failures", None)
    valid = int(result.get("valid", 0) or 0)
    result.update(
        {
            "function": name,
            "wall_s_incl_setup": seconds,
            "seconds_per_valid_item": (float(result.get("total_seconds", seconds)) / valid)
            if valid
            else None,
        }
    )
    return result


def profile(args: dict[str, Any]) -> dict[str, Any]:
    """Our full ingest under pyinstrument; writes the text and HTML reports next to the results."""
    from pyinstrument import Profiler

    from bench.profile_summary import summarize
    from ingest.pipeline import ingest_paths

    store = _store(args["chroma"])
    profiler = Profiler(interval=0.005)
    profiler.start()
    t0 = time.perf_counter()
    report = ingest_paths([Path(args["corpus"])], store)
    seconds = time.perf_counter() - t0
    profiler.stop()
    out = Path(args["out"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".txt").write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
    out.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
    return {
        "seconds": seconds,
        "chunks": report.chunks,
        "parts": summarize(profiler.last_session),
        "report": str(out),
    }


TASKS: dict[str, Task] = {
    "ingest-ours": ingest_ours,
    "ingest-quickstart": ingest_quickstart,
    "reingest": reingest,
    "retrieval": retrieval,
    "answers": answers,
    "ingest-home": ingest_home,
    "quiz": quiz,
    "app-memory": app_memory,
    "profile": profile,
}


def main(argv: list[str]) -> int:
    task, raw = argv[0], argv[1] if len(argv) > 1 else "{}"
    result = TASKS[task](json.loads(raw))
    print(json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
