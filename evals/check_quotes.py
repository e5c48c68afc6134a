#!/usr/bin/env python3
"""Validate the MLS-C01 regression eval dataset (standard library only).

Checks, per JSONL line:
  * valid JSON object with exactly the expected fields and types
  * unique ids
  * answerable cases have >= 1 gold quote and 1-3 expect groups;
    unanswerable cases have gold == [] and expect == []
  * every gold doc is a file in the corpus directory and every gold quote
    is found verbatim in it (whitespace-normalised comparison allowed)
  * quotes stay inside one line and carry no list/markdown/link syntax

Warnings (do not fail): quote length outside 40-200 chars, answerable cases
where no expect alternative occurs in any gold quote, duplicate questions.

Usage: python3 check_quotes.py [dataset.jsonl] [--corpus DIR]
Exit status 0 when there are no failures.
"""

import argparse
import collections
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATASET = HERE / "datasets" / "mls_c01" / "mls_c01.jsonl"
DEFAULT_CORPUS = HERE.parent / "corpus"
FIELDS = {"id", "question", "history", "answerable", "gold", "expect"}
ID_RE = re.compile(r"^[a-z]+-\d{2,}$")
BAD_STARTS = ("•", "- ", "* ", "**", "#")


def norm(text):
    # str.split() with no argument also splits on NBSP and other Unicode spaces
    return " ".join(text.split())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset", nargs="?", default=str(DEFAULT_DATASET))
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    args = ap.parse_args()

    corpus_dir = Path(args.corpus)
    corpus = {p.name: p.read_text(encoding="utf-8") for p in sorted(corpus_dir.iterdir()) if p.is_file()}
    corpus_norm = {name: norm(text) for name, text in corpus.items()}

    failures, warnings = [], []
    ids = set()
    questions = collections.Counter()
    cases = []

    def fail(where, msg):
        failures.append(f"{where}: {msg}")

    with open(args.dataset, encoding="utf-8") as fh:
        lines = fh.read().splitlines()

    for lineno, line in enumerate(lines, 1):
        where = f"line {lineno}"
        if not line.strip():
            fail(where, "blank line")
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            fail(where, f"invalid JSON: {exc}")
            continue
        if not isinstance(case, dict):
            fail(where, "not a JSON object")
            continue
        cid = case.get("id")
        where = f"line {lineno} [{cid}]"
        keys = set(case)
        if keys != FIELDS:
            fail(where, f"fields mismatch: missing={sorted(FIELDS - keys)} extra={sorted(keys - FIELDS)}")
            continue
        if not isinstance(cid, str) or not ID_RE.match(cid):
            fail(where, f"bad id {cid!r}")
        elif cid in ids:
            fail(where, "duplicate id")
        ids.add(cid)

        q = case["question"]
        if not isinstance(q, str) or not q.strip():
            fail(where, "question must be a non-empty string")
        else:
            questions[norm(q).lower()] += 1

        hist = case["history"]
        if not isinstance(hist, list) or not all(isinstance(h, str) and h.strip() for h in hist):
            fail(where, "history must be a list of non-empty strings")

        ans = case["answerable"]
        if not isinstance(ans, bool):
            fail(where, "answerable must be a boolean")

        gold, expect = case["gold"], case["expect"]
        if not isinstance(gold, list):
            fail(where, "gold must be a list")
            gold = []
        if not isinstance(expect, list):
            fail(where, "expect must be a list")
            expect = []

        if ans is False:
            if gold or expect:
                fail(where, "unanswerable case must have empty gold and expect")
        elif ans is True:
            if not gold:
                fail(where, "answerable case needs at least one gold quote")
            if not 1 <= len(expect) <= 3:
                fail(where, f"expect needs 1-3 groups, has {len(expect)}")

        for gi, group in enumerate(expect):
            if (
                not isinstance(group, list)
                or not group
                or not all(isinstance(a, str) and a.strip() for a in group)
            ):
                fail(where, f"expect[{gi}] must be a non-empty list of non-empty strings")

        quotes_text = []
        for gi, g in enumerate(gold):
            gw = f"{where} gold[{gi}]"
            if not isinstance(g, dict) or set(g) != {"doc", "quote"}:
                fail(gw, "gold entry must be {doc, quote}")
                continue
            doc, quote = g["doc"], g["quote"]
            if not isinstance(doc, str) or doc not in corpus:
                fail(gw, f"unknown doc {doc!r}")
                continue
            if not isinstance(quote, str) or not quote.strip():
                fail(gw, "empty quote")
                continue
            quotes_text.append(quote)
            if "\n" in quote or "\r" in quote:
                fail(gw, "quote spans a line break")
            if quote != quote.lstrip():
                fail(gw, "quote has leading whitespace")
            if quote.startswith(BAD_STARTS):
                fail(gw, f"quote starts with list/markdown marker: {quote[:12]!r}")
            if "**" in quote or "](" in quote:
                fail(gw, "quote contains markdown bold or link syntax")
            if quote in corpus[doc]:
                pass
            elif norm(quote) in corpus_norm[doc]:
                warnings.append(f"{gw}: matched only after whitespace normalisation")
            else:
                fail(gw, f"quote not found in {doc}: {quote[:90]!r}")
            if not 40 <= len(quote) <= 200:
                warnings.append(f"{gw}: quote length {len(quote)} (preferred 40-200)")

        if ans is True and quotes_text and expect:
            blob = " ".join(quotes_text).lower()
            for gi, group in enumerate(expect):
                if isinstance(group, list) and not any(
                    isinstance(a, str) and a.lower() in blob for a in group
                ):
                    warnings.append(f"{where}: expect[{gi}] {group} not found in any gold quote")
        cases.append(case)

    for q, n in questions.items():
        if n > 1:
            warnings.append(f"duplicate question x{n}: {q[:80]!r}")

    # ---- counts ----
    total = len(cases)
    unans = sum(1 for c in cases if c.get("answerable") is False)
    follow = sum(1 for c in cases if c.get("history"))
    per_doc = collections.Counter()
    per_doc_primary = collections.Counter()
    for c in cases:
        docs = [g["doc"] for g in c.get("gold", []) if isinstance(g, dict)]
        for d in sorted(set(docs)):
            per_doc[d] += 1
        if docs:
            per_doc_primary[docs[0]] += 1
    per_prefix = collections.Counter(str(c.get("id", "?")).split("-")[0] for c in cases)

    print(f"total cases: {total}")
    print(f"unanswerable: {unans}")
    print(f"follow-ups (non-empty history): {follow}")
    print("cases per doc (any gold quote / first gold quote):")
    for d in sorted(corpus):
        print(f"  {d}: {per_doc[d]} / {per_doc_primary[d]}")
    print("cases per id prefix:")
    for p, n in sorted(per_prefix.items()):
        print(f"  {p}: {n}")

    if warnings:
        print(f"\n{len(warnings)} warning(s):")
        for w in warnings:
            print("  WARN", w)
    if failures:
        print(f"\n{len(failures)} FAILURE(S):")
        for f in failures:
            print("  FAIL", f)
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
