"""A small LTI 1.3 tool for the end-to-end tests: a real HTTP app (Starlette + uvicorn in a
thread) that verifies id_tokens with PyJWT's ``PyJWKClient`` against the platform's JWKS URL —
never with the mock's own helpers — and calls the services with URLs taken from the claims.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Protocol, TypeVar
from urllib.parse import urlencode

import httpx
import jwt
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests import net

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FormReader(HTMLParser):
    """Reads the first ``<form>`` of a page: action, method and its named inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.method = "GET"
        self.fields: dict[str, str] = {}
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None:
            self.action, self.method, self._in_form = values.get("action", ""), values.get("method", "GET").upper(), True
        elif tag == "input" and self._in_form and "name" in values:
            self.fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False


def read_form(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    assert reader.action is not None, f"no form in page: {html[:200]}"
    return reader


def new_rsa_key() -> tuple[str, dict[str, Any]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return pem, RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)


@dataclass
class LtiTool:
    """Platform settings + the tool's own key; ``client_id`` may be set later (registration)."""

    issuer: str
    platform_jwks_url: str
    authorize_url: str
    token_url: str
    client_id: str = ""
    private_key_pem: str = ""
    kid: str = ""
    base_url: str = ""
    states: dict[str, dict[str, str]] = field(default_factory=dict)
    used_nonces: set[str] = field(default_factory=set)
    launches: list[dict[str, Any]] = field(default_factory=list)
    registration: dict[str, Any] | None = None
    _jwk_client: jwt.PyJWKClient | None = None

    # -- keys ------------------------------------------------------------------------------------

    def generate_key(self) -> None:
        self.private_key_pem, jwk = new_rsa_key()
        self.kid = f"tool-{uuid.uuid4().hex[:8]}"
        self.public_jwk = {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}

    def jwk_client(self) -> jwt.PyJWKClient:
        if self._jwk_client is None:
            self._jwk_client = jwt.PyJWKClient(self.platform_jwks_url, cache_keys=True)
        return self._jwk_client

    # -- OIDC ------------------------------------------------------------------------------------

    def login(self, request: Request, params: dict[str, str]) -> Response:
        if params.get("iss") != self.issuer or params.get("client_id") != self.client_id:
            return JSONResponse({"error": "unknown platform or client"}, 400)
        state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.states[state] = {"nonce": nonce, "target_link_uri": params["target_link_uri"]}
        query = {
            "scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
            "client_id": self.client_id, "redirect_uri": f"{self.base_url}/launch",
            "login_hint": params["login_hint"], "lti_message_hint": params["lti_message_hint"],
            "state": state, "nonce": nonce,
        }
        return RedirectResponse(f"{self.authorize_url}?{urlencode(query)}", status_code=302)

    def verify_launch(self, form: dict[str, str]) -> dict[str, Any]:
        """What a careful tool does with the posted id_token (raises on any problem)."""
        if "error" in form:
            raise ValueError(f"platform error: {form['error']}: {form.get('error_description')}")
        saved = self.states.pop(form.get("state", ""), None)
        if saved is None:
            raise ValueError("unknown state")
        token = form["id_token"]
        signing_key = self.jwk_client().get_signing_key_from_jwt(token)
        claims = jwt.decode(token, signing_key.key, algorithms=["RS256"], audience=self.client_id,
                            issuer=self.issuer, options={"require": ["exp", "iat", "sub", "nonce"]})
        if claims["nonce"] != saved["nonce"] or claims["nonce"] in self.used_nonces:
            raise ValueError("nonce mismatch or replay")
        self.used_nonces.add(claims["nonce"])
        if claims[LTI + "version"] != "1.3.0":
            raise ValueError("not LTI 1.3")
        self.launches.append(claims)
        return claims

    # -- services --------------------------------------------------------------------------------

    def assertion(self, **overrides: Any) -> str:
        now = int(time.time())
        claims = {"iss": self.client_id, "sub": self.client_id, "aud": self.token_url, "iat": now,
                  "exp": now + 300, "jti": str(uuid.uuid4()), **overrides}
        return jwt.encode(claims, self.private_key_pem, algorithm="RS256", headers={"kid": self.kid})

    def access_token(self, scopes: list[str]) -> str:
        response = net.post(self.token_url, data={
            "grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": self.assertion(), "scope": " ".join(scopes)})
        response.raise_for_status()
        return response.json()["access_token"]

    def roster(self, claims: dict[str, Any]) -> list[dict[str, Any]]:
        service = claims[NRPS_CLAIM]
        token = self.access_token(["https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"])
        response = net.get(service["context_memberships_url"], headers={
            "Authorization": f"Bearer {token}", "Accept": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"})
        response.raise_for_status()
        return response.json()["members"]

    def post_score(self, claims: dict[str, Any], user_id: str, given: float, maximum: float,
                   label: str = "Tool quiz") -> str:
        """Find or create the line item (lineitems URL from the claim), post a score; its URL."""
        ags = claims[AGS_CLAIM]
        token = self.access_token(ags["scope"])
        auth = {"Authorization": f"Bearer {token}"}
        line_item = ags.get("lineitem")
        if line_item is None:
            created = net.post(ags["lineitems"], headers={**auth, "Content-Type": "application/vnd.ims.lis.v2.lineitem+json"},
                                 json={"label": label, "scoreMaximum": maximum, "resourceId": "quiz-1"})
            created.raise_for_status()
            line_item = created.json()["id"]
        scored = net.post(f"{line_item}/scores", headers={**auth, "Content-Type": "application/vnd.ims.lis.v1.score+json"},
                            json={"userId": user_id, "scoreGiven": given, "scoreMaximum": maximum,
                                  "activityProgress": "Completed", "gradingProgress": "FullyGraded",
                                  "timestamp": "2026-05-01T10:00:00.000Z"})
        scored.raise_for_status()
        return line_item

    def results(self, claims: dict[str, Any], line_item: str) -> list[dict[str, Any]]:
        token = self.access_token(["https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"])
        response = net.get(f"{line_item}/results", headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()
        return response.json()

    # -- deep linking ----------------------------------------------------------------------------

    def deep_linking_response(self, claims: dict[str, Any], items: list[dict[str, Any]], **overrides: Any) -> str:
        settings = claims[DL + "deep_linking_settings"]
        now = int(time.time())
        payload = {
            "iss": self.client_id, "aud": self.issuer, "iat": now, "exp": now + 300,
            "nonce": secrets.token_urlsafe(8), "azp": self.client_id,
            LTI + "deployment_id": claims[LTI + "deployment_id"],
            LTI + "message_type": "LtiDeepLinkingResponse", LTI + "version": "1.3.0",
            DL + "content_items": items, DL + "msg": "Done",
        }
        if "data" in settings:
            payload[DL + "data"] = settings["data"]
        payload.update(overrides)
        return jwt.encode(payload, self.private_key_pem, algorithm="RS256", headers={"kid": self.kid})

    # -- dynamic registration ----------------------------------------------------------------------

    def register(self, openid_configuration: str, registration_token: str) -> dict[str, Any]:
        platform = net.get(openid_configuration).json()
        body = {
            "application_type": "web", "grant_types": ["client_credentials", "implicit"],
            "response_types": ["id_token"], "redirect_uris": [f"{self.base_url}/launch"],
            "initiate_login_uri": f"{self.base_url}/login", "client_name": "Registered Test Tool",
            "jwks_uri": f"{self.base_url}/jwks", "token_endpoint_auth_method": "private_key_jwt",
            "scope": " ".join(s for s in platform["scopes_supported"] if "lti-nrps" in s or "lti-ags/scope" in s),
            "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                "domain": "127.0.0.1", "target_link_uri": f"{self.base_url}/launch",
                "claims": ["sub", "iss", "name", "email"],
                "custom_parameters": {"course": "$Canvas.course.id"},
                "messages": [{"type": "LtiResourceLinkRequest", "placements": ["https://canvas.instructure.com/lti/course_navigation"]},
                             {"type": "LtiDeepLinkingRequest", "placements": ["ContentArea"]}],
            },
        }
        response = net.post(platform["registration_endpoint"], json=body,
                              headers={"Authorization": f"Bearer {registration_token}"})
        response.raise_for_status()
        self.registration = response.json()
        self.client_id = self.registration["client_id"]
        self.issuer = platform["issuer"]
        self.token_url = platform["token_endpoint"]
        self.platform_jwks_url = platform["jwks_uri"]
        self.authorize_url = platform["authorization_endpoint"]
        return self.registration

    # -- HTTP app --------------------------------------------------------------------------------

    def app(self) -> Starlette:
        async def login(request: Request) -> Response:
            params = dict(request.query_params)
            if request.method == "POST":
                params.update({k: str(v) for k, v in (await request.form()).items()})
            return self.login(request, params)

        async def launch(request: Request) -> Response:
            form = {k: str(v) for k, v in (await request.form()).items()}
            try:
                claims = self.verify_launch(form)
            except (ValueError, jwt.PyJWTError, KeyError) as exc:
                return JSONResponse({"error": str(exc), "form": form}, 400)
            return JSONResponse({"ok": True, "claims": claims})

        async def jwks(request: Request) -> Response:
            return JSONResponse({"keys": [self.public_jwk]})

        async def register(request: Request) -> Response:
            params = request.query_params
            registration = self.register(params["openid_configuration"], params["registration_token"])
            return JSONResponse(registration)

        return Starlette(routes=[
            Route("/login", login, methods=["GET", "POST"]),
            Route("/launch", launch, methods=["POST"]),
            Route("/jwks", jwks, methods=["GET"]),
            Route("/register", register, methods=["GET"]),
        ])


class Servable(Protocol):
    """A tool with an ASGI app, told its base URL before it is served (``LtiTool``, ``tests/ui``'s tool)."""

    base_url: str

    def app(self) -> Starlette: ...


ServedTool = TypeVar("ServedTool", bound=Servable)


@contextlib.contextmanager
def serve(tool: ServedTool) -> Iterator[ServedTool]:
    port = free_port()
    tool.base_url = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(uvicorn.Config(tool.app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # only a failure waits this long
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "tool did not start"
        time.sleep(0.01)
    try:
        yield tool
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def browse_launch(login: dict[str, Any]) -> httpx.Response:
    """What the browser does: post the login form, follow the redirects to Canvas's authorize
    page, then post its auto-submitting form to the tool; returns the tool's answer."""
    with net.Client(follow_redirects=True) as browser:
        page = browser.post(login["login_url"], data=login["params"])
        assert page.status_code == 200, page.text
        form = read_form(page.text)
        return browser.post(form.action or "", data=form.fields)
