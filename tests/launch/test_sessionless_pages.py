"""The URL a sessionless launch answers, opened as a browser would: it launches the tool as the API
user who asked for it, for 30 seconds of the mock clock (``SessionToken::VALIDITY_PERIOD``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest

from mockserver.launch.html import read_form

from .test_authorize_errors import auth_params, authorize

TEACHER = {"authorization": "Bearer mock-teacher-token-TEST-ONLY"}
LINKS = "/api/v1/courses/101/external_tools/sessionless_launch"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"


def link(client: Any, **query: Any) -> str:
    response = client.get(LINKS, params=query, headers=TEACHER)
    assert response.status_code == 200, response.text
    parts = urlsplit(response.json()["url"])
    return f"{parts.path}?{parts.query}"


def launched_claims(client: Any, page: Any) -> dict[str, Any]:
    """Follow the page's login form to the id_token, as the tool would."""
    assert page.status_code == 200, page.text
    form = read_form(page.text)
    fields = authorize(client, auth_params(form["fields"]))
    return jwt.decode(fields["id_token"], options={"verify_signature": False})


def tool_of(config: dict[str, Any]) -> dict[str, Any]:
    return next(t for t in config["tools"] if t["tool_id"] == 1)


def teacher_sub(config: dict[str, Any]) -> str:
    return next(u["lti_id"] for u in config["users"] if u["id"] == 10)


def test_a_tool_link_launches_that_tool_as_the_user_who_asked(client: Any, config: dict[str, Any]) -> None:
    page = client.get(link(client, id=1))
    form = read_form(page.text)
    key = client.get("/__mock__/state").json()["developer_keys"]
    login_url = next(k["oidc_initiation_url"] for k in key if k["id"] == tool_of(config)["client_id"])
    assert form["action"] == login_url and form["method"] == "POST"
    claims = launched_claims(client, page)
    assert claims["sub"] == teacher_sub(config)
    assert claims[f"{LTI}context"]["id"] == next(c["lti_context_id"] for c in config["courses"] if c["id"] == 101)
    assert "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor" in claims[f"{LTI}roles"]
    assert claims[f"{LTI}message_type"] == "LtiResourceLinkRequest"


def test_an_assignment_link_launches_the_assignment_s_resource_link(client: Any) -> None:
    claims = launched_claims(client, client.get(link(client, launch_type="assessment", assignment_id=301)))
    assert claims[f"{LTI}resource_link"]["id"] == "8a3c6a36-4b0c-4d7e-9c1a-1f2a3b4c5d01"
    assert "lineitem" in claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]


def test_a_link_by_url_launches_the_tool_the_url_matches(client: Any, config: dict[str, Any]) -> None:
    tool = next(t for t in client.get("/__mock__/state").json()["tools"] if t["id"] == 1)
    url = link(client, url=tool["url"])
    assert urlsplit(url).path == "/courses/101/external_tools/retrieve"
    form = read_form(client.get(url).text)
    assert form["fields"]["client_id"] == tool_of(config)["client_id"]


def test_the_launch_shows_in_the_launch_records(client: Any) -> None:
    client.get(link(client, id=1))
    record = client.get("/__mock__/launches").json()["launches"][-1]
    assert (record["tool"]["id"], record["course"]["id"], record["user"]["id"]) == (1, 101, 10)


@pytest.mark.parametrize("spoil", ["expired", "forged", "missing"])
def test_without_a_valid_session_token_the_page_says_log_in(client: Any, spoil: str) -> None:
    url = link(client, id=1)
    if spoil == "expired":
        client.post("/__mock__/clock", json={"advance": 31})
    elif spoil == "forged":
        url = url.replace("session_token=", "session_token=x")
    else:
        url = url.split("&session_token=")[0]
    page = client.get(url)
    assert page.status_code == 401 and page.headers["content-type"].startswith("text/html")
    assert "Not logged in" in page.text and "session_token" in page.text
    assert client.get("/__mock__/launches").json()["launches"] == []


def test_nothing_to_launch_is_a_page_too(client: Any) -> None:
    url = link(client, id=1).replace("/external_tools/1?", "/external_tools/999?")
    page = client.get(url)
    assert page.status_code == 200 and "The launch did not start" in page.text
    token = link(client, id=1).partition("session_token=")[2]
    page = client.get("/courses/101/external_tools/retrieve", params={"url": "https://nowhere.invalid/launch",
                                                                     "session_token": token})
    assert page.status_code == 404 and "Nothing to launch" in page.text
    page = client.get(f"/courses/101/assignments/302?session_token={token}")  # an assignment without a tool
    assert page.status_code == 404 and "launches no external tool" in page.text
