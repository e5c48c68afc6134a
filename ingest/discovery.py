"""Which files under the given paths get indexed, and under which document id."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.load import SUPPORTED_EXTENSIONS


@dataclass(frozen=True)
class FileError:
    file: str
    reason: str


def discover(
    paths: Iterable[Path], ignore: frozenset[str] = frozenset()
) -> tuple[list[tuple[Path, str]], list[Path], list[FileError]]:
    """Files to index as (path, doc_id), the folders scanned (vanished docs under them are removed), errors.

    Files in a folder whose name is in ``ignore`` (a course profile beside the documents) are not documents."""
    files: list[tuple[Path, str]] = []
    roots: list[Path] = []
    errors: list[FileError] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            root = path.resolve()
            roots.append(root)
            for f in sorted(p for p in root.rglob("*") if p.is_file()):
                rel = f.relative_to(root)
                if any(part.startswith(".") for part in rel.parts) or f.name in ignore:
                    continue
                if f.suffix.lower() not in SUPPORTED_EXTENSIONS:
                    errors.append(
                        FileError(
                            str(rel),
                            f"unsupported file type '{f.suffix or '(none)'}'; use {', '.join(SUPPORTED_EXTENSIONS)}",
                        )
                    )
                    continue
                files.append((f, rel.as_posix()))
        elif path.is_file():
            files.append((path.resolve(), path.name))
        else:
            errors.append(FileError(str(given), "no such file or folder; check the path"))
    return files, roots, errors
