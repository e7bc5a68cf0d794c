"""The demo tool installed by URL over HTTP (LTI Dynamic Registration): the registration initiation
URL registers it with the platform through Canvas's own endpoints, and the new client id then
launches, grades (client credentials against the key set the registration named) and deep links,
exactly as the fixtures' Demo Tool does. Refusals are pages and change nothing.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest

from mockserver import create_app
from mockserver.demo_tool.registration import CLIENT_NAME
from mockserver.demo_tool.validation import CHECKS
from mockserver.launch.html import read_form

from .test_demo_tool import TOOL, failed_rules, start

ADMIN = {"Authorization": "Bearer mock-admin-token-TEST-ONLY"}


@pytest.fixture
def client() -> Any:
    with create_app(validate_responses=True).test_client() as test_client:
        yield test_client


def registration_url(client: Any) -> str:
    """What the console's "install by URL" opens: the tool's URL with openid_configuration and the token."""
    token = client.get("/api/lti/accounts/1/registration_token", headers=ADMIN).json()
    return f"{TOOL}/register?" + urlencode({"openid_configuration": token["oidc_configuration_url"],
                                           "registration_token": token["token"]})


def install(client: Any) -> str:
    page = client.get(registration_url(client))
    assert page.status_code == 200, page.text
    assert 'postMessage({subject: "org.imsglobal.lti.close"}, "*")' in page.text
    return re.search(r'<code id="client-id">([^<]+)</code>', page.text).group(1)  # type: ignore[union-attr]


def test_install_by_url_registers_the_demo_tool_through_canvas_endpoints(client: Any) -> None:
    client_id = install(client)
    journal = client.get("/__mock__/requests", params={"operation_id": "createRegistration"}).json()["requests"]
    assert [e["status"] for e in journal] == [200]
    state = client.get("/__mock__/state").json()
    key = next(k for k in state["developer_keys"] if k["id"] == client_id)
    assert key["name"] == CLIENT_NAME and key["public_jwk_url"] == f"{TOOL}/jwks"
    assert key["oidc_initiation_url"] == f"{TOOL}/login" and key["redirect_uris"] == [f"{TOOL}/launch"]
    tool = next(t for t in state["tools"] if t["developer_key_id"] == client_id)
    assert (tool["context_type"], tool["context_id"]) == ("Account", 1)  # the root account: every course
    assert set(tool["placements"]) == {"course_navigation", "course_assignments_menu", "link_selection"}
    assert tool["placements"]["link_selection"]["message_type"] == "LtiDeepLinkingRequest"
    config = client.get("/__mock__/config").json()
    assert {t["client_id"] for t in config["tools"]} >= {client_id, "10000000000004"}


def test_the_registered_client_id_launches_grades_and_deep_links(client: Any) -> None:
    client_id = install(client)
    form = start(client, tool=client_id)
    page = client.post(form["action"], data=form["fields"])
    assert page.status_code == 200 and failed_rules(page) == [], page.text
    assert len(re.findall(r'<tr class="check pass-row">', page.text)) == len(CHECKS)
    launch = re.search(r'name="launch" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    scored = client.post(f"{TOOL}/score", data={"launch": launch, "given": "6", "maximum": "10"})
    assert scored.status_code == 200 and "Score posted: 6/10 for Samuel Student." in scored.text, scored.text
    journal = client.get("/__mock__/requests", params={"client_id": client_id}).json()["requests"]
    assert [e["operation_id"] for e in journal] == ["createAccessToken", "listLineItems", "createLineItem", "createScore"]

    form = start(client, tool=client_id, user="10", placement="link_selection", message_type="LtiDeepLinkingRequest")
    picker = client.post(form["action"], data=form["fields"])
    launch = re.search(r'name="launch" value="([^"]+)"', picker.text).group(1)  # type: ignore[union-attr]
    offered = re.findall(r'name="item" value="([^"]+)"', picker.text)
    response = read_form(client.post(f"{TOOL}/deep-link", data={"launch": launch, "item": offered[:1]}).text)
    assert jwt.decode(response["fields"]["JWT"], options={"verify_signature": False})["iss"] == client_id
    returned = client.post(response["action"], data=response["fields"])
    assert returned.status_code == 200, returned.text
    items = client.get("/__mock__/state").json()["content_items"]
    assert [i["developer_key_id"] for i in items] == [client_id]  # verified with the registered key set


def test_refused_registrations_are_pages_and_change_nothing(client: Any) -> None:
    before = len(client.get("/__mock__/state").json()["developer_keys"])
    url = registration_url(client)
    token_url = re.sub(r"registration_token=[^&]+$", "registration_token=not-a-token", url)
    client.post("/__mock__/clock", json={"advance": 3601})  # the token has expired
    for address, status, says in (
            (f"{TOOL}/register", 400, "openid_configuration is missing"),
            (f"{TOOL}/register?openid_configuration=http%3A%2F%2Fcanvas.example%2Fconfig", 400, "registers only with the mock"),
            (url, 502, "answered 401"),
            (token_url, 502, "answered 401"),
            (f"{TOOL}/register?openid_configuration=" + "x" * 5000, 400, "at most 4096 characters")):
        page = client.get(address)
        assert page.status_code == status and page.headers["content-type"].startswith("text/html"), (address, page.text)
        assert says in page.text and "org.imsglobal.lti.close" not in page.text, address
    assert len(client.get("/__mock__/state").json()["developer_keys"]) == before
