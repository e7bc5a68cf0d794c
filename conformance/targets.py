"""Where the suite runs: the in-process mock, a mock by URL, or a real Canvas by URL.

A :class:`Target` hides the difference: it owns the gate, sends the suite's own requests
(tokens, discovery, set-up, clean-up) through the same path as generated cases, and says
whether it is our mock (then everything may be exercised) or something to be careful with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests

from mockserver.cli_errors import unreachable
from mockserver.inprocess import BASE_URL as IN_PROCESS_BASE
from mockserver.inprocess import InThreadAdapter
from mockserver.spec import load_spec

from .auth import LtiCredentials
from .safety import Gate, gated_session

SANDBOX_TOOL = "Mock Grading Tool"
DEFAULT_MOCK_COURSE = 101


class HttpResponse(Protocol):
    status_code: int
    headers: Any
    text: str

    def json(self) -> Any: ...


class TargetError(RuntimeError):
    """The target cannot be used as configured (missing credentials, unreachable…)."""


class TargetUnreachable(TargetError):
    """No answer from the target's URL at all (refused, unknown host, not a URL, timed out)."""


#: Paths Canvas serves on the root account only.
ROOT_ONLY = re.compile(r"/lti_registration|/data_services|/event_types")


@dataclass
class Sandbox:
    """Ids the generators steer towards so cases reach handlers instead of 404s."""

    course_id: int
    account_id: int | None = None
    #: The root account above ``account_id`` (LTI Registrations answer only there); found by discovery.
    root_account_id: int | None = None
    group_ids: list[int] = field(default_factory=list)
    student_ids: list[str] = field(default_factory=list)

    @property
    def root(self) -> int | None:
        """Where LTI Registrations and data-service subscriptions live (Canvas answers a sub-account
        401/404): the root account, or the sandbox account until discovery finds the root."""
        return self.root_account_id or self.account_id

    def account_for(self, path: str) -> int | None:
        """The account a path's ``{account_id}`` should name."""
        return self.root if ROOT_ONLY.search(path) else self.account_id


@dataclass
class Target:
    base_url: str
    gate: Gate
    is_mock: bool
    creds: LtiCredentials
    sandbox: Sandbox
    session: requests.Session
    api_token: str | None = None

    def request(self, method: str, path_or_url: str, **kwargs: Any) -> HttpResponse:
        """Send one of the suite's own requests through the gate."""
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        return self.session.request(method, url, timeout=30, **kwargs)

    def post_token(self, url: str, form: dict[str, str]) -> tuple[int, Any]:
        response = self.request("POST", url, data=form)
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, response.text

    def close(self) -> None:
        self.session.close()


def spec_operations(spec: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """``[{operationId, method, path, tags, mock_only, secured}]`` in spec order."""
    spec = spec or load_spec()
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                security = op.get("security", spec.get("security", []))
                found.append({"operationId": op["operationId"], "method": method.upper(), "path": path,
                              "tags": list(op.get("tags", [])), "mock_only": bool(op.get("x-mock-only")),
                              "secured": any(requirement for requirement in security)})
    return found


def looks_like_mock_config(body: Any) -> bool:
    """Our mock's ``/__mock__/config`` shape: a token URL and tools with keys."""
    return (isinstance(body, dict) and isinstance(body.get("token_url"), str) and isinstance(body.get("tools"), list)
            and all(isinstance(t, dict) and {"client_id", "kid", "private_key_pem"} <= t.keys() for t in body["tools"]))


def _mock_credentials(config: dict[str, Any], base_url: str, course_id: int) -> tuple[LtiCredentials, Sandbox]:
    tools = config["tools"]
    tool = next((t for t in tools if t.get("name") == SANDBOX_TOOL), tools[0] if tools else None)
    if tool is None:
        raise TargetError("the mock's config lists no tools")
    # The mock builds URLs from the request host; use ours so in-process and HTTP agree.
    creds = LtiCredentials(client_id=str(tool["client_id"]), private_key_pem=tool["private_key_pem"],
                           kid=tool["kid"], token_url=f"{base_url}/login/oauth2/token",
                           deployment_id=tool.get("deployment_id", ""), scopes=tuple(tool.get("scopes", ())))
    course = next((c for c in config.get("courses", []) if c.get("id") == course_id), None)
    students = [u["lti_id"] for u in config.get("users", []) if u.get("lti_id") and any(
        e.get("course_id") == course_id and e.get("type") == "StudentEnrollment" and e.get("state", "active") == "active"
        for e in u.get("enrollments", []))]
    groups = [g["id"] for g in config.get("groups", []) if g.get("course_id") == course_id]
    sandbox = Sandbox(course_id=course_id, account_id=(course or {}).get("account_id"),
                      group_ids=groups, student_ids=students)
    return creds, sandbox


def in_process_target(gate: Gate, app: Any = None, course_id: int | None = None) -> Target:
    """A fresh in-process mock (or ``app``), reached through the gate without any network."""
    if app is None:
        from mockserver import create_app

        app = create_app()
    target = Target(base_url=IN_PROCESS_BASE, gate=gate, is_mock=True, session=gated_session(gate, InThreadAdapter(app)),
                    creds=LtiCredentials("", "", "", ""), sandbox=Sandbox(course_id or DEFAULT_MOCK_COURSE))
    config = target.request("GET", "/__mock__/config").json()
    target.creds, target.sandbox = _mock_credentials(config, IN_PROCESS_BASE, course_id or DEFAULT_MOCK_COURSE)
    target.api_token = _mock_api_token(config)
    return target


def _mock_api_token(config: dict[str, Any]) -> str | None:
    """The mock's first Canvas API token (the fixtures list the account admin's first)."""
    tokens = config.get("api_tokens") or []
    return tokens[0].get("token") if tokens else None


@dataclass
class RemoteOptions:
    """Credentials for a target that is not our mock (all optional for a mock by URL)."""

    client_id: str | None = None
    private_key_pem: str | None = None
    kid: str | None = None
    token_url: str | None = None
    deployment_id: str | None = None
    api_token: str | None = None
    course_id: int | None = None
    account_id: int | None = None


def remote_target(base_url: str, gate: Gate, options: RemoteOptions) -> Target:
    """A target by URL: our mock if ``/__mock__/config`` answers with its shape, else Canvas."""
    base_url = base_url.rstrip("/")
    session = gated_session(gate)
    try:
        probe = session.get(f"{base_url}/__mock__/config", timeout=30)
    except requests.RequestException as exc:
        raise TargetUnreachable(unreachable(base_url, exc)) from exc
    try:
        config = probe.json() if probe.status_code == 200 else None
    except ValueError:
        config = None
    if looks_like_mock_config(config):
        assert config is not None
        creds, sandbox = _mock_credentials(config, base_url, options.course_id or DEFAULT_MOCK_COURSE)
        gate.is_mock = True
        return Target(base_url=base_url, gate=gate, is_mock=True, creds=creds, sandbox=sandbox, session=session,
                      api_token=options.api_token or _mock_api_token(config))
    missing = [name for name in ("client_id", "private_key_pem", "kid", "course_id") if not getattr(options, name)]
    if missing:
        flags = ", ".join("--" + n.replace("_pem", "").replace("_", "-") for n in missing)
        raise TargetError(f"{base_url} is not our mock; a real Canvas needs {flags}")
    gate.is_mock = False
    assert options.course_id is not None
    gate.sandbox_course = options.course_id
    creds = LtiCredentials(client_id=str(options.client_id), private_key_pem=str(options.private_key_pem),
                           kid=str(options.kid), token_url=options.token_url or f"{base_url}/login/oauth2/token",
                           deployment_id=options.deployment_id or "")
    return Target(base_url=base_url, gate=gate, is_mock=False, creds=creds, session=session,
                  sandbox=Sandbox(options.course_id, options.account_id), api_token=options.api_token)
