"""Run one benchmark task in a fresh Python process: its JSON result, wall time and its own peak RSS.

``os.wait4`` returns the resource usage of exactly that child (and anything it waited for), so two
pipelines measured one after the other never share a memory high-water mark.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.config import REPO


@dataclass
class ChildResult:
    task: str
    ok: bool
    wall_s: float
    peak_rss_mb: float
    cpu_s: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def child_env(tutor_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "TUTOR_HOME": str(tutor_home),
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False",
            "TOKENIZERS_PARALLELISM": "false",
            "PYTHONPATH": str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""),
        }
    )
    return env


def run_task(
    task: str, args: dict[str, Any], env: dict[str, str], log_dir: Path, timeout_s: float
) -> ChildResult:
    """``python -m bench.worker TASK ARGS_JSON``; the worker prints one JSON line last on stdout."""
    log_dir.mkdir(parents=True, exist_ok=True)
    stamp = f"{task}-{time.strftime('%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10_000}"
    out_path, err_path = log_dir / f"{stamp}.out", log_dir / f"{stamp}.err"
    started = time.perf_counter()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.worker", task, json.dumps(args)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout_s:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.1)
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped; keep Popen from waiting again
    wall = time.perf_counter() - started
    peak_mb = usage.ru_maxrss / 1024  # KiB on Linux
    cpu = (
        usage.ru_utime + usage.ru_stime
    )  # the child's own CPU time: less sensitive to other jobs than wall time
    lines = [ln for ln in out_path.read_text(errors="replace").splitlines() if ln.startswith("{")]
    if timed_out:
        return ChildResult(
            task, False, wall, peak_mb, cpu, error=f"timed out after {timeout_s:.0f} s (log {err_path})"
        )
    if proc.returncode != 0 or not lines:
        tail = err_path.read_text(errors="replace").strip().splitlines()[-3:]
        return ChildResult(
            task, False, wall, peak_mb, cpu, error=f"exit {proc.returncode}: {' | '.join(tail)}"
        )
    data = json.loads(lines[-1])
    if "error" in data:
        return ChildResult(task, False, wall, peak_mb, cpu, data=data, error=str(data["error"]))
    return ChildResult(task, True, wall, peak_mb, cpu, data=data)
