"""Grids scored by retrieval hit@k: chunk sizes on the eval set, or fusion methods on several sets.

Run: python -m evals.tune_retrieval [--sizes 120,180,240] [--overlaps 0,30]
     Each chunking configuration gets its own temporary index; one table row per configuration.
Run: python -m evals.tune_retrieval --fusion [--datasets mls_c01,heldout]
     Fusion configurations over the index in TUTOR_HOME; hit@1 / hit@3 / MRR per dataset.
Results and choices: docs/decisions/0002-hybrid-fusion-weights.md, docs/decisions/0011-chunk-sizes.md.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from evals.harness import DEFAULT_DATASET, first_hit_rank, load_dataset, rank_metrics
from ingest.pipeline import ChunkParams, ingest_paths
from ingest.store import ChunkStore, make_client
from tutor.rag.retrieve import FusionParams, Retriever
from tutor.rag.rewrite import rewrite
from tutor.store import get_embedder, get_store

DATASETS = Path(__file__).resolve().parent / "datasets" / "mls_c01"


def score(retriever: Retriever, cases, k: int = 5) -> dict[str, float]:  # type: ignore[no-untyped-def]
    ranks = []
    for c in cases:
        result = retriever.search(rewrite(c.question, c.history), k=k)
        ranks.append(first_hit_rank([p.text for p in result.passages], c.gold))
    return rank_metrics(ranks)


def fusion_grid(datasets: list[str]) -> None:
    sets = {
        n: [c for c in load_dataset(DATASETS / f"{n}.jsonl") if c.answerable and c.gold] for n in datasets
    }
    configs = [
        ("passage vectors only", FusionParams(method="rrf", lexical_weight=0.0, sentence_weight=0.0)),
        ("passage + sentence vectors", FusionParams(method="rrf", lexical_weight=0.0)),
        ("BM25 only", FusionParams(method="rrf", dense_weight=0.0)),
    ]
    configs += [
        (f"rrf lexical x{w} k={k}", FusionParams(method="rrf", lexical_weight=w, rrf_k=k))
        for w in (1.0, 2.0)
        for k in (10, 60)
    ]
    configs += [
        (f"linear alpha={a} sentence={w}", FusionParams(method="linear", linear_alpha=a, sentence_weight=w))
        for w in (0.0, 0.5, 0.7, 0.85)
        for a in (0.7, 0.8, 0.85, 0.9)
    ]
    print("| fusion | " + " | ".join(f"{n} hit@1 / hit@3 / MRR" for n in sets) + " |")
    print("| --- |" + " --- |" * len(sets))
    for name, params in configs:
        retriever = Retriever(get_store(), get_embedder(), params)
        cells = [score(retriever, cases) for cases in sets.values()]
        print(
            f"| {name} | "
            + " | ".join(f"{m['hit@1']:.3f} / {m['hit@3']:.3f} / {m['mrr']:.3f}" for m in cells)
            + " |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="120,180,240")
    parser.add_argument("--overlaps", default="30")
    parser.add_argument("--mins", default="60")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument(
        "--fusion", action="store_true", help="grid over fusion methods instead of chunk sizes"
    )
    # blind3 is left out: it is the unseen test set (docs/decisions/0001-eval-question-sets.md).
    parser.add_argument("--datasets", default="mls_c01,heldout,fresh,blind,blind2")
    args = parser.parse_args()
    if args.fusion:
        fusion_grid(args.datasets.split(","))
        return
    cases = [c for c in load_dataset(DEFAULT_DATASET) if c.answerable and c.gold]
    print("| max tokens | overlap | min | chunks | hit@1 | hit@3 | hit@5 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for size in map(int, args.sizes.split(",")):
        for overlap in map(int, args.overlaps.split(",")):
            for min_tokens in map(int, args.mins.split(",")):
                with tempfile.TemporaryDirectory() as tmp:
                    store = ChunkStore(make_client(Path(tmp)), get_embedder())
                    report = ingest_paths([args.corpus], store, params=ChunkParams(size, overlap, min_tokens))
                    m = score(Retriever(store, get_embedder()), cases)
                    print(
                        f"| {size} | {overlap} | {min_tokens} | {report.chunks} | {m['hit@1']:.3f} | {m['hit@3']:.3f} | {m['hit@5']:.3f} |",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
