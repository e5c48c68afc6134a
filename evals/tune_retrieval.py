"""Grid over chunk sizes and fusion weights, scored by retrieval hit@k on the eval set.

Run: python -m evals.tune_retrieval [--sizes 120,180,240] [--overlaps 0,30]
Each configuration gets its own temporary index; prints one table row per configuration.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from ingest.index import ChunkParams, ChunkStore, ingest_paths, make_client
from tutor.evaluation import DEFAULT_DATASET, first_hit_rank, load_dataset
from tutor.retrieve import Retriever
from tutor.rewrite import rewrite
from tutor.store import get_embedder


def score(retriever: Retriever, cases, k: int = 5) -> dict[str, float]:  # type: ignore[no-untyped-def]
    ranks = []
    for c in cases:
        result = retriever.search(rewrite(c.question, c.history), k=k)
        ranks.append(first_hit_rank([p.text for p in result.passages], c.gold))
    n = len(cases)
    return {
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        "hit@3": sum(1 for r in ranks if r and r <= 3) / n,
        "hit@5": sum(1 for r in ranks if r and r <= 5) / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="120,180,240")
    parser.add_argument("--overlaps", default="30")
    parser.add_argument("--mins", default="60")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    args = parser.parse_args()
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
                    print(f"| {size} | {overlap} | {min_tokens} | {report.chunks} | {m['hit@1']:.3f} | {m['hit@3']:.3f} | {m['hit@5']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
