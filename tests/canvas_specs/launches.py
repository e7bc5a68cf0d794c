"""What the launch-message cases share: a launch started through ``/__mock__/launches`` and completed at
``/api/lti/authorize`` as the tool would, its id_token decoded; and tool edits through the External Tools
API, as an admin makes them in Canvas.

Canvas's message specs (``spec/lib/lti/messages/*_spec.rb``) build the message object directly; here the
same facts are read from the id_token a tool receives.
"""

from __future__ import annotations

from typing import Any

import jwt

from mockserver.launch.html import read_form

ADMIN = {"Authorization": "Bearer mock-admin-token-TEST-ONLY"}
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
GRADING_TOOL = "/api/v1/accounts/2/external_tools/1"  # the Mock Grading Tool, installed in account 2
REDIRECT = "http://127.0.0.1:9001/launch"


def id_token(client: Any, *, tool: str = "1", course: str = "101", user: str = "20", **more: Any) -> dict[str, Any]:
    """The claims of the id_token a launch delivers (signature checked against the platform JWKS)."""
    started = client.post("/__mock__/launches", json={"tool": tool, "course": course, "user": user, **more})
    assert started.status_code == 201, started.text
    return decoded_id_token(client, started.json()["params"])


def decoded_id_token(client: Any, params: dict[str, Any], redirect: str = REDIRECT) -> dict[str, Any]:
    """Complete the login request ``params`` at ``/api/lti/authorize`` as the tool would: the id_token's claims."""
    response = client.get("/api/lti/authorize", params={
        "client_id": params["client_id"], "login_hint": params["login_hint"], "nonce": "a-nonce", "prompt": "none",
        "redirect_uri": redirect, "response_mode": "form_post", "response_type": "id_token", "scope": "openid",
        "state": "a-state", "lti_message_hint": params["lti_message_hint"]})
    assert response.status_code == 200, response.text
    token = read_form(response.text)["fields"]["id_token"]
    keys = jwt.PyJWKSet.from_dict(client.get("/api/lti/security/jwks").json())
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keys.keys if k.key_id == kid)
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=params["client_id"])


def update_tool(client: Any, path: str = GRADING_TOOL, **fields: Any) -> dict[str, Any]:
    """PUT the External Tools API's update with ``fields`` (JSON) as an admin; the tool as answered."""
    response = client.put(path, headers=ADMIN, json=fields)
    assert response.status_code == 200, response.text
    return response.json()
