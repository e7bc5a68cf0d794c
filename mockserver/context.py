"""What a handler is given: the app's state and the current request, nothing global."""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.datastructures import URL, QueryParams
from starlette.requests import Request

from .arguments import QUERY_PARAMS_KEY
from .auth.keys import PlatformKeys
from .clock import Clock
from .demo_tool.sessions import DemoToolState
from .faults import Faults
from .fixtures import IN_PROCESS_ORIGIN, load_fixture_file
from .journal import Journal
from .launch.cache import LaunchCache
from .launch.record import LaunchLog
from .scenario import ScenarioDefaults
from .settings import CanvasSettings
from .spec import OperationInfo
from .throttle import Throttle
from .world import Course, DeveloperKey, Group, LineItem, Tool, World

SCOPE_KEY = "canvas_lti"


class CanvasRequest(Request):
    """Starlette's request, whose query parameters are the ones request validation already parsed
    from this request's query string (kept in its scope; immutable), not parsed a second time."""

    @property
    def query_params(self) -> QueryParams:
        parsed = self.scope.get("extensions", {}).get(QUERY_PARAMS_KEY)
        return parsed if parsed is not None else super().query_params


@dataclass
class AppState:
    """Everything one mock instance owns. Two apps never share any of it."""

    world: World
    keys: PlatformKeys
    fixtures_path: Path | None
    operations: dict[str, OperationInfo]
    secret: str
    clock: Clock = field(default_factory=Clock)
    #: Canvas settings and feature flags the mock honours (``mockserver/settings.py``).
    settings: CanvasSettings = field(default_factory=CanvasSettings)
    #: Test-scenario control (``mockserver/scenario.py``): request journal, faults, throttle.
    journal: Journal = field(default_factory=Journal)
    faults: Faults = field(default_factory=Faults)
    throttle: Throttle = field(default_factory=Throttle)
    #: What ``reset`` restores them to: start-up ``--faults``, ``--throttle`` and ``--setting`` values.
    scenario_defaults: ScenarioDefaults = field(default_factory=ScenarioDefaults)
    #: LTI 1.3 launches started but not yet consumed by ``/api/lti/authorize`` (``launch/``).
    launches: LaunchCache = field(default_factory=LaunchCache)
    #: Every launch's conversation, for the inspector (``launch/record.py``).
    launch_log: LaunchLog = field(default_factory=LaunchLog)
    #: ``error_report_id`` of the mock's own 500s (Canvas files an ErrorReport for each).
    error_reports: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    #: Where the mock is served (``scheme://host:port``): ``${MOCK_URL}`` in the fixtures.
    origin: str = IN_PROCESS_ORIGIN
    #: The demo tool's own memory (``demo_tool/``): a tool's, so a reset of the world keeps its logins and
    #: launches; the client ids it learned go (the reset hands those ids out again, to other keys).
    demo_tool: DemoToolState = field(default_factory=DemoToolState)

    def reset(self) -> None:
        """Restore the fixture world (and real time), and the start-up test scenario."""
        fresh, fresh_keys = load_fixture_file(self.fixtures_path, origin=self.origin)
        self.world.replace_with(fresh)
        self.keys.replace_with(fresh_keys)  # undo key rotations
        self.launches.clear()
        self.launch_log.clear()
        self.demo_tool.forget_clients()
        self.clock.reset()
        self.scenario_defaults.apply(self)


@dataclass
class ServiceAuth:
    """What the §2 filter chain established about an LTI service request."""

    claims: dict[str, Any]
    key: DeveloperKey
    scopes: set[str]
    course: Course | None = None
    group: Group | None = None
    tool: Tool | None = None
    line_item: LineItem | None = None


@functools.lru_cache(maxsize=256)
def _origin(scheme: str, host: bytes | None, server: tuple[str, int] | None) -> str:
    """Starlette's ``scheme://netloc`` for a request with this Host header and server address.
    It depends on nothing else (the path is escaped apart), so it is worked out once per client
    host rather than by parsing each request's whole URL."""
    url = URL(scope={"scheme": scheme, "server": server, "path": "/", "headers": [(b"host", host)] if host is not None else []})
    return f"{url.scheme}://{url.netloc}"


#: Characters ``urllib.parse.urlsplit`` removes from a URL (WHATWG: tab and newlines).
_DROPPED_BY_URLSPLIT = str.maketrans("", "", "\t\r\n")


def _escaped_path(scope: Any) -> str:
    """The request path as Starlette's ``URL`` writes it (the characters that would end a path escaped)."""
    return scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")


@dataclass
class RequestContext:
    state: AppState
    request: Request
    auth: ServiceAuth | None

    @property
    def world(self) -> World:
        return self.state.world

    @functools.cached_property
    def base_url(self) -> str:
        """``scheme://host[:port]`` of this request: Canvas builds its URLs from the request host
        (once per request: a page writes it into every item's URL)."""
        scope = self.request.scope
        host = next((value for key, value in scope["headers"] if key == b"host"), None)
        server = scope.get("server")
        return _origin(scope.get("scheme", "http"), host, tuple(server) if server is not None else None)

    @property
    def own_origins(self) -> frozenset[str]:
        """The origins the mock answers at for this request: where it was reached, and where it is
        served (``launch/tool_keys.py`` reads the key sets it serves there in-process)."""
        return frozenset({self.base_url, self.state.origin})

    @property
    def url(self) -> str:
        """``str(request.url)``: the origin, the path as Starlette escapes it and the query string."""
        origin, scope = self.base_url, self.request.scope
        if origin.endswith("://"):  # no host at all: Starlette's URL is the bare path
            return str(self.request.url)
        url, query = origin + _escaped_path(scope), scope.get("query_string", b"").decode()
        return f"{url}?{query}" if query else url

    @property
    def path(self) -> str:
        """``request.url.path``: the path as Starlette escapes it, less what ``urlsplit`` drops."""
        if self.base_url.endswith("://"):
            return self.request.url.path
        return _escaped_path(self.request.scope).translate(_DROPPED_BY_URLSPLIT)

    @property
    def query(self) -> list[tuple[str, str]]:
        return list(self.request.query_params.multi_items())

    def now(self) -> float:
        return self.state.clock.now()
