"""The eval corpora (evals/corpora.toml): where each one's documents come from, and a ready index for it.

A corpus from a Debian package is copied (only the listed files) into ``<home>/evals/<name>/docs`` and indexed
into ``<home>/evals/<name>``; re-running re-indexes nothing that did not change.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tutor.config import Settings
from tutor.documents import ingest
from tutor.errors import TutorError

CORPORA_FILE = Path(__file__).resolve().parent / "corpora.toml"
DATASETS = Path(__file__).resolve().parent / "datasets"


@dataclass(frozen=True)
class EvalCorpus:
    name: str
    title: str
    genre: str
    gate: str
    unseen: str
    extra: tuple[str, ...] = ()
    path: str | None = None
    package: str | None = None
    root: str | None = None
    files: tuple[str, ...] = ()

    def dataset(self, which: str = "gate") -> Path:
        """``which``: "gate", "unseen", or a file name in the corpus's dataset folder."""
        name = {"gate": self.gate, "unseen": self.unseen}.get(which, which)
        return DATASETS / self.name / name

    def datasets(self) -> list[Path]:
        return [self.dataset(n) for n in (self.gate, *self.extra, self.unseen)]


def load_corpora(path: Path = CORPORA_FILE) -> dict[str, EvalCorpus]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out: dict[str, EvalCorpus] = {}
    for name, spec in data.get("corpora", {}).items():
        out[name] = EvalCorpus(
            name=name,
            title=spec["title"],
            genre=spec.get("genre", ""),
            gate=spec["gate"],
            unseen=spec["unseen"],
            extra=tuple(spec.get("extra", ())),
            path=spec.get("path"),
            package=spec.get("package"),
            root=spec.get("root"),
            files=tuple(spec.get("files", ())),
        )
    return out


def select_corpora(names: str) -> list[EvalCorpus]:
    """``names``: "all" or a comma-separated list of corpus names."""
    corpora = load_corpora()
    if names == "all":
        return list(corpora.values())
    chosen = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in corpora]
    if unknown:
        raise TutorError(f"Unknown eval corpus {', '.join(unknown)}. Known: {', '.join(corpora)}.")
    return [corpora[n] for n in chosen]


def corpus_settings(corpus: EvalCorpus, base: Settings) -> Settings:
    """Settings for this corpus's own index: a home under ``base.home``; the seed course keeps its folder."""
    home = base.home / "evals" / corpus.name
    docs = Path(corpus.path) if corpus.path else home / "docs"
    return base.model_copy(update={"home": home, "corpus_dir": docs, "models_home": base.models_dir})


def stage_documents(corpus: EvalCorpus, settings: Settings) -> None:
    """Copy the listed files from the installed package; a missing package is an error that says what to run."""
    if corpus.path:
        if not Path(corpus.path).is_dir():
            raise TutorError(f"Eval corpus {corpus.name}: folder {corpus.path} is missing.")
        return
    root = Path(corpus.root or "")
    missing = [f for f in corpus.files if not (root / f).is_file()]
    if missing:
        raise TutorError(
            f"Eval corpus {corpus.name} needs the Debian package '{corpus.package}' ({len(missing)} of its files are "
            f"missing, e.g. {root / missing[0]}). Run `make corpora` (or `apt-get install {corpus.package}`)."
        )
    docs = settings.corpus_dir
    docs.mkdir(parents=True, exist_ok=True)
    for name in corpus.files:
        target = docs / name
        source = root / name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)
    for stale in docs.iterdir():
        if stale.is_file() and stale.name not in corpus.files:
            stale.unlink()


def prepare(corpus: EvalCorpus, base: Settings) -> Settings:
    """The corpus's documents staged and indexed (incrementally); its settings to ask questions with."""
    settings = corpus_settings(corpus, base)
    stage_documents(corpus, settings)
    report = ingest(settings=settings)
    if report.chunks == 0:
        raise TutorError(
            f"Eval corpus {corpus.name}: nothing was indexed ({len(report.errors)} files refused)."
        )
    return settings
