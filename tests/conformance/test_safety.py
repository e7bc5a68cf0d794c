"""Safety against a target that is not our mock (acceptance 3 of the conformance issue).

The fake "real Canvas" is the mock behind a wrapper that hides ``/__mock__/`` (so the suite
cannot recognise it) and records every request it receives.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from mockserver import create_app
from mockserver.testing import run_mock

from .conftest import DEEP

TOKEN_PATH = "/login/oauth2/token"


class DisguisedCanvas:
    """The mock, minus its control endpoints, with a log of (method, path, status)."""

    def __init__(self) -> None:
        self.app = create_app()
        # A roomy bucket: the mock always sends Canvas's throttle headers, and the suite paces a
        # real Canvas by them (10 s waits once a bucket runs low); this test throttles by hand.
        self.app.state.throttle.configure({"hwm": 1e9, "maximum": 1e9})
        self.seen: list[tuple[str, str, int]] = []
        self.throttle_after: int | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith("/__mock__"):
            await _plain(send, 404, b'{"errors":[{"message":"The specified resource does not exist."}]}')
            return
        if self.throttle_after is not None and len(self.seen) >= self.throttle_after:
            self.throttle_after = None  # throttle exactly once, then recover
            self.seen.append((scope["method"], scope["path"], 403))
            await _plain(send, 403, b"403 Forbidden (Rate Limit Exceeded)\n", b"text/plain; charset=utf-8",
                         [(b"x-rate-limit-remaining", b"0.0")])
            return
        status = 0

        async def recording_send(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, recording_send)
        self.seen.append((scope["method"], scope["path"], status))


async def _plain(send: Any, status: int, body: bytes, content_type: bytes = b"application/json",
                 extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
def canvas(tmp_path: Path) -> Any:
    fake = DisguisedCanvas()
    with fake.app.test_client() as client:
        config = client.get("/__mock__/config").json()
    tool = next(t for t in config["tools"] if t["name"] == "Mock Grading Tool")
    key = tmp_path / "tool.pem"
    key.write_text(tool["private_key_pem"])
    with run_mock(app=fake) as running:
        args = ["conform", "--base-url", running.base_url, "--client-id", tool["client_id"], "--private-key", str(key),
                "--kid", tool["kid"], "--course-id", "101", "--seed", "3", "--max-examples", "4", "-q"]
        yield fake, args


def active_line_items(fake: DisguisedCanvas) -> set[int]:
    return {i.id for i in fake.app.state.world.line_items.values() if i.workflow_state == "active"}


#: Examples per operation and mode for the whole-selection runs: the gate's rules do not depend on
#: the budget, and one positive and one negative case per operation try every write the spec has
#: (plus the semantic checks' and the AGS model's); the deep variants take the fixture's four.
WHOLE_RUN_EXAMPLES = ["1", pytest.param("4", marks=DEEP)]


@pytest.mark.parametrize("examples", WHOLE_RUN_EXAMPLES)
def test_read_only_without_allow_writes(canvas: Any, capsys: Any, examples: str) -> None:
    fake, args = canvas
    before = fake.app.state.world.snapshot()
    main([*args, "--max-examples", examples])
    out = capsys.readouterr().out
    # Mock control operations are not selected against a real Canvas: not sent, not counted.
    assert {path for _, path, _ in fake.seen if path.startswith("/__mock__")} <= {"/__mock__/config"}
    assert "Mock-only operations" not in out
    assert re.search(r"^\d+ operations, \d+ cases", out, re.M), out[-500:]  # no "(+N mock-only)"
    writes = {(method, path) for method, path, _ in fake.seen if method not in ("GET", "HEAD", "OPTIONS")}
    assert writes <= {("POST", TOKEN_PATH)}, writes
    assert any(method == "GET" and path.startswith("/api/lti/courses/101/") for method, path, _ in fake.seen)
    after = fake.app.state.world.snapshot()
    assert after == before  # nothing was created, changed or deleted


@pytest.mark.parametrize("examples", WHOLE_RUN_EXAMPLES)
def test_with_allow_writes_everything_created_is_deleted(canvas: Any, examples: str) -> None:
    fake, args = canvas
    before = active_line_items(fake)
    main([*args, "--allow-writes", "--max-examples", examples])
    created = [(m, p) for m, p, status in fake.seen if m == "POST" and p == "/api/lti/courses/101/line_items" and status == 201]
    assert created, "the run created no line item: the test proves nothing"
    assert active_line_items(fake) == before
    other_courses = {p for m, p, _ in fake.seen if m not in ("GET", "HEAD") and p != TOKEN_PATH
                     and not p.startswith("/api/lti/courses/101/")}
    assert other_courses == set(), other_courses  # writes stay in the sandbox course


def test_budget_and_rate_limit_backoff(canvas: Any) -> None:
    fake, args = canvas
    fake.throttle_after = 5
    main([*args, "--max-requests", "40"])
    assert any(status == 403 for _, _, status in fake.seen)  # it was throttled once …
    assert len(fake.seen) <= 41  # … and stopped at its budget (the token request may be the +1)


#: The operations the semantic checks verify: a run limited to them is mostly semantic checks.
SEMANTIC_OPERATIONS = ["listLineItems", "getLineItem", "createLineItem", "updateLineItem", "deleteLineItem",
                       "createScore", "listResults", "getResult", "listCourseMemberships", "listGroupMemberships",
                       "createAccessToken"]
LINE_ITEM_WRITE = re.compile(r"^/api/lti/courses/101/line_items/(\d+)(?:/scores)?$")


def _semantic_rows(report: Path) -> dict[str, str]:
    """``{check: note}`` of the report's semantic rows (cases > 0 or a skip reason)."""
    rows = [line.split("|") for line in report.read_text().splitlines() if line.startswith("| `semantic:")]
    return {row[1].strip(" `").removeprefix("semantic:"): f"{row[2].strip()} {row[-2].strip()}" for row in rows}  # cases, note


def _semantic_args(args: list[str], report: Path) -> list[str]:
    ops = [arg for op in SEMANTIC_OPERATIONS for arg in ("--operation", op)]
    return [*args, *ops, "--no-stateful", "--report", str(report)]


def test_semantic_checks_stay_read_only_without_allow_writes(canvas: Any, tmp_path: Path) -> None:
    fake, args = canvas
    before = fake.app.state.world.snapshot()
    main(_semantic_args(args, tmp_path / "r.md"))
    writes = {(method, path) for method, path, _ in fake.seen if method not in ("GET", "HEAD", "OPTIONS")}
    assert writes <= {("POST", TOKEN_PATH)}, writes
    assert fake.app.state.world.snapshot() == before
    rows = _semantic_rows(tmp_path / "r.md")
    assert rows["line_item_tag_filter"].split()[0] != "0"  # the read-only checks did run …
    assert rows["pagination_complete"].split()[0] != "0"
    assert "read-only" in rows["line_item_reads_back"]  # … and the write checks did not
    assert "read-only" in rows["stale_score_refused"]


def test_semantic_write_checks_touch_only_line_items_the_run_created(canvas: Any, tmp_path: Path) -> None:
    fake, args = canvas
    world = fake.app.state.world
    existing = set(world.line_items)
    active_before = active_line_items(fake)
    main([*_semantic_args(args, tmp_path / "r.md"), "--allow-writes"])
    created = set(world.line_items) - existing
    rows = _semantic_rows(tmp_path / "r.md")
    for check in ("line_item_reads_back", "score_reads_back_as_result", "stale_score_refused", "deleted_line_item_gone",
                  "score_for_non_student_refused"):
        assert rows[check].split()[0] != "0", rows[check]  # every write check ran
    touched = {int(m.group(1)) for method, path, _ in fake.seen if method in ("PUT", "DELETE", "POST")
               for m in [LINE_ITEM_WRITE.match(path)] if m}
    assert touched and touched <= created, touched - created  # only line items this run created
    assert active_line_items(fake) == active_before  # … and all of them are gone again
    # Nothing exposed another tool's line item, so that check never ran its writes.
    assert "exposes no line item of another tool" in rows["foreign_line_item_refused"]


def test_pacing_follows_canvas_headers_but_not_the_mocks() -> None:
    """Real Canvas: a low X-Rate-Limit-Remaining makes the run wait. The mock always sends the
    header too (as Canvas does) but refuses only when its throttle is on: no waiting for it."""
    from conformance.safety import Gate

    waits: list[float] = []
    canvas = Gate(is_mock=False, sleep=waits.append)
    assert canvas.observe(200, {"x-rate-limit-remaining": "-3.0"}, b"") == 0.0 and waits == [10.0]
    mock = Gate(is_mock=True, sleep=waits.append)
    assert mock.observe(200, {"x-rate-limit-remaining": "-3.0"}, b"") == 0.0 and waits == [10.0]
    assert mock.observe(403, {"content-type": "text/plain; charset=utf-8"}, b"403 Forbidden (Rate Limit Exceeded)\n") > 0
