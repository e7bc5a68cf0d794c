"""Run the mock for tests: a background server on a free port, and a pytest plugin.

The plugin (entry point ``pytest11``) gives tool vendors a ``canvas_mock`` fixture: a running
mock with its ``/__mock__/config`` already fetched, reset after each test.

    def test_my_tool(canvas_mock):
        tool = canvas_mock.tool("Mock Grading Tool")
        my_tool.configure(token_url=canvas_mock.config["token_url"], client_id=tool["client_id"], ...)
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from . import verify

# httpx, uvicorn and the app are imported where they are used, not here: pytest loads this plugin in
# every run of a project that installed the package, also runs that never ask for ``canvas_mock``.

#: Deprecation warnings raised inside connexion when it is imported: nothing a vendor's suite can act on.
THIRD_PARTY_WARNINGS = (
    "ignore:Using `httpx` with `starlette.testclient`",
    "ignore:jsonschema.RefResolver is deprecated:DeprecationWarning",
    "ignore:jsonschema.exceptions.RefResolutionError is deprecated:DeprecationWarning",
)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass
class RunningMock:
    """A mock served over HTTP, as the ``canvas_mock`` fixture gives it to a test.

    ``base_url`` is where it listens, ``config`` what ``GET /__mock__/config`` answered (token and
    JWKS URLs, the issuer, each tool's client id, deployment id, kid, TEST-ONLY private key and
    scopes, the users and courses), ``app`` the ASGI app for in-process peeks (None when attached
    to a mock running elsewhere). The methods drive the control API (``/__mock__/``): the request
    journal and its assertions, faults, Canvas's throttle and the mock clock."""

    base_url: str
    app: Any
    config: dict[str, Any]

    def tool(self, name: str) -> dict[str, Any]:
        """A tool (developer key) of the config by name: ``client_id``, ``deployment_id``, ``kid``,
        ``private_key_pem`` (TEST-ONLY), ``scopes``. Raises ``KeyError`` for an unknown name."""
        for tool in self.config["tools"]:
            if tool["name"] == name:
                return tool
        raise KeyError(f"no tool named {name!r} in the mock's config")

    def reset(self) -> None:
        """Back to the fixture world, an empty journal, the start-up faults and throttle, real time
        (``POST /__mock__/reset``; the fixture does it before every test)."""
        import httpx

        httpx.post(f"{self.base_url}/__mock__/reset").raise_for_status()

    # -- test scenario: journal, verification, faults, throttle, clock ---------------------------

    def _control(self, method: str, path: str, **kwargs: Any) -> Any:
        import httpx

        response = httpx.request(method, f"{self.base_url}/__mock__/{path}", timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def requests(self, **filters: Any) -> list[dict[str, Any]]:
        """Journal entries, oldest first; filters: operation_id, method, path_prefix, client_id,
        since (ISO 8601 or epoch, mock time), status."""
        params = {k: v for k, v in filters.items() if v is not None}
        return self._control("GET", "requests", params=params)["requests"]

    def clear_requests(self) -> None:
        self._control("DELETE", "requests")

    def user(self, user_id: int | str) -> dict[str, Any]:
        """A user of the config (``id``, ``name``, ``lti_id``, ``enrollments``) by Canvas id or LTI id."""
        for user in self.config["users"]:
            if str(user_id) in (str(user["id"]), str(user.get("lti_id"))):
                return user
        raise KeyError(f"no user {user_id!r} in the mock's config")

    def assert_one_score(self, *, user_id: int | str, line_item_id: int | str | None = None) -> dict[str, Any]:
        """Exactly one score for ``user_id`` (Canvas id or LTI id) on the line item (id or URL;
        None: any line item) was accepted; a failure lists the other score requests and what
        differed in each."""
        return verify.assert_one_score(self.requests(operation_id=verify.SCORE_OPERATION),
                                       user_id=user_id, line_item_id=line_item_id, users=self.config["users"])

    def verify(self, count: int, *, method: str | None = None, path: str | None = None,
               operation_id: str | None = None, body_contains: Any = None, status: int | None = None,
               client_id: str | None = None) -> list[dict[str, Any]]:
        """Exactly ``count`` journaled requests match all the given criteria (WireMock's
        ``verify``): ``path`` exact or a glob (``/api/lti/courses/*/line_items``),
        ``body_contains`` a dict/list subset of the JSON body or a substring. Returns them."""
        return verify.verify(self.requests(), count, method=method, path=path, operation_id=operation_id,
                             body_contains=body_contains, status=status, client_id=client_id)

    def assert_no_request_without_scope(self, scope: str, *, path_prefix: str = "/api/lti/",
                                        operation_id: str | None = None) -> None:
        """Every request under ``path_prefix`` carried a token granting ``scope``."""
        verify.assert_no_request_without_scope(self.requests(), scope, path_prefix=path_prefix,
                                               operation_id=operation_id)

    def assert_followed_all_pages(self, operation_id: str) -> None:
        """The tool fetched every ``rel="next"`` page the mock offered for ``operation_id``."""
        verify.assert_followed_all_pages(self.requests(operation_id=operation_id), operation_id)

    def add_faults(self, *rules: dict[str, Any], seed: int = 0) -> dict[str, Any]:
        """Add a seeded rule set, e.g. ``mock.add_faults({"kind": "status", "status": 503, "times": 2})``."""
        return self._control("POST", "faults", json={"seed": seed, "rules": list(rules)})

    def faults(self) -> dict[str, Any]:
        return self._control("GET", "faults")

    def clear_faults(self) -> None:
        self._control("DELETE", "faults")

    def remove_faults(self, set_id: int) -> None:
        """Remove one rule set (the ``id`` that ``add_faults`` returned); the others keep firing."""
        self._control("DELETE", f"faults/{set_id}")

    def throttle(self, **settings: Any) -> dict[str, Any]:
        """Configure Canvas's throttle (enabled, hwm, maximum, outflow, up_front_cost, cost,
        token_endpoint_cost, reset_buckets); no arguments: the current state."""
        if not settings:
            return self._control("GET", "throttle")
        return self._control("POST", "throttle", json=settings)

    def settings(self, **values: bool) -> dict[str, bool]:
        """Switch Canvas settings and feature flags the mock honours, e.g.
        ``mock.settings(enforce_iso8601_for_lti_scores=True)``; no arguments: the current values."""
        if not values:
            return self._control("GET", "settings")
        return self._control("POST", "settings", json=values)

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        return self._control("POST", "clock", json={"advance": seconds})

    def set_clock(self, now: str | float, *, freeze: bool | None = None) -> dict[str, Any]:
        return self._control("POST", "clock", json={"now": now} if freeze is None else {"now": now, "freeze": freeze})

    def freeze_clock(self) -> dict[str, Any]:
        """Stop the mock clock: time-dependent figures (throttle leak, token age) stay exact
        however slow the machine is, and move only with ``advance_clock``/``set_clock``."""
        return self._control("POST", "clock", json={"freeze": True})

    def thaw_clock(self) -> dict[str, Any]:
        return self._control("POST", "clock", json={"freeze": False})

    def reset_clock(self) -> dict[str, Any]:
        return self._control("POST", "clock", json={"reset": True})

    def clock(self) -> dict[str, Any]:
        return self._control("GET", "clock")


@contextlib.contextmanager
def run_mock(fixtures: str | Path | None = None, *, host: str = "127.0.0.1", port: int | None = None,
             validate_responses: bool = False, app: Any = None) -> Iterator[RunningMock]:
    """Serve a fresh mock (or ``app``) with uvicorn in a background thread until the block ends.

    ``with run_mock() as mock:`` gives a :class:`RunningMock` listening on ``host`` and ``port``
    (a free port when None) once it answers; leaving the block stops the server. For your own
    fixtures, e.g. a second mock with other fixtures (``run_mock("my-world.yaml")``), or one with
    responses checked against the spec (``validate_responses=True``)."""
    import httpx
    import uvicorn

    from .app import create_app

    port = port or free_port(host)
    base_url = f"http://{host}:{port}"
    app = app if app is not None else create_app(fixtures, validate_responses=validate_responses, base_url=base_url)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name=f"canvas-lti-mock:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # only a failure waits this long; a loaded machine starts slowly
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the mock did not start on {host}:{port}")
        time.sleep(0.01)
    try:
        config = httpx.get(f"{base_url}/__mock__/config", timeout=30).json()
        yield RunningMock(base_url=base_url, app=app, config=config)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def attach_mock(base_url: str) -> RunningMock:
    """A mock that is already running (``canvas-lti mock`` in the background, another container)."""
    import httpx

    base_url = base_url.rstrip("/")
    try:
        response = httpx.get(f"{base_url}/__mock__/config", timeout=30)
        response.raise_for_status()
        config = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise RuntimeError(f"no Canvas LTI mock answers at {base_url}: {exc}") from None
    return RunningMock(base_url=base_url, app=None, config=config)


def pytest_configure(config: pytest.Config) -> None:
    for line in THIRD_PARTY_WARNINGS:
        config.addinivalue_line("filterwarnings", line)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("canvas-lti-mock")
    group.addoption("--canvas-mock-fixtures", default=None, help="fixture file for the canvas_mock fixture")
    group.addoption("--canvas-mock-url", default=os.environ.get("CANVAS_MOCK_URL"), metavar="URL",
                    help="use the mock already running at URL instead of starting one (env CANVAS_MOCK_URL); "
                         "it is reset before every test")


@pytest.fixture(scope="session")
def _canvas_mock_server(request: pytest.FixtureRequest) -> Iterator[RunningMock]:
    url = request.config.getoption("--canvas-mock-url")
    if url:
        yield attach_mock(url)
        return
    with run_mock(request.config.getoption("--canvas-mock-fixtures")) as mock:
        yield mock


@pytest.fixture
def canvas_mock(_canvas_mock_server: RunningMock) -> Iterator[RunningMock]:
    """A running Canvas LTI mock, in its fixture state at the start of every test."""
    _canvas_mock_server.reset()
    yield _canvas_mock_server
