"""In-process helpers for deep linking tests: a deep linking launch's return URL, and tool JWTs."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt

from mockserver.launch.html import read_form

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
REDIRECT = "http://127.0.0.1:9001/launch"


def deep_linking_claims(client: Any, placement: str = "link_selection", user: str = "10") -> dict[str, Any]:
    started = client.post("/__mock__/launches", json={"tool": "1", "course": "101", "user": user, "placement": placement,
                                                      "message_type": "LtiDeepLinkingRequest"})
    params = started.json()["params"]
    page = client.get("/api/lti/authorize", params={
        "scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
        "client_id": params["client_id"], "redirect_uri": REDIRECT, "login_hint": params["login_hint"],
        "lti_message_hint": params["lti_message_hint"], "nonce": "n", "state": "s"})
    token = read_form(page.text)["fields"]["id_token"]
    return jwt.decode(token, options={"verify_signature": False})


def return_path(claims: dict[str, Any]) -> str:
    url = claims[DL + "deep_linking_settings"]["deep_link_return_url"]
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def response_claims(tool: dict[str, Any], items: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"iss": tool["client_id"], "aud": "https://canvas.instructure.com", "iat": now, "exp": now + 300,
              "nonce": str(uuid.uuid4()), LTI + "message_type": "LtiDeepLinkingResponse", LTI + "version": "1.3.0",
              DL + "content_items": items if items is not None else [{"type": "ltiResourceLink", "title": "T"}]}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def sign(tool: dict[str, Any], claims: dict[str, Any], **headers: Any) -> str:
    return jwt.encode(claims, tool["private_key_pem"], algorithm="RS256", headers={"kid": tool["kid"], **headers})
