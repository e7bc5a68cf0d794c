"""Known-good requests: for operations that random generation cannot bring to a success answer.

Some operations only succeed at the end of a protocol: ``authorize`` needs the login hint of a
launch in progress, the deep linking response a JWT signed by the launched tool, the OpenID
configuration a registration token, a tool configuration a JWK. A fuzzer never guesses those, so
without help such an operation would only ever be seen refusing, and "no failure" would say
nothing about its success path. Each recipe builds one such request from what the run knows
(the sandbox, the pools, the tool's own key), like an explicit example in the spec; the suite
sends it as one more case, through every check.

Recipes only prepare; the gate still decides: on a real Canvas a recipe whose request (or set-up)
is a write outside the sandbox is skipped, and the mock-only ones run only against the mock.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
from jwt.algorithms import RSAAlgorithm

from mockserver.tool_client import signing_key

from . import fixtures
from .context import RunContext, utc_now

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
TOOL_URL = "https://conform.example.com/launch"
#: An LTI Registrations API configuration (§16.3).
REGISTRATION_CONFIG = {"title": "Conformance Tool", "description": "Made by canvas-lti conform",
                       "target_link_uri": TOOL_URL, "oidc_initiation_url": "https://conform.example.com/login",
                       "redirect_uris": [TOOL_URL], "scopes": [],
                       "placements": [{"placement": "course_navigation", "enabled": True}], "launch_settings": {}}


@dataclass
class KnownGood:
    """One request for an operation (its path template comes from the spec)."""

    path_parameters: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    media_type: str | None = None


@dataclass(frozen=True)
class Launch:
    """One launch of the suite's tool: the login Canvas initiated (§10.1), the authentication
    request the suite answered it with (§10.2) and the id_token Canvas posted back (§10.3)."""

    message_type: str
    method: str
    login: dict[str, str]
    request: dict[str, str]
    id_token: str

    @property
    def claims(self) -> dict[str, Any]:
        """The id_token's claims, unverified (signed_token_kid_in_jwks judges its signature)."""
        return jwt.decode(self.id_token, options={"verify_signature": False})


class RecipeUnavailable(Exception):
    """The run lacks what the recipe needs (ids, a token, the mock); the operation keeps its
    generated cases only."""


class PageForm(HTMLParser):
    """The named inputs of an auto-posting form page (launch pages, the authorize answer)."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    @classmethod
    def read(cls, html: str) -> PageForm:
        form = cls()
        form.feed(html)
        return form

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.action:
            self.action = values.get("action", "")
        elif tag == "input" and "name" in values:
            self.fields[values["name"]] = values.get("value", "")


class Recipes:
    """The recipes of one run, by operationId."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.by_operation: dict[str, Callable[[], list[KnownGood]]] = {
            "getOpenIdConfiguration": self.openid_configuration,
            "getRegistrationToken": self.registration_token,
            "createRegistration": self.registration,
            "startMockLaunch": self.mock_launch,
            "authorizeRedirect": lambda: self.authorize_redirect(post=False),
            "authorizeRedirectPost": lambda: self.authorize_redirect(post=True),
            "authorizeLaunch": lambda: self.authorize(post=False),
            "authorizeLaunchPost": lambda: self.authorize(post=True),
            "deepLinkingResponse": self.deep_linking_response,
            "setMockClock": lambda: [KnownGood(body={"reset": True}, media_type="application/json")],
            "createCourseExternalTool": lambda: [self.api(body=self.lti11_tool(), course=True)],
            "createAccountExternalTool": lambda: [self.api(body=self.lti11_tool(), account=True)],
            "getCourseSessionlessLaunch": lambda: [self.api(query={"id": self.course_tool()}, course=True)],
            "postCourseSessionlessLaunch": lambda: [self.api(body={"id": self.course_tool()}, course=True)],
            "getAccountSessionlessLaunch": lambda: [self.api(query={"id": self.account_tool()}, account=True)],
            "postAccountSessionlessLaunch": lambda: [self.api(body={"id": self.account_tool()}, account=True)],
            "getCourseLtiJwtToken": lambda: [self.api(query={"tool_id": self.course_tool()}, course=True)],
            "launchCourseExternalTool": lambda: [self.sessionless_page({"id": self.course_tool()})],
            "retrieveCourseExternalTool": lambda: [self.sessionless_page({"url": self._first(self.ctx.pools.tool_urls,
                                                                                              "tool URL")})],
            "launchCourseAssignment": lambda: [self.sessionless_page({"launch_type": "assessment",
                                                                      "assignment_id": self.tool_assignment()})],
            "createLtiResourceLink": self.resource_link,
            "createLtiRegistration": self.lti_registration,
            "bindLtiRegistration": self.bind_registration,
            "applyLtiRegistrationUpdateRequest": self.apply_update_request,
            "createToolConfiguration": self.tool_configuration,
            "updateToolConfiguration": self.update_tool_configuration,
            "createLtiAccountExternalTool": self.lti_account_tool,
            "createDataServiceSubscription": self.subscription,
            "updateDataServiceSubscription": self.subscription_update,
            "updatePublicJwk": self.public_jwk,
            "createScore": self.score,
            "removeMockFaultSet": self.fault_set,
            "getMockConsoleStatic": lambda: [KnownGood({"filename": "console.css"})] if self.mock_config() else [],
            "getMockLaunch": lambda: [KnownGood({"launch_id": self.launch_id()})],
            "getMockConsoleLaunch": lambda: [KnownGood({"launch_id": self.launch_id()})],
            "getMockConsoleLaunchStatus": lambda: [KnownGood({"launch_id": self.launch_id()})],
            "getMockRequestCurl": lambda: [KnownGood({"seq": self.journal_seq()})],
            "getMockConsoleTool": lambda: [KnownGood({"client_id": self.ctx.tokens.creds.client_id})]
            if self.mock_config() else [],
        }

    def __contains__(self, operation_id: str) -> bool:
        return operation_id in self.by_operation

    def build(self, operation_id: str) -> list[KnownGood]:
        return self.by_operation[operation_id]()

    # -- what the run knows ------------------------------------------------------------------------

    @property
    def sandbox(self) -> Any:
        return self.ctx.target.sandbox

    def root(self) -> int:
        root = self.sandbox.root
        if not root:
            raise RecipeUnavailable("no account known")
        return int(root)

    def account(self) -> int:
        if not self.sandbox.account_id:
            raise RecipeUnavailable("no sandbox account known")
        return int(self.sandbox.account_id)

    def api_headers(self) -> dict[str, str]:
        headers = self.ctx.api_headers()
        if headers is None:
            raise RecipeUnavailable("no Canvas API token (--api-token)")
        return headers

    def api(self, *, body: Any = None, query: dict[str, Any] | None = None, course: bool = False,
            account: bool = False) -> KnownGood:
        params: dict[str, Any] = {}
        if course:
            params["course_id"] = self.ctx.course
        if account:
            params["account_id"] = self.account()
        return KnownGood(params, query, self.api_headers(), body, "application/json" if body is not None else None)

    def course_tool(self) -> int:
        return self._first(self.ctx.pools.course_tools or self.ctx.pools.lti_account_tools, "course tool")

    def account_tool(self) -> int:
        return self._first(self.ctx.pools.account_tools, "account tool")

    @staticmethod
    def _first(pool: list[Any], what: str) -> Any:
        if not pool:
            raise RecipeUnavailable(f"no {what} known")
        return pool[0]

    def sessionless_page(self, query: dict[str, Any]) -> KnownGood:
        """The page a fresh sessionless launch link opens (its ``session_token`` lasts 30 seconds)."""
        self.mock_config()  # the pages are served by the mock only (a real Canvas needs the browser session)
        response = self.ctx.target.request("GET", f"/api/v1/courses/{self.ctx.course}/external_tools/sessionless_launch",
                                           params=query, headers=self.api_headers())
        url = (response.json() or {}).get("url") if response.status_code == 200 else None
        if not isinstance(url, str):
            raise RecipeUnavailable(f"sessionless launch: {response.status_code}")
        parts = urlsplit(url)
        segments = parts.path.strip("/").split("/")  # courses/:id/external_tools/:id, …/retrieve, assignments/:id
        names = {"external_tools": "tool_id", "assignments": "assignment_id"}
        path = {"course_id": segments[1]}
        if segments[-1] != "retrieve":
            path[names[segments[2]]] = segments[3]
        return KnownGood(path, dict(parse_qsl(parts.query)))

    def tool_assignment(self) -> int:
        """An assignment of the sandbox course that launches an external tool (the mock's state)."""
        state = self.ctx.target.request("GET", "/__mock__/state").json()
        found = [a["id"] for a in state.get("assignments", []) if a.get("course_id") == self.ctx.course
                 and a.get("external_tool_id") is not None and a.get("workflow_state", "published") != "deleted"]
        return self._first(found, "external-tool assignment")

    def mock_config(self) -> dict[str, Any]:
        if not self.ctx.target.is_mock:
            raise RecipeUnavailable("needs the mock")
        return self.ctx.target.request("GET", "/__mock__/config").json()

    def public_jwk(self) -> list[KnownGood]:
        """The suite tool's own public key, re-published unchanged (so its tokens keep working)."""
        scopes = self.ctx.scopes_for("updatePublicJwk")
        return [KnownGood(headers=self.ctx.bearer(*scopes), body={"developer_key": {"public_jwk": self.own_jwk()}},
                          media_type="application/json")]

    def own_jwk(self) -> dict[str, Any]:
        creds = self.ctx.tokens.creds
        key = signing_key(creds.private_key_pem)
        public = json.loads(RSAAlgorithm.to_jwk(key.public_key()))  # type: ignore[arg-type]
        return {**public, "kid": creds.kid, "alg": "RS256", "use": "sig"}

    @staticmethod
    def lti11_tool() -> dict[str, Any]:
        return {"name": "Conformance Tool", "consumer_key": "conform", "shared_secret": "TEST-ONLY-conform-secret",
                "url": TOOL_URL, "privacy_level": "public"}

    def score(self) -> list[KnownGood]:
        """A current score for an enrolled student on a line item the run creates for it."""
        item = fixtures.create_line_item(self.ctx)
        if item is None:
            raise RecipeUnavailable("could not create a line item")
        student = self._first(self.sandbox.student_ids, "student")
        body = {"userId": student, "scoreGiven": 7.5, "scoreMaximum": 10, "activityProgress": "Completed",
                "gradingProgress": "FullyGraded", "timestamp": utc_now(), "comment": "canvas-lti conform"}
        return [KnownGood({"course_id": self.ctx.course, "line_item_id": item}, None,
                          self.ctx.bearer(*self.ctx.scopes_for("createScore")), body,
                          "application/vnd.ims.lis.v1.score+json")]

    def fault_set(self) -> list[KnownGood]:
        """The mock only: a fault rule set that matches no request, added so that it can be removed."""
        self.mock_config()
        rule = {"kind": "status", "status": 502, "path": "/conform/never-requested", "times": 1}
        added = self.ctx.target.request("POST", "/__mock__/faults", json={"rules": [rule]})
        if added.status_code != 201:
            raise RecipeUnavailable(f"fault set: {added.status_code}")
        return [KnownGood({"set_id": added.json()["id"]})]

    # -- dynamic registration (§12) ------------------------------------------------------------------

    def _registration_token(self) -> dict[str, Any]:
        response = self.ctx.target.request("GET", f"/api/lti/accounts/{self.root()}/registration_token",
                                             headers=self.api_headers())
        if response.status_code != 200:
            raise RecipeUnavailable(f"registration token: {response.status_code}")
        return response.json()

    def registration_token(self) -> list[KnownGood]:
        return [KnownGood({"account_id": self.root()}, None, self.api_headers())]

    def openid_configuration(self) -> list[KnownGood]:
        return [KnownGood(query={"registration_token": self._registration_token()["token"]})]

    def registration(self) -> list[KnownGood]:
        token = self._registration_token()["token"]
        body = {"application_type": "web", "grant_types": ["client_credentials", "implicit"],
                "response_types": ["id_token"], "client_name": "Conformance Registered Tool",
                "redirect_uris": [TOOL_URL], "initiate_login_uri": "https://conform.example.com/login",
                "jwks_uri": "http://127.0.0.1:1/jwks",  # the mock accepts only loopback key sets "token_endpoint_auth_method": "private_key_jwt",
                "scope": "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                    "domain": "conform.example.com", "target_link_uri": TOOL_URL}}
        return [KnownGood(headers={"Authorization": f"Bearer {token}"}, body=body, media_type="application/json")]

    # -- launches (§10, §11) -------------------------------------------------------------------------

    def _launch_body(self, message_type: str | None = None) -> dict[str, Any]:
        config = self.mock_config()
        client_id = self.ctx.tokens.creds.client_id
        tool = next((t for t in config["tools"] if str(t.get("client_id")) == client_id), None)
        users = [u for u in config.get("users", []) if u.get("lti_id") in self.sandbox.student_ids]
        if tool is None or not users:
            raise RecipeUnavailable("no launchable tool and user")
        body = {"tool": str(tool["tool_id"]), "course": str(self.ctx.course), "user": str(users[0]["id"])}
        if message_type:
            body["message_type"] = message_type
        return body

    def launch_id(self) -> int:
        """A launch record's id (a launch is started when the mock holds none)."""
        self.mock_config()
        for attempt in range(2):
            launches = self.ctx.target.request("GET", "/__mock__/launches").json().get("launches") or []
            if launches:
                return int(launches[0]["id"])
            if not attempt:
                self.ctx.target.request("POST", "/__mock__/launches", json=self._launch_body())
        raise RecipeUnavailable("no launch record")

    def journal_seq(self) -> int:
        """The sequence number of the run's own newest GET (small, and received live, so it has a
        reproducible curl: an entry loaded from a state dump has none). The journal keeps Canvas's
        routes, not /__mock__'s, so the recipe reads the JWKS first."""
        self.mock_config()
        self.ctx.target.request("GET", "/api/lti/security/jwks")
        entries = self.ctx.target.request("GET", "/__mock__/requests", params={"method": "GET"}).json().get("requests")
        if not entries:
            raise RecipeUnavailable("empty journal")
        return max(int(entry["seq"]) for entry in entries)

    def mock_launch(self) -> list[KnownGood]:
        return [KnownGood(body=self._launch_body(), media_type="application/json")]

    def _login(self, message_type: str | None = None) -> dict[str, str]:
        response = self.ctx.target.request("POST", "/__mock__/launches", json=self._launch_body(message_type))
        if response.status_code != 201:
            raise RecipeUnavailable(f"launch: {response.status_code}")
        return {k: str(v) for k, v in response.json()["params"].items()}

    def authorize_redirect(self, post: bool) -> list[KnownGood]:
        params = self._login()
        if post:
            return [KnownGood(body=params, media_type="application/x-www-form-urlencoded")]
        return [KnownGood(query=params)]

    def auth_request(self, message_type: str | None = None, login: dict[str, str] | None = None) -> dict[str, str]:
        """The tool's authentication request (§10.2) answering a fresh launch's login (mock only)."""
        login = login or self._login(message_type)
        return {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
                "client_id": login["client_id"], "redirect_uri": login["target_link_uri"],
                "login_hint": login["login_hint"], "lti_message_hint": login["lti_message_hint"],
                "state": uuid.uuid4().hex, "nonce": uuid.uuid4().hex}

    def authorize(self, post: bool) -> list[KnownGood]:
        params = self.auth_request()
        if post:
            return [KnownGood(body=params, media_type="application/x-www-form-urlencoded")]
        return [KnownGood(query=params)]

    def launch(self, message_type: str | None = None, method: str = "GET") -> Launch:
        """A launch of the suite's tool to its id_token, as the authorize answer (to a ``method``
        request) posts it (mock only)."""
        message_type = None if message_type == RESOURCE_LINK_REQUEST else message_type
        login = self._login(message_type)
        request = self.auth_request(message_type, login)
        sent = {"params": request} if method == "GET" else {"data": request}
        response = self.ctx.target.request(method, "/api/lti/authorize", **sent)
        form = PageForm.read(response.text)
        token = form.fields.get("id_token")
        if response.status_code != 200 or not token:
            raise RecipeUnavailable(f"{message_type or 'resource link'} launch: {response.status_code}")
        return Launch(message_type or RESOURCE_LINK_REQUEST, method, login, request, token)

    def launch_id_token(self, message_type: str | None = None) -> str:
        return self.launch(message_type).id_token

    def deep_linking_response(self, title: str = "Conformance link") -> list[KnownGood]:
        """A deep linking launch of the suite's tool, answered with one link (``title``) signed by its key."""
        claims = jwt.decode(self.launch_id_token(DEEP_LINKING_REQUEST), options={"verify_signature": False})
        settings = claims.get(DL + "deep_linking_settings") or {}
        return_url = urlsplit(str(settings.get("deep_link_return_url", "")))
        creds = self.ctx.tokens.creds
        now = int(time.time())
        payload = {"iss": creds.client_id, "aud": claims.get("iss"), "iat": now, "exp": now + 300,
                   "nonce": uuid.uuid4().hex, LTI + "deployment_id": claims.get(LTI + "deployment_id"),
                   LTI + "message_type": "LtiDeepLinkingResponse", LTI + "version": "1.3.0",
                   DL + "content_items": [{"type": "ltiResourceLink", "title": title, "url": TOOL_URL}]}
        if "data" in settings:
            payload[DL + "data"] = settings["data"]
        signed = jwt.encode(payload, signing_key(creds.private_key_pem), algorithm="RS256", headers={"kid": creds.kid})
        course = return_url.path.strip("/").split("/")[1] if return_url.path.count("/") >= 2 else str(self.ctx.course)
        return [KnownGood({"course_id": course}, dict(parse_qsl(return_url.query)) or None, {}, {"JWT": signed},
                          "application/x-www-form-urlencoded")]

    # -- REST and account-level LTI resources (§16) ------------------------------------------------

    def resource_link(self) -> list[KnownGood]:
        return [self.api(body={"url": self._first(self.ctx.pools.tool_urls, "tool URL"), "title": "Conformance"},
                         course=True)]

    def lti_registration(self) -> list[KnownGood]:
        good = self.api(body={"name": "Conformance Tool", "configuration": REGISTRATION_CONFIG})
        good.path_parameters["account_id"] = self.root()
        return [good]

    def bind_registration(self) -> list[KnownGood]:
        good = self.api(body={"workflow_state": "on"})
        good.path_parameters.update(account_id=self.root(), id=self._first(self.ctx.pools.registrations, "registration"))
        return [good]

    def apply_update_request(self) -> list[KnownGood]:
        """The mock only: a pending update request is put into the world (as a re-registration
        would leave one), then accepted."""
        registration = self._first(self.ctx.pools.registrations, "registration")
        self.mock_config()
        target = self.ctx.target
        state = target.request("GET", "/__mock__/state").json()
        requests = state.setdefault("registration_update_requests", [])
        new_id = max([int(r.get("id", 0)) for r in requests] or [0]) + 1
        requests.append({"id": new_id, "registration_id": registration,
                         "configuration": {**REGISTRATION_CONFIG, "title": "Conformance update"}})
        stored = target.request("PUT", "/__mock__/state", json=state)
        if stored.status_code != 204:
            raise RecipeUnavailable(f"could not store an update request: {stored.status_code} {stored.text[:200]}")
        good = self.api(body={"accepted": True})
        good.path_parameters.update(account_id=self.root(), id=registration, update_request_id=new_id)
        return [good]

    def _tool_settings(self) -> dict[str, Any]:
        return {"title": "Conformance 1.3 Tool", "target_link_uri": TOOL_URL,
                "oidc_initiation_url": "https://conform.example.com/login", "public_jwk": self.own_jwk(),
                "extensions": [{"platform": "canvas.instructure.com", "domain": "conform.example.com",
                                "privacy_level": "public", "settings": {"placements": [
                                    {"placement": "course_navigation", "message_type": "LtiResourceLinkRequest"}]}}]}

    def tool_configuration(self) -> list[KnownGood]:
        body = {"developer_key": {"name": "Conformance key", "redirect_uris": TOOL_URL},
                "tool_configuration": {"settings": self._tool_settings()}}
        good = self.api(body=body)
        good.path_parameters["account_id"] = self.root()
        return [good]

    def update_tool_configuration(self) -> list[KnownGood]:
        created = self.ctx.target.request(
            "POST", f"/api/lti/accounts/{self.root()}/developer_keys/tool_configuration", headers=self.api_headers(),
            json=self.tool_configuration()[0].body)
        if created.status_code != 200:
            raise RecipeUnavailable(f"tool configuration: {created.status_code}")
        good = self.api(body={"tool_configuration": {"settings": self._tool_settings()}})
        good.path_parameters["developer_key_id"] = created.json()["developer_key"]["id"]
        return [good]

    def lti_account_tool(self) -> list[KnownGood]:
        scopes = self.ctx.scopes_for("createLtiAccountExternalTool")
        return [KnownGood({"account_id": self.account()}, None, self.ctx.bearer(*scopes),
                          {"client_id": self.ctx.tokens.creds.client_id}, "application/json")]

    def subscription(self) -> list[KnownGood]:
        scopes = self.ctx.scopes_for("createDataServiceSubscription")
        body = {"subscription": {"ContextId": str(self.root()), "ContextType": "account",
                                 "EventTypes": ["asset_accessed"], "Format": "live-event", "TransportType": "https",
                                 "TransportMetadata": {"Url": "https://conform.example.com/live-events"}}}
        return [KnownGood({"account_id": self.root()}, None, self.ctx.bearer(*scopes), body, "application/json")]


    def subscription_update(self) -> list[KnownGood]:
        """Changing the event types of one of the run's own subscriptions (made by ``ensure_rest_fixtures``)."""
        if not self.ctx.pools.subscriptions:
            raise RecipeUnavailable("no subscription of the run's own")
        scopes = self.ctx.scopes_for("updateDataServiceSubscription")
        body = {"subscription": {"EventTypes": ["asset_accessed"]}}
        return [KnownGood({"account_id": self.root(), "subscription_id": self.ctx.pools.subscriptions[0]}, None,
                          self.ctx.bearer(*scopes), body, "application/json")]

