"""Chat routing accuracy: the labelled messages in evals/datasets/routing/, scored and gated in `tutor eval`.

``messages.jsonl`` is the development set; ``heldout.jsonl`` was written before the router and is never
tuned on (only its score is read). The gate is on all messages together and on each split.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tutor.study.route import route

ROUTING_DIR = Path(__file__).parent / "datasets" / "routing"
SPLITS = {"dev": "messages.jsonl", "heldout": "heldout.jsonl"}
FLOOR = 0.95


@dataclass(frozen=True)
class Routed:
    id: str
    split: str
    message: str
    expected: str
    got: str
    topic: str
    got_topic: str

    @property
    def ok(self) -> bool:
        return self.expected == self.got


def load_messages(folder: Path = ROUTING_DIR) -> list[tuple[str, dict[str, object]]]:
    rows: list[tuple[str, dict[str, object]]] = []
    for split, name in SPLITS.items():
        path = folder / name
        if path.exists():
            rows += [(split, json.loads(line)) for line in path.read_text().splitlines() if line.strip()]
    return rows


def score(folder: Path = ROUTING_DIR) -> tuple[dict[str, float], list[Routed]]:
    """Accuracy overall, per split and per class (as ``routing_*`` metrics), and every decision."""
    results: list[Routed] = []
    for split, row in load_messages(folder):
        raw = row.get("history") or []
        history = [str(h) for h in raw] if isinstance(raw, list) else []
        r = route(str(row["message"]), history)
        results.append(
            Routed(
                str(row["id"]),
                split,
                str(row["message"]),
                str(row["route"]),
                r.route,
                str(row.get("topic", "")),
                r.topic,
            )
        )
    metrics: dict[str, float] = {}
    groups: dict[str, list[Routed]] = {"routing_accuracy": results}
    for split in SPLITS:
        groups[f"routing_accuracy_{split}"] = [r for r in results if r.split == split]
    for label in sorted(Counter(r.expected for r in results)):
        groups[f"routing_accuracy_{label}"] = [r for r in results if r.expected == label]
    for name, group in groups.items():
        if group:
            metrics[name] = sum(r.ok for r in group) / len(group)
    metrics["routing_messages"] = float(len(results))
    return metrics, results


def run_routing(gate: bool) -> int:
    """Print the routing scores; with ``gate``, 1 when any accuracy is below the floor (to stderr)."""
    metrics, results = score()
    print(
        "routing: "
        + ", ".join(
            f"{k.removeprefix('routing_')} {v:.3f}" for k, v in metrics.items() if k != "routing_messages"
        )
        + f" ({len(results)} messages)",
        file=sys.stderr,  # stdout may be --json
        flush=True,
    )
    failures = [
        f"{k} {v:.3f} < {FLOOR}" for k, v in metrics.items() if k.startswith("routing_accuracy") and v < FLOOR
    ]
    if gate and failures:
        print("ROUTING GATE FAILED:", file=sys.stderr)
        for f in failures:
            print(f"  - {f}", file=sys.stderr)
        return 1
    return 0
