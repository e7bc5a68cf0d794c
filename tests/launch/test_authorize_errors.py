"""Acceptance 3 (§10.2): every check of /api/lti/authorize and authorize_redirect, in order."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from mockserver.launch.html import read_form

REDIRECT = "http://127.0.0.1:9001/launch"


def start(client: Any, **body: Any) -> dict[str, str]:
    response = client.post("/__mock__/launches", json={"tool": "1", "course": "101", "user": "20", **body})
    assert response.status_code == 201, response.text
    return response.json()["params"]


def auth_params(login: dict[str, str], **overrides: Any) -> dict[str, str]:
    params = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
              "client_id": login["client_id"], "redirect_uri": REDIRECT, "login_hint": login["login_hint"],
              "lti_message_hint": login["lti_message_hint"], "state": "st-1", "nonce": "nonce-1"}
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def authorize(client: Any, params: dict[str, str], method: str = "get") -> dict[str, str]:
    if method == "get":
        response = client.get("/api/lti/authorize", params=params)
    else:
        response = client.post("/api/lti/authorize", data=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    form = read_form(response.text)
    assert form["action"] == REDIRECT and form["method"] == "POST"
    return form["fields"]


def assert_error(fields: dict[str, str], error: str, description: str) -> None:
    assert fields == {"error": error, "error_description": description, "state": "st-1"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_success_and_single_use(client: Any, method: str) -> None:
    login = start(client)
    fields = authorize(client, auth_params(login), method)
    assert set(fields) == {"id_token", "state", "lti_storage_target"}
    header = jwt.get_unverified_header(fields["id_token"])
    assert header["alg"] == "RS256" and header["kid"] == client.app.state.keys.current.kid
    assert jwt.decode(fields["id_token"], options={"verify_signature": False})["nonce"] == "nonce-1"
    assert_error(authorize(client, auth_params(login), method), "launch_no_longer_valid",
                 "The launch has either expired or already been consumed")


def test_missing_params(client: Any) -> None:
    fields = authorize(client, auth_params(start(client), nonce=None, prompt=None))
    assert_error(fields, "invalid_request_object", "The following parameters are missing: nonce,prompt")


def test_scope_must_be_openid(client: Any) -> None:
    assert_error(authorize(client, auth_params(start(client), scope="profile")),
                 "invalid_request_object", "The 'scope' must be 'openid'")


def test_later_check_overwrites_earlier(client: Any) -> None:
    """Wrong scope and a foreign login_hint: the session check (later) is what is reported."""
    fields = authorize(client, auth_params(start(client), scope="profile", login_hint="someone-else"))
    assert_error(fields, "login_required", "Must have an active user session")


def test_login_hint_must_be_the_launching_user(client: Any, config: dict[str, Any]) -> None:
    other = next(u for u in config["users"] if u["id"] == 21)["lti_id"]
    assert_error(authorize(client, auth_params(start(client), login_hint=other)),
                 "login_required", "Must have an active user session")


def test_forged_or_garbage_hint(client: Any) -> None:
    login = start(client)
    forged = jwt.encode(jwt.decode(login["lti_message_hint"], options={"verify_signature": False}), "guess-the-secret-guess-the-secret-0123",
                        algorithm="HS256")
    for hint in (forged, "not-a-jwt"):
        assert_error(authorize(client, auth_params(login, lti_message_hint=hint)),
                     "launch_no_longer_valid", "The launch has either expired or already been consumed")
    # the real hint still works: failed attempts do not consume the launch
    assert "id_token" in authorize(client, auth_params(login))


def test_binding_off_is_unauthorized_client(client: Any) -> None:
    login = start(client)
    client.app.state.world.developer_keys["10000000000001"].bindings["1"] = "off"
    assert_error(authorize(client, auth_params(login)), "unauthorized_client", "Client not authorized in requested context")


def test_inactive_key_is_unauthorized_client(client: Any) -> None:
    login = start(client)
    client.app.state.world.developer_keys["10000000000001"].workflow_state = "inactive"
    assert_error(authorize(client, auth_params(login)), "unauthorized_client", "Client not authorized in requested context")


def test_other_client_id_is_unauthorized_client(client: Any) -> None:
    login = start(client)
    world = client.app.state.world
    world.developer_keys["10000000000003"].redirect_uris = [REDIRECT]
    assert_error(authorize(client, auth_params(login, client_id="10000000000003")),
                 "unauthorized_client", "Client not authorized in requested context")


def test_expired_launch(client: Any) -> None:
    login = start(client)
    client.post("/__mock__/clock", json={"advance": 301})
    fields = authorize(client, auth_params(login))
    assert fields["error"] == "launch_no_longer_valid"


@pytest.mark.parametrize("uri", ["http://127.0.0.1:9001/other", "https://evil.example/launch", None])
def test_unregistered_redirect_uri_is_400_without_form(client: Any, uri: str | None) -> None:
    login = start(client)
    response = client.get("/api/lti/authorize", params=auth_params(login, redirect_uri=uri))
    assert response.status_code == 400
    assert "<form" not in response.text
    assert response.json() == {"errors": [{"message": "Invalid redirect_uri"}]}
    assert "id_token" in authorize(client, auth_params(login))  # not consumed


def test_registered_query_params_must_be_present(client: Any) -> None:
    client.app.state.world.developer_keys["10000000000001"].redirect_uris = [f"{REDIRECT}?tenant=a"]
    login = start(client)
    assert client.get("/api/lti/authorize", params=auth_params(login)).status_code == 400
    response = client.get("/api/lti/authorize", params=auth_params(login, redirect_uri=f"{REDIRECT}?x=1&tenant=a"))
    assert response.status_code == 200
    assert "id_token" in read_form(response.text)["fields"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_authorize_redirect(client: Any, method: str) -> None:
    login = start(client)
    params = auth_params(login)
    if method == "get":
        response = client.get("/api/lti/authorize_redirect", params=params, follow_redirects=False)
    else:
        response = client.post("/api/lti/authorize_redirect", data=params, follow_redirects=False)
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith("http://testserver/api/lti/authorize?")
    from urllib.parse import parse_qsl, urlsplit

    assert dict(parse_qsl(urlsplit(location).query)) == params


@pytest.mark.parametrize("hint", [None, "garbage", "eyJhbGciOiJub25lIn0.eyJ2ZXJpZmllciI6IngifQ."])
def test_authorize_redirect_invalid_hint(client: Any, hint: str | None) -> None:
    response = client.get("/api/lti/authorize_redirect", params=auth_params(start(client), lti_message_hint=hint),
                          follow_redirects=False)
    assert response.status_code == 400
    assert response.json() == {"message": "Invalid lti_message_hint"}


def test_launch_initiation_errors(client: Any) -> None:
    cases = [
        ({"tool": "1", "course": "999", "user": "20"}, 404),
        ({"tool": "1", "course": "101", "user": "999"}, 404),
        ({"tool": "77", "course": "101", "user": "20"}, 404),
        ({"tool": "1", "course": "102", "user": "20"}, 422),  # tool installed in a sibling account
        ({"tool": "1", "course": "101", "user": "20", "placement": "nowhere"}, 422),
        ({"tool": "1", "course": "101", "user": "20", "message_type": "LtiDeepLinkingRequest",
          "placement": "course_navigation"}, 422),
        ({"tool": "1", "course": "101", "user": "20", "assignment": "302"}, 422),  # not the tool's assignment
        ({"tool": "1", "course": "101", "user": "20", "resource_link": "nope"}, 404),
        ({"tool": "1", "course": "101"}, 400),
    ]
    for body, status in cases:
        response = client.post("/__mock__/launches", json=body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["errors"][0]["message"]
