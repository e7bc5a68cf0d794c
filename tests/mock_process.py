"""The mock in a process of its own, for tests whose own side is busy Python too (the conformance
suite over HTTP): a mock served from a thread of the test process shares its interpreter lock,
and the two then take turns instead of using both cores."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx

from mockserver.testing import free_port


@contextlib.contextmanager
def mock_process(*args: str) -> Iterator[str]:
    """``canvas-lti mock`` on a free port until the block ends; yields its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([sys.executable, "-m", "conformance.cli", "mock", "--port", str(port), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120  # only a failure waits this long; a loaded machine starts slowly
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the mock exited ({process.returncode}): {process.stderr.read() if process.stderr else ''}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base_url}/__mock__/config", timeout=5).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the mock did not answer on {base_url}")
            time.sleep(0.05)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
