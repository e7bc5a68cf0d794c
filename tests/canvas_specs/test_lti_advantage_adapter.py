"""Canvas's ``spec/models/lti/lti_advantage_adapter_spec.rb``: the third-party-initiated login request Canvas sends a
tool (the params ``POST /__mock__/launches`` answers, the form a browser would post) and the cached launch behind
its ``lti_message_hint``.

The hint is Canvas's JWT signed with Canvas's secret; here it is read without checking the signature, as only the
platform can (the tool sends it back unread).
"""

from __future__ import annotations

from typing import Any

import jwt

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.launches import ADMIN, GRADING_TOOL, LTI, REDIRECT, id_token, update_tool
from tests.canvas_specs.services import GRADING_KEY, edit_state, record, state_row

SPEC = "spec/models/lti/lti_advantage_adapter_spec.rb"
CODE = "app/models/lti/lti_advantage_adapter.rb"


def login(client: Any, **body: Any) -> dict[str, Any]:
    response = client.post("/__mock__/launches", json={"tool": "1", "course": "101", "user": "20", **body})
    assert response.status_code == 201, response.text
    return response.json()


def hint(params: dict[str, str]) -> dict[str, Any]:
    return jwt.decode(params["lti_message_hint"], options={"verify_signature": False})


@canvas_spec(SPEC, "#generate_post_payload / creates a login message")
def test_login_message_parameters(client: Any) -> None:
    assert sorted(login(client)["params"]) == sorted([
        "iss", "login_hint", "target_link_uri", "lti_message_hint", "canvas_region", "canvas_environment",
        "client_id", "deployment_id", "lti_storage_target"])


@canvas_spec(SPEC, '#generate_post_payload / sets the "login_hint" to the current user LTI ID', follows_code=CODE)
def test_login_hint_is_the_users_opaque_identifier(client: Any) -> None:
    """``Lti::Asset.opaque_identifier_for(user)``: the LTI 1.1 user id, not the ``sub`` of the id_token."""
    user = state_row(client, "users", id=20)
    assert login(client)["params"]["login_hint"] == user["lti11_id"] != user["lti_id"]


@canvas_spec(SPEC, '#generate_post_payload / sets the "target_link_uri" to the tool launch url')
def test_login_target_link_uri_is_the_tool_url(client: Any) -> None:
    assert login(client, placement="course_navigation")["params"]["target_link_uri"] == REDIRECT


@canvas_spec(SPEC, '#launch_url / returns the resource-specific launch URL if set')
def test_login_target_link_uri_of_the_placement(client: Any) -> None:
    update_tool(client, course_navigation={"enabled": True, "target_link_uri": f"{REDIRECT}/course-navigation"})
    assert login(client, placement="course_navigation")["params"]["target_link_uri"] == f"{REDIRECT}/course-navigation"


@canvas_spec(SPEC, "#launch_url / when the oidc_initiation_url is set / uses the oidc login uri")
def test_login_goes_to_the_oidc_initiation_url(client: Any) -> None:
    edit_state(client, lambda state: record(state, "developer_keys", id=GRADING_KEY)
               .update(oidc_initiation_url="https://www.test.com/oidc/login"))
    assert login(client)["login_url"] == "https://www.test.com/oidc/login"


@canvas_spec(SPEC, '#generate_post_payload / sets the "canvas_region" to "not_configured"')
def test_canvas_region(client: Any) -> None:
    assert login(client)["params"]["canvas_region"] == "not_configured"


@canvas_spec(SPEC, '#generate_post_payload / sets the "canvas_environment" to "prod"')
def test_canvas_environment(client: Any) -> None:
    assert login(client)["params"]["canvas_environment"] == "prod"


@canvas_spec(SPEC, "#generate_post_payload / lti_storage_target parameter / when include_storage_target parameter is not "
                   "provided / is included")
def test_lti_storage_target(client: Any) -> None:
    assert login(client)["params"]["lti_storage_target"] == "post_message_forwarding"


@canvas_spec(SPEC, "#generate_post_payload / when no i18n locale is set in the request / sets the canvas_locale in the "
                   "message hint to the default i18n locale")
def test_hint_locale(client: Any) -> None:
    assert hint(login(client)["params"])["canvas_locale"] == "en"


@canvas_spec(SPEC, "#generate_post_payload / sets the domain in the message hint")
def test_hint_domain(client: Any) -> None:
    started = client.post("/__mock__/launches", json={"tool": "1", "course": "101", "user": "20"},
                          headers={"Host": "school.example.edu"}).json()
    assert hint(started["params"])["canvas_domain"] == "school.example.edu"


@canvas_spec(SPEC, "#generate_post_payload / sets the client_id to the developer key global id")
def test_client_id(client: Any) -> None:
    assert login(client)["params"]["client_id"] == GRADING_KEY


@canvas_spec(SPEC, "#generate_post_payload / includes the deployment_id")
def test_deployment_id(client: Any) -> None:
    deployment = client.get(GRADING_TOOL, headers=ADMIN).json()["deployment_id"]
    assert login(client)["params"]["deployment_id"] == deployment


@canvas_spec(SPEC, "#generate_post_payload / generates a resource link request if the tool's resource type setting is "
                   "'ResourceLinkRequest'")
def test_caches_a_resource_link_request(client: Any) -> None:
    assert id_token(client, placement="course_navigation")[LTI + "message_type"] == "LtiResourceLinkRequest"


@canvas_spec(SPEC, '#generate_post_payload / when the message type is "LtiDeepLinkingRequest" / caches a deep linking '
                   "request")
def test_caches_a_deep_linking_request(client: Any) -> None:
    claims = id_token(client, placement="editor_button", message_type="LtiDeepLinkingRequest")
    assert claims[LTI + "message_type"] == "LtiDeepLinkingRequest"


@canvas_spec(SPEC, "#generate_post_payload / the hint names the cached launch (its context)", follows_code=CODE)
def test_hint_names_the_context(client: Any) -> None:
    claims = hint(login(client)["params"])
    assert (claims["context_type"], int(claims["context_id"])) == ("Course", 101)
    assert claims["verifier"] and claims["include_storage_target"] is True
