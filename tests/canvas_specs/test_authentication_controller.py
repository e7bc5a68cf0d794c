"""Canvas's ``spec/controllers/lti/ims/authentication_controller_spec.rb`` (the OIDC authentication request:
``authorize_redirect`` and ``authorize``), against the mock over HTTP.

A launch is started through ``/__mock__/launches`` (the grading tool in course 101, as user 20); its login
parameters stand in for what Canvas's spec builds (``login_hint``, a signed ``lti_message_hint``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt

from mockserver.launch.html import read_form
from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.services import GRADING_KEY, edit_state, record

SPEC = "spec/controllers/lti/ims/authentication_controller_spec.rb"
CONTROLLER = "app/controllers/lti/ims/authentication_controller.rb"
REDIRECT = "http://127.0.0.1:9001/launch"


def login(client: Any) -> dict[str, str]:
    response = client.post("/__mock__/launches", json={"tool": "1", "course": "101", "user": "20"})
    assert response.status_code == 201, response.text
    return response.json()["params"]


def oidc_params(started: dict[str, str], **overrides: Any) -> dict[str, str]:
    params = {"client_id": started["client_id"], "login_hint": started["login_hint"], "nonce": "a-nonce",
              "prompt": "none", "redirect_uri": REDIRECT, "response_mode": "form_post", "response_type": "id_token",
              "scope": "openid", "state": "a-state", "lti_message_hint": started["lti_message_hint"]}
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def form(client: Any, params: dict[str, str]) -> dict[str, str]:
    """``authorize``'s answer: 200 with a form posting to the redirect_uri; its fields."""
    response = client.get("/api/lti/authorize", params=params)
    assert response.status_code == 200, response.text
    page = read_form(response.text)
    assert page["action"] == params["redirect_uri"]
    return page["fields"]


def oidc_error(fields: dict[str, str], error: str, description: str) -> None:
    """'non redirect_uri errors': a descriptive message, the state, the error code, in the form."""
    assert (fields["error"], fields["error_description"], fields["state"]) == (error, description, "a-state")
    assert "id_token" not in fields


# -- authorize_redirect ---------------------------------------------------------------------------


@canvas_spec(SPEC, "authorize_redirect / when authorization request has no errors / redirects the the authorization "
                   "endpoint; forwards all oidc params")
def test_authorize_redirect_forwards_everything(client: Any) -> None:
    params = oidc_params(login(client))
    response = client.post("/api/lti/authorize_redirect", data=params, follow_redirects=False)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert location.path == "/api/lti/authorize"
    assert dict(parse_qsl(location.query)) == params


@canvas_spec(SPEC, "authorize_redirect / when authorization request has no errors / redirects to the domain in the "
                   "lti_message_hint")
def test_authorize_redirect_goes_to_the_hint_domain(client: Any) -> None:
    started = client.post("/__mock__/launches", json={"tool": "1", "course": "101", "user": "20"},
                          headers={"Host": "school.example.edu"}).json()["params"]
    response = client.get("/api/lti/authorize_redirect", params=oidc_params(started), follow_redirects=False)
    assert urlsplit(response.headers["location"]).netloc == "school.example.edu"


@canvas_spec(SPEC, "authorize_redirect / when the lti_message_hint is not a JWT / lti_message_hint error: is bad request, "
                   "has a descriptive error message")
def test_authorize_redirect_hint_not_a_jwt(client: Any) -> None:
    response = client.get("/api/lti/authorize_redirect", params=oidc_params(login(client), lti_message_hint="Not a JWT"),
                          follow_redirects=False)
    assert response.status_code == 400 and response.json()["message"] == "Invalid lti_message_hint"


@canvas_spec(SPEC, "authorize_redirect / when the lti_message_hint sig is invalid / lti_message_hint error")
def test_authorize_redirect_hint_with_a_broken_signature(client: Any) -> None:
    hint = login(client)["lti_message_hint"]
    response = client.get("/api/lti/authorize_redirect", params=oidc_params(login(client), lti_message_hint=hint[:-1]),
                          follow_redirects=False)
    assert response.status_code == 400 and response.json()["message"] == "Invalid lti_message_hint"


@canvas_spec(SPEC, "authorize_redirect / when the lti_message_hint is expired / lti_message_hint error")
def test_authorize_redirect_expired_hint(client: Any) -> None:
    params = oidc_params(login(client))
    client.post("/__mock__/clock", json={"advance": 400 * 86400})
    response = client.get("/api/lti/authorize_redirect", params=params, follow_redirects=False)
    assert response.status_code == 400 and response.json()["message"] == "Invalid lti_message_hint"


# -- authorize ------------------------------------------------------------------------------------


@canvas_spec(SPEC, "authorize / when there is a cached LTI 1.3 launch / correctly sets the nonce of the launch; generates "
                   "an id token; sends the state")
def test_authorize_answers_the_id_token(client: Any) -> None:
    fields = form(client, oidc_params(login(client)))
    claims = jwt.decode(fields["id_token"], options={"verify_signature": False})
    assert claims["nonce"] == "a-nonce" and claims["aud"] == GRADING_KEY
    assert claims["iss"] == "https://canvas.instructure.com"
    assert fields["state"] == "a-state"


@canvas_spec(SPEC, "authorize / when there is a cached LTI 1.3 launch / sends the lti_storage_target",
             follows_code="lib/lti/platform_storage.rb")
def test_authorize_names_the_storage_frame(client: Any) -> None:
    assert form(client, oidc_params(login(client)))["lti_storage_target"] == "post_message_forwarding"


@canvas_spec(SPEC, "authorize / when there are additional query params on the redirect_uri / launches succesfully")
def test_authorize_with_extra_redirect_query(client: Any) -> None:
    edit_state(client, lambda state: record(state, "developer_keys", id=GRADING_KEY)
               .update(redirect_uris=[f"{REDIRECT}?must_be_present=true"]))
    fields = form(client, oidc_params(login(client), redirect_uri=f"{REDIRECT}?must_be_present=true&foo=bar"))
    assert jwt.decode(fields["id_token"], options={"verify_signature": False})["nonce"] == "a-nonce"


@canvas_spec(SPEC, "authorize / when cached launch has expired / non redirect_uri errors")
def test_authorize_twice(client: Any) -> None:
    params = oidc_params(login(client))
    form(client, params)
    oidc_error(form(client, params), "launch_no_longer_valid", "The launch has either expired or already been consumed")


@canvas_spec(SPEC, "authorize / when there are missing oidc params / non redirect_uri errors")
def test_authorize_missing_params(client: Any) -> None:
    oidc_error(form(client, oidc_params(login(client), nonce=None, prompt=None)), "invalid_request_object",
               "The following parameters are missing: nonce,prompt")


@canvas_spec(SPEC, "authorize / when the scope is invalid / non redirect_uri errors")
def test_authorize_scope_must_be_openid(client: Any) -> None:
    oidc_error(form(client, oidc_params(login(client), scope="banana")), "invalid_request_object",
               "The 'scope' must be 'openid'")


@canvas_spec(SPEC, "authorize / when the current user is not in the login_hint / non redirect_uri errors")
def test_authorize_login_hint_of_someone_else(client: Any) -> None:
    oidc_error(form(client, oidc_params(login(client), login_hint="not_the_correct_lti_id")), "login_required",
               "Must have an active user session")


@canvas_spec(SPEC, "authorize / when the developer key is not active / non redirect_uri errors")
def test_authorize_inactive_key(client: Any) -> None:
    started = login(client)
    edit_state(client, lambda state: record(state, "developer_keys", id=GRADING_KEY).update(workflow_state="inactive"))
    oidc_error(form(client, oidc_params(started)), "unauthorized_client", "Client not authorized in requested context")


@canvas_spec(SPEC, "authorize / when key has no bindings to the context / non redirect_uri errors")
def test_authorize_unbound_key(client: Any) -> None:
    started = login(client)
    edit_state(client, lambda state: record(state, "developer_keys", id=GRADING_KEY).update(bindings={}))
    oidc_error(form(client, oidc_params(started)), "unauthorized_client", "Client not authorized in requested context")


@canvas_spec(SPEC, "authorize / when the developer key redirect uri does not match / redirect_uri errors")
def test_authorize_unregistered_redirect_uri(client: Any) -> None:
    response = client.get("/api/lti/authorize", params=oidc_params(login(client), redirect_uri="https://www.not-matching.com"))
    assert response.status_code == 400 and "<form" not in response.text


@canvas_spec(SPEC, "authorize / when the developer key redirect uri contains a query string / redirect_uri errors")
def test_authorize_redirect_uri_without_the_registered_query(client: Any) -> None:
    edit_state(client, lambda state: record(state, "developer_keys", id=GRADING_KEY)
               .update(redirect_uris=[f"{REDIRECT}?must_be_present=true"]))
    response = client.get("/api/lti/authorize", params=oidc_params(login(client)))
    assert response.status_code == 400 and "<form" not in response.text


@canvas_spec(SPEC, "authorize / when the developer key does not exist / redirect_uri errors (expected_status 404)",
             follows_code=CONTROLLER)
def test_authorize_unknown_client(client: Any) -> None:
    response = client.get("/api/lti/authorize", params=oidc_params(login(client), client_id="10000000000101"))
    assert response.status_code == 404 and "<form" not in response.text
