"""Test-side LTI client helpers: what a tool vendor's code would do, using PyJWT directly."""

from __future__ import annotations

from typing import Any

from mockserver.tool_client import ASSERTION_TYPE, assertion, bearer, get_token, token_form, tool_named

__all__ = ["ASSERTION_TYPE", "assertion", "bearer", "get_token", "token_form", "tool_named"]

AGS_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
AGS_LINEITEM_RO = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
AGS_RESULT = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
AGS_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"

LINE_ITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINE_ITEM_CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
RESULT_CONTAINER = "application/vnd.ims.lis.v2.resultcontainer+json"
MEMBERSHIPS = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


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
