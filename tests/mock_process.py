"""The mock in a process of its own, for tests whose own side is busy Python too (the conformance
suite over HTTP): a mock served from a thread of the test process shares its interpreter lock,
and the two then take turns instead of using both cores."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from bench.servers import mock_command, serve
from mockserver.testing import free_port


@contextlib.contextmanager
def mock_process() -> Iterator[str]:
    """``canvas-lti mock`` (as the bench runs it) on a free port until the block ends; yields its base URL."""
    port = free_port()
    with serve("mock", mock_command(port), f"http://127.0.0.1:{port}", probe="/__mock__/config") as server:
        yield server.base_url
