"""Test-side LTI client helpers: what a tool vendor's code would do, using PyJWT directly."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt

AGS_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
AGS_LINEITEM_RO = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
AGS_RESULT = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
AGS_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

LINE_ITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINE_ITEM_CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
RESULT_CONTAINER = "application/vnd.ims.lis.v2.resultcontainer+json"
MEMBERSHIPS = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


def tool_named(config: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in config["tools"] if t["name"] == name)


def assertion(tool: dict[str, Any], token_url: str, **overrides: Any) -> str:
    now = int(time.time())
    claims = {"iss": tool["client_id"], "sub": tool["client_id"], "aud": token_url,
              "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, tool["private_key_pem"], algorithm="RS256", headers={"kid": tool["kid"]})


def token_form(tool: dict[str, Any], token_url: str, scopes: list[str], **overrides: Any) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": assertion(tool, token_url, **overrides),
        "scope": " ".join(scopes),
    }


def get_token(client: Any, config: dict[str, Any], tool_name: str, scopes: list[str] | None = None) -> str:
    tool = tool_named(config, tool_name)
    response = client.post(config["token_url"], data=token_form(tool, config["token_url"], scopes or tool["scopes"]))
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def lti_error(response: Any, status: int, message: str) -> None:
    """Assert an LTI service error exactly as Canvas sends it (§2.4)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["errors"]["message"] == message, body
    assert isinstance(body["errors"]["type"], str)


def api_error(response: Any, status: int, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"][0]["message"] == message
