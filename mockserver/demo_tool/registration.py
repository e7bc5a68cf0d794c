"""The demo tool installs itself by URL: LTI Dynamic Registration 1.0, the tool's side.

A platform opens the tool's registration initiation URL (Canvas: in a frame of "install by URL")
with ``openid_configuration`` and ``registration_token`` (§3.3). The tool reads the platform's
OpenID configuration (§3.4), posts its registration to the ``registration_endpoint`` with the token
as a Bearer token (§3.5) and answers a page that posts ``{subject: "org.imsglobal.lti.close"}`` to
the window that opened it (§3.6). Like all the demo tool asks of its platform, the requests go
over HTTP through the mock's app (``platform.py``), so the only platform it can register with is
the mock serving it: a configuration at another origin is refused, plainly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..canvas.scopes import AGS_SCOPES, NRPS_SCOPE
from .platform import PlatformClient, PlatformError

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
CANVAS = "https://canvas.instructure.com/lti/"
CLIENT_NAME = "Demo Tool (registered by URL)"
#: What the tool asks for, of what the platform supports: AGS (line items, results, scores) and NRPS.
WANTED_SCOPES = (*AGS_SCOPES[:4], NRPS_SCOPE)
#: The tool's messages: where a course offers it, as the fixtures' Demo Tool is placed.
MESSAGES = (
    ("LtiResourceLinkRequest", ("course_navigation",)),
    ("LtiDeepLinkingRequest", ("course_assignments_menu", "link_selection")),
)
#: The claims the tool would like (it shows them; privacy level ``public`` in Canvas's terms).
CLAIMS = ["iss", "sub", "name", "given_name", "family_name", "email", "locale"]
#: How much of a refusal's body the page shows.
SHOWN_BODY = 600


class Refused(Exception):
    """The registration could not be made; the page says why (``status``: the page's own)."""

    def __init__(self, title: str, reasons: list[str], status: int) -> None:
        super().__init__(title)
        self.title, self.reasons, self.status = title, reasons, status


@dataclass(frozen=True)
class Registration:
    """What the platform answered: the tool's new client id and deployment, and what it granted."""

    issuer: str
    client_id: str
    deployment_id: str
    scopes: list[str]
    placements: list[str]
    registration_client_uri: str


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def registration_request(tool_url: str, platform: dict[str, Any]) -> dict[str, Any]:
    """The tool's registration (§3.5.1) for ``platform``'s OpenID configuration: only the scopes and
    message types it supports."""
    supported = set(platform.get("scopes_supported") or [])
    lti = platform.get(PLATFORM_CONFIGURATION) or {}
    types = {m.get("type") for m in lti.get("messages_supported") or [] if isinstance(m, dict)}
    messages = [{"type": kind, "placements": [CANVAS + name for name in names]}
                for kind, names in MESSAGES if not types or kind in types]
    return {
        "application_type": "web", "response_types": ["id_token"], "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": f"{tool_url}/login", "redirect_uris": [f"{tool_url}/launch"], "client_name": CLIENT_NAME,
        "jwks_uri": f"{tool_url}/jwks", "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(s for s in WANTED_SCOPES if s in supported),
        TOOL_CONFIGURATION: {
            "domain": urlsplit(tool_url).hostname or "", "target_link_uri": f"{tool_url}/launch",
            "description": "The LTI 1.3 tool the mock serves, installed by URL (dynamic registration).",
            "claims": CLAIMS, "messages": messages, CANVAS + "privacy_level": "public",
        },
    }


def _configuration(body: Any, origin: str) -> dict[str, Any]:
    """The platform's OpenID configuration, checked for what the tool needs of it (§3.4.1)."""
    if not isinstance(body, dict):
        raise Refused("Not a platform configuration", ["the openid_configuration URL did not answer a JSON object"], 502)
    reasons = [f"{name} is missing" for name in ("issuer", "registration_endpoint", "authorization_endpoint",
                                                 "token_endpoint", "jwks_uri") if not isinstance(body.get(name), str)]
    if not isinstance(body.get(PLATFORM_CONFIGURATION), dict):
        reasons.append(f"{PLATFORM_CONFIGURATION} is missing: not an LTI platform")
    endpoint = body.get("registration_endpoint")
    if isinstance(endpoint, str) and _origin(endpoint) != origin:
        reasons.append(f"the registration_endpoint {endpoint} is not at the platform's origin {origin}")
    if reasons:
        raise Refused("Not a platform configuration", reasons, 502)
    return body


async def register(client: PlatformClient, tool_url: str, openid_configuration: str | None,
                   registration_token: str | None) -> Registration:
    """Read the configuration, register, return what the platform answered; raises :class:`Refused`."""
    if not openid_configuration:
        raise Refused("Not a registration request", [
            "openid_configuration is missing: open this URL from a platform's \"install by URL\" "
            "(the console's Tools page), which adds it and a registration_token"], 400)
    if _origin(openid_configuration) != client.origin:
        raise Refused("Another platform", [
            f"openid_configuration is at {_origin(openid_configuration)}; this demo tool registers only with the mock "
            f"that serves it ({client.origin})"], 400)
    try:
        platform = _configuration(await client.get_json(openid_configuration), client.origin)
    except PlatformError as exc:
        raise Refused("The platform's configuration cannot be read", [str(exc)], 502) from None
    headers = {"Authorization": f"Bearer {registration_token}"} if registration_token else {}
    answer = await client.send("POST", platform["registration_endpoint"], json=registration_request(tool_url, platform),
                               headers=headers)
    try:
        body = answer.json()
    except ValueError:
        body = None
    if answer.status_code not in (200, 201) or not isinstance(body, dict) or "client_id" not in body:
        raise Refused("The platform refused the registration", [
            f"POST {platform['registration_endpoint']} answered {answer.status_code}: {answer.text[:SHOWN_BODY]}"], 502)
    config = body.get(TOOL_CONFIGURATION) if isinstance(body.get(TOOL_CONFIGURATION), dict) else {}
    placements = [p for m in config.get("messages") or [] if isinstance(m, dict) for p in m.get("placements") or []]
    return Registration(
        issuer=str(platform["issuer"]), client_id=str(body["client_id"]), deployment_id=str(body.get("deployment_id", "")),
        scopes=str(body.get("scope") or "").split(), placements=[str(p).removeprefix(CANVAS) for p in placements],
        registration_client_uri=str(body.get("registration_client_uri", "")))
