"""Canvas's ``spec/controllers/lti/account_external_tools_controller_spec.rb``: the LTI-token account external
tools service (``/api/lti/accounts/:account_id/external_tools``).

Canvas finds the account by its ``lti_context_id`` (the mock also takes its id); the fixture's Mock Grading
Tool (all four ``account_external_tools`` scopes, bound on) plays the spec's tool, its developer key the
``tool_configuration.developer_key`` installed by ``create``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs import lti_services as shared
from tests.canvas_specs.citation import canvas_spec
from tests.ltiutil import bearer, lti_error

SPEC = "spec/controllers/lti/account_external_tools_controller_spec.rb"
CODE = "app/controllers/lti/ims/concerns/advantage_services.rb"
SCOPE = "https://canvas.instructure.com/lti/account_external_tools/scope/"
MEDIA = "application/vnd.canvas.contextexternaltools+json"
BASE = "/api/lti/accounts/2/external_tools"
ENDPOINTS = {
    "index": shared.Endpoint("GET", BASE, SCOPE + "list", MEDIA),
    "show": shared.Endpoint("GET", f"{BASE}/1", SCOPE + "show", MEDIA),
    "create": shared.Endpoint("POST", BASE, SCOPE + "create", MEDIA, {"client_id": shared.GRADING_KEY}),
    "destroy": shared.Endpoint("DELETE", f"{BASE}/1", SCOPE + "destroy", MEDIA),
}


def token(mock: Any) -> dict[str, str]:
    return bearer(shared.token_for(mock, [SCOPE + action for action in ("list", "show", "create", "destroy")]))


@canvas_spec(SPEC, f"#index, #show, #create, #destroy / {shared.SHARED} / returns correct mime_type; returns 200 success")
@pytest.mark.parametrize("action", ENDPOINTS)
def test_lti_services_success(mock: Any, action: str) -> None:
    shared.check_success(mock, ENDPOINTS[action])


@canvas_spec(SPEC, f"#index, #show, #create, #destroy / {shared.SHARED} / with <token failure> / returns 401 unauthorized")
@pytest.mark.parametrize("action", ENDPOINTS)
@pytest.mark.parametrize("case", ["no access token", "no access token scope grant", "expired access token"])
def test_lti_services_token_failures(mock: Any, app: Any, action: str, case: str) -> None:
    shared.check_token_errors(mock, app, ENDPOINTS[action], case)


@canvas_spec(SPEC, f"#index / {shared.SHARED} / with deleted developer key / returns 401 unauthorized")
def test_lti_services_deleted_developer_key(mock: Any) -> None:
    shared.check_deleted_developer_key(mock, ENDPOINTS["index"])


@canvas_spec(SPEC, "#index / when given just an account id / returns id, domain, and other fields on account")
def test_index_fields(mock: Any) -> None:
    body = mock.get(BASE, headers=token(mock)).json()[0]
    assert (body["id"], body["domain"], body["url"], body["name"]) == (
        1, "127.0.0.1", "http://127.0.0.1:9001/launch", "Mock Grading Tool")
    assert body["description"].startswith("Stands for your tool")  # the fixture's
    assert "consumer_key" in body


@canvas_spec(SPEC, "#index / when an invalid account ID is given / returns a 401", follows_code=CODE)
def test_index_unknown_account(mock: Any) -> None:
    """``verify_active_in_account`` runs before ``verify_context``: no account, no usable developer key."""
    lti_error(mock.get("/api/lti/accounts/991234/external_tools", headers=token(mock)), 401, "Invalid Developer Key")


@canvas_spec(SPEC, "#create / error handling / with invalid client id / return 404")
def test_create_with_an_unknown_client_id(mock: Any) -> None:
    response = mock.post(BASE, headers=token(mock), json={"client_id": "bad client id"})
    assert response.status_code == 404


@canvas_spec(SPEC, "#create / error handling / with no account binding / return 401")
def test_create_for_a_key_not_bound_here(mock: Any) -> None:
    """The Unbound Tool's key is bound off in the root account: ``verify_target_developer_key`` heads 401."""
    response = mock.post(BASE, headers=token(mock), json={"client_id": "10000000000002"})
    assert response.status_code == 401 and response.content == b""


@canvas_spec(SPEC, "#create / error handling / with duplicate tool / return 400")
def test_create_twice_with_verify_uniqueness(mock: Any) -> None:
    body = {"client_id": shared.GRADING_KEY, "verify_uniqueness": True}
    first = mock.post("/api/lti/accounts/3/external_tools", headers=token(mock), json=body)
    assert first.status_code == 200
    again = mock.post("/api/lti/accounts/3/external_tools", headers=token(mock), json=body)
    assert again.status_code == 400
    assert again.json()["errors"]["tool_currently_installed"][0]["message"] == "The tool is already installed in this context."
