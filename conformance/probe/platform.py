"""The platform side of a probe: a running mock, driven only through its HTTP API.

Everything the probe needs from the platform — the tool's registration, launches, the
platform's signature on tampered claims, key rotation, the mock clock — goes through
``/__mock__/`` control operations, so a mock started by ``canvas-lti mock`` in another process
works as well as one in a test, and every step lands in the mock's request journal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from mockserver.cli_errors import unreachable


class ProbeError(RuntimeError):
    """The probe cannot run as asked (mock unreachable, unknown tool, …): exit 2."""


class MockUnreachable(ProbeError):
    """No answer at all from the mock's URL (refused, unknown host, timed out)."""


@dataclass
class ToolRegistration:
    """The tool as the mock knows it: its developer key and where a launch goes."""

    name: str
    client_id: str
    deployment_id: str
    installed_in: dict[str, Any]
    public_jwk: dict[str, Any] | None
    public_jwk_url: str | None


class Platform:
    def __init__(self, base_url: str, client: httpx.Client | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = client or httpx.Client(timeout=30)
        self.config = self._json("GET", "/__mock__/config")
        if not isinstance(self.config, dict) or "issuer" not in self.config or "tools" not in self.config:
            raise ProbeError(f"{self.base_url} is not a canvas-lti mock (GET /__mock__/config has no issuer/tools)")

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.http.request(method, f"{self.base_url}{path}", **kwargs)
        except httpx.HTTPError as exc:
            raise MockUnreachable(unreachable(self.base_url, exc)) from None
        if response.status_code >= 400:
            try:
                detail = "; ".join(e.get("message", "") for e in response.json().get("errors", []))
            except (ValueError, AttributeError, TypeError):
                detail = response.text[:200]
            raise ProbeError(f"{method} {path}: HTTP {response.status_code}: {detail}")
        return response.json() if response.content else None

    @property
    def issuer(self) -> str:
        return str(self.config["issuer"])

    def registration(self, tool: str) -> ToolRegistration:
        """The developer key named ``tool`` (a key name or client id)."""
        entry = next((t for t in self.config["tools"] if tool in (t["name"], t["client_id"])), None)
        if entry is None:
            names = ", ".join(f"{t['name']} ({t['client_id']})" for t in self.config["tools"])
            raise ProbeError(f"no developer key {tool!r} in the mock (known: {names})")
        state = self._json("GET", "/__mock__/state")
        key = next((k for k in state.get("developer_keys", []) if str(k.get("id")) == entry["client_id"]), {})
        return ToolRegistration(name=entry["name"], client_id=entry["client_id"], deployment_id=entry["deployment_id"],
                                installed_in=entry.get("installed_in") or {}, public_jwk=key.get("public_jwk"),
                                public_jwk_url=key.get("public_jwk_url"))

    def default_course(self, reg: ToolRegistration) -> str:
        """The course the tool is installed in, else the first active course that can launch it."""
        if reg.installed_in.get("type") == "Course":
            return str(reg.installed_in["id"])
        for course in self.config["courses"]:
            if course.get("workflow_state") not in ("deleted", "completed"):
                try:
                    self.start_launch(reg.client_id, str(course["id"]), self.default_user(str(course["id"])))
                except ProbeError:
                    continue
                return str(course["id"])
        raise ProbeError(f"no course of the mock can launch {reg.name}; pass --course")

    def default_user(self, course: str) -> str:
        """An active teacher of the course (deep linking is an instructor's action), else any member."""
        members = [(u, e) for u in self.config["users"] for e in u.get("enrollments", [])
                   if str(e.get("course_id")) == course and e.get("state") == "active"]
        for user, enrollment in members:
            if enrollment.get("type") == "TeacherEnrollment":
                return str(user["id"])
        if members:
            return str(members[0][0]["id"])
        raise ProbeError(f"course {course} has no active member to launch as; pass --user")

    def start_launch(self, tool: str, course: str, user: str, message_type: str = "LtiResourceLinkRequest") -> dict[str, Any]:
        """``POST /__mock__/launches``: the login request Canvas would send the tool."""
        return self._json("POST", "/__mock__/launches", headers={"Accept": "application/json"},
                          json={"tool": tool, "course": course, "user": user, "message_type": message_type})

    def sign(self, claims: dict[str, Any]) -> str:
        """The platform's RS256 signature (current key) on ``claims`` as given."""
        return str(self._json("POST", "/__mock__/id_tokens", json={"claims": claims})["id_token"])

    def jwks(self) -> dict[str, Any]:
        return self._json("GET", "/api/lti/security/jwks")

    def rotate_keys(self) -> dict[str, Any]:
        return self._json("POST", "/__mock__/keys/rotate")

    def now(self) -> float:
        """The mock clock (what the platform's ``iat``/``exp`` are measured by)."""
        return float(self._json("GET", "/__mock__/clock")["epoch"])

    def fetch(self, url: str) -> httpx.Response:
        return self.http.get(url)

    def close(self) -> None:
        self.http.close()
