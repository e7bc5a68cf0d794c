"""The tests hold no timing window: a request to a server a test started waits as long as it takes
(``tests/net.py``), so a loaded machine makes the suite slower, never red."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
#: httpx's module-level request functions and Client, whose default timeout is 5 s.
DEFAULT_TIMEOUT_CALL = re.compile(r"\bhttpx\.(get|post|put|patch|delete|head|options|request|stream|Client)\(")


def test_tests_call_httpx_through_tests_net() -> None:
    found = [f"{path.relative_to(TESTS)}:{number}: {line.strip()}"
             for path in sorted(TESTS.rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if DEFAULT_TIMEOUT_CALL.search(line) and "timeout=" not in line]
    assert not found, "use tests.net (no 5-second timeout) for these requests:\n" + "\n".join(found)
