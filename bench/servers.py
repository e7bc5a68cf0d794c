"""Start the servers under test as subprocesses and wait until they answer."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "bench" / ".node"


@dataclass
class Server:
    name: str
    base_url: str
    process: subprocess.Popen
    started_in: float  # seconds from spawn to the first 200


def _wait(url: str, process: subprocess.Popen, timeout: float = 60) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early ({process.returncode}) for {url}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.005)
    raise RuntimeError(f"server did not answer {url} within {timeout}s")


@contextlib.contextmanager
def serve(name: str, command: list[str], base_url: str, probe: str = "/api/lti/security/jwks",
          env: dict[str, str] | None = None) -> Iterator[Server]:
    spawned = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, **(env or {})})
    try:
        _wait(base_url + probe, process)
        yield Server(name, base_url, process, time.perf_counter() - spawned)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def mock_command(port: int) -> list[str]:
    """Production settings: uvicorn, request validation on, response validation off."""
    return [sys.executable, "-m", "conformance.cli", "mock", "--port", str(port)]


def baseline_command(port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "bench.baseline:app", "--port", str(port), "--log-level", "warning",
            "--no-access-log"]


def prism_command(port: int) -> list[str] | None:
    """Prism from ``bench/.node`` (installed on demand); None when Node/npm are absent."""
    binary = NODE_DIR / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        if not shutil.which("npm"):
            return None
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(["npm", "install", "--silent", "--prefix", str(NODE_DIR), "@stoplight/prism-cli"],
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0 or not binary.exists():
            return None
    return [str(binary), "mock", str(ROOT / "specs" / "canvas-lti.yaml"), "--port", str(port), "--host", "127.0.0.1",
            "--errors", "false"]
