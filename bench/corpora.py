"""The two benchmark corpora, copied into the bench's scratch folder so a benchmark may edit them."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from bench.config import DOCS_PACKAGE, DOCS_ROOT, MIN_LARGE_CHUNKS, STUDY_CORPUS, subset_files


@dataclass(frozen=True)
class Corpus:
    name: str
    path: Path
    files: int
    bytes: int
    description: str

    @property
    def mb(self) -> float:
        return self.bytes / 1e6


class CorpusMissing(RuntimeError):
    pass


def _copy(files: list[tuple[Path, str]], dest: Path) -> int:
    total = 0
    for src, rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
        total += target.stat().st_size
    return total


def study_corpus(work: Path) -> Corpus:
    files = [
        (p, p.name) for p in sorted(STUDY_CORPUS.iterdir()) if p.is_file() and not p.name.startswith(".")
    ]
    dest = work / "study"
    total = _copy(files, dest)
    return Corpus("study", dest, len(files), total, f"`corpus/` ({len(files)} files: txt, md)")


def large_corpus(work: Path, limit: int | None = None) -> Corpus:
    """The fixed python3.11-doc subset (``limit`` files only, for ``--quick``)."""
    if not DOCS_ROOT.is_dir():
        raise CorpusMissing(
            f"{DOCS_ROOT} is missing: run `make bench-setup` (apt-get install {DOCS_PACKAGE})."
        )
    names = subset_files()
    missing = [n for n in names if not (DOCS_ROOT / n).is_file()]
    if missing:
        raise CorpusMissing(
            f"{len(missing)} subset files are missing from {DOCS_ROOT} (e.g. {missing[0]}); "
            f"is a different {DOCS_PACKAGE} version installed?"
        )
    if limit:
        names = names[:limit]
    dest = work / "python-docs"
    total = _copy([(DOCS_ROOT / n, n) for n in names], dest)
    note = "" if not limit else f" (first {limit} only: --quick)"
    desc = f"{DOCS_PACKAGE} HTML, fixed subset in `bench/python_docs_subset.txt` ({len(names)} files{note})"
    return Corpus("python-docs", dest, len(names), total, desc)


__all__ = ["MIN_LARGE_CHUNKS", "Corpus", "CorpusMissing", "large_corpus", "study_corpus"]
