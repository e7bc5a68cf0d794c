"""Canvas's ``spec/controllers/lti/tool_configurations_api_controller_spec.rb``: developer keys with an LTI 1.3
tool configuration (``/api/lti/accounts/:account_id/developer_keys/tool_configuration`` and
``/api/lti/developer_keys/:developer_key_id/tool_configuration``), for admins (``manage_developer_keys``).

The spec's ``dev_key_params`` and ``settings`` are sent as they are there; its ``sub_account`` is account 2.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.rest.helpers import ADMIN, NOT_FOUND, TEACHER, new_rsa_key

SPEC = "spec/controllers/lti/tool_configurations_api_controller_spec.rb"
CREATE = "/api/lti/accounts/2/developer_keys/tool_configuration"
LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
NEW_URL = "https://www.new-url.com/test"
DEV_KEY = {"name": "Test Dev Key", "email": "test@test.com", "notes": "Some cool notes", "test_cluster_only": True,
           "scopes": [LINEITEM], "require_scopes": True, "redirect_uris": "http://www.test.com\r\nhttp://www.anothertest.com",
           "public_jwk_url": "https://www.test.com"}
JWK_GROUP = "an endpoint that validates public_jwk and public_jwk_url"
KEY_GROUP = "an endpoint that accepts developer key parameters"


def settings(**extra: Any) -> dict[str, Any]:
    _, jwk = new_rsa_key("tool-configuration-kid")
    return {"title": "LTI 1.3 Tool", "description": "1.3 Tool", "target_link_uri": "http://lti13testtool.docker/blti_launch",
            "oidc_initiation_url": "http://lti13testtool.docker/blti_launch", "public_jwk": jwk,
            "scopes": [LINEITEM, "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"],
            "extensions": [{"platform": "canvas.instructure.com", "privacy_level": "public", "tool_id": "LTI 1.3 Test Tool",
                            "domain": "http://lti13testtool.docker",
                            "settings": {"icon_url": "https://static.thenounproject.com/png/131630-200.png",
                                         "placements": [{"placement": "course_navigation", "message_type": "LtiResourceLinkRequest"}]}}],
            **extra}


def create(mock: Any, dev_key: dict[str, Any] | None = None, **tool_configuration: Any) -> Any:
    body = {"developer_key": dev_key if dev_key is not None else DEV_KEY,
            "tool_configuration": {"privacy_level": "public", "settings": settings(), **tool_configuration}}
    return mock.post(CREATE, headers=ADMIN, json=body)


def created(mock: Any, **tool_configuration: Any) -> dict[str, Any]:
    response = create(mock, **tool_configuration)
    assert response.status_code == 200, response.text
    return response.json()


def update(mock: Any, key_id: int, dev_key: dict[str, Any] | None = None, **tool_configuration: Any) -> Any:
    body: dict[str, Any] = {"tool_configuration": {"privacy_level": "public", "settings": settings(), **tool_configuration}}
    if dev_key is not None:
        body["developer_key"] = dev_key
    return mock.put(f"/api/lti/developer_keys/{key_id}/tool_configuration", headers=ADMIN, json=body)


def error_message(response: Any) -> str | None:
    errors = response.json().get("errors") if response.status_code >= 400 else None
    return errors[0]["message"] if errors else None


@canvas_spec(SPEC, "#create / when the tool configuration does not exist / creates a developer key on the correct account")
def test_create_on_the_sub_account(mock: Any) -> None:
    body = created(mock)
    assert body["developer_key"]["account_name"] == "School of Science"
    assert body["tool_configuration"]["developer_key_id"] == body["developer_key"]["id"]


@canvas_spec(SPEC, f"#create / {KEY_GROUP} / sets the developer key name, email, notes, test_cluster_only, scopes, require_scopes")
def test_create_developer_key_fields(mock: Any) -> None:
    key = created(mock)["developer_key"]
    assert (key["name"], key["email"], key["notes"], key["test_cluster_only"]) == ("Test Dev Key", "test@test.com", "Some cool notes", True)
    assert key["scopes"] == [LINEITEM] and key["require_scopes"] is True


@canvas_spec(SPEC, f"#create / {KEY_GROUP} / sets the developer key redirect_uris")
def test_create_developer_key_redirect_uris(mock: Any) -> None:
    assert created(mock)["developer_key"]["redirect_uris"].split() == ["http://www.test.com", "http://www.anothertest.com"]


@canvas_spec(SPEC, f"#create / {KEY_GROUP} / sets the developer key oidc_initiation_url")
def test_create_developer_key_oidc_initiation_url(mock: Any) -> None:
    assert created(mock)["developer_key"]["oidc_initiation_url"] == "http://lti13testtool.docker/blti_launch"


@canvas_spec(SPEC, f"#create / {KEY_GROUP} / when scopes are invalid")
def test_create_with_an_invalid_scope(mock: Any) -> None:
    response = create(mock, {**DEV_KEY, "scopes": ["invalid scope"]})
    assert response.status_code == 422 and error_message(response) == "cannot contain invalid scope"


@canvas_spec(SPEC, f"#create / {JWK_GROUP} / when the public jwk is missing; when the public jwk url is missing")
def test_create_with_either_jwk_or_jwk_url(mock: Any) -> None:
    assert create(mock, settings=settings(public_jwk=None, public_jwk_url="https://test.com")).status_code == 200
    no_url = {k: v for k, v in DEV_KEY.items() if k != "public_jwk_url"}
    assert create(mock, no_url).status_code == 200


@canvas_spec(SPEC, f"#create / {JWK_GROUP} / when both the public jwk and public jwk url are missing")
def test_create_without_jwk_and_jwk_url(mock: Any) -> None:
    no_url = {k: v for k, v in DEV_KEY.items() if k != "public_jwk_url"}
    no_jwk = settings()
    del no_jwk["public_jwk"]
    response = create(mock, no_url, settings=no_jwk)
    assert response.status_code == 422 and error_message(response)


@canvas_spec(SPEC, f"#create / {JWK_GROUP} / when the public jwk is missing keys; has an invalid alg; has an invalid kty")
@pytest.mark.parametrize("change", [{"kty": None, "alg": None, "use": None}, {"alg": "invalid"}, {"kty": "invalid"}])
def test_create_with_an_invalid_jwk(mock: Any, change: dict[str, Any]) -> None:
    _, jwk = new_rsa_key("bad")
    bad = {k: v for k, v in {**jwk, **change}.items() if v is not None}
    response = create(mock, settings=settings(public_jwk=bad))
    assert response.status_code == 422 and error_message(response)


@canvas_spec(SPEC, "#create / without a redirect_uri present / returns a 400")
def test_create_without_redirect_uris(mock: Any) -> None:
    assert create(mock, {**DEV_KEY, "redirect_uris": None}).status_code == 400


@canvas_spec(SPEC, "#create / an action that requires manage developer keys / when the user is not an admin")
def test_create_as_a_teacher(mock: Any) -> None:
    response = mock.post(CREATE, headers=TEACHER, json={"developer_key": DEV_KEY, "tool_configuration": {"settings": settings()}})
    assert response.status_code in (401, 403) and response.json()["errors"] == [{"message": "user not authorized to perform that action"}]


@canvas_spec(SPEC, "#update / updates the tool configuration; sets the privacy level")
def test_update_target_link_uri_and_privacy(mock: Any) -> None:
    key_id = created(mock)["developer_key"]["id"]
    response = update(mock, key_id, settings=settings(target_link_uri=NEW_URL), privacy_level="anonymous")
    assert response.status_code == 200
    config = response.json()["tool_configuration"]
    assert config["settings"]["target_link_uri"] == NEW_URL and config["privacy_level"] == "anonymous"


@canvas_spec(SPEC, "#update / when there are associated tools / when tool in an account (and in a course) / an action that updates installed tools")
@pytest.mark.parametrize("context", ["/api/v1/accounts/2", "/api/v1/courses/101"])
def test_update_changes_installed_tools_privacy(mock: Any, context: str) -> None:
    key_id = created(mock)["developer_key"]["id"]
    registration = mock.get(f"/api/v1/accounts/1/lti_registration_by_client_id/{key_id}", headers=ADMIN).json()
    mock.post(f"/api/v1/accounts/1/lti_registrations/{registration['id']}/bind", headers=ADMIN, json={"workflow_state": "on"})
    tool = mock.post(f"{context}/external_tools", headers=ADMIN, json={"client_id": str(key_id)}).json()
    assert update(mock, key_id, privacy_level="anonymous").status_code == 200
    assert mock.get(f"{context}/external_tools/{tool['id']}", headers=ADMIN).json()["privacy_level"] == "anonymous"


@canvas_spec(SPEC, f"#update / {KEY_GROUP} / sets the developer key name, email, notes, scopes")
def test_update_developer_key_fields(mock: Any) -> None:
    key_id = created(mock)["developer_key"]["id"]
    changed = {**DEV_KEY, "name": "Renamed", "email": "new@test.com", "notes": "New notes", "scopes": []}
    key = update(mock, key_id, changed).json()["developer_key"]
    assert (key["name"], key["email"], key["notes"], key["scopes"]) == ("Renamed", "new@test.com", "New notes", [])


@canvas_spec(SPEC, "#update / an action that requires manage developer keys / when the developer key does not exist")
def test_update_unknown_key(mock: Any) -> None:
    assert update(mock, 10_000_000_099_999).json() == NOT_FOUND


@canvas_spec(SPEC, "#show / when the tool configuration exists and key is enabled / renders the tool configuration")
def test_show_an_enabled_key(mock: Any) -> None:
    body = mock.get("/api/lti/accounts/1/developer_keys/10000000000001/tool_configuration", headers=ADMIN).json()
    assert body["tool_configuration"]["developer_key_id"] == 10000000000001 and body["developer_key"]["id"] == 10000000000001


@canvas_spec(SPEC, '#show / when the requested key is not enable in the context / responds with "unauthorized"')
def test_show_a_key_bound_off(mock: Any) -> None:
    response = mock.get("/api/lti/accounts/1/developer_keys/10000000000002/tool_configuration", headers=ADMIN)
    assert response.status_code in (401, 403)
    assert response.json() == {"status": "unauthorized", "errors": [{"message": "user not authorized to perform that action"}]}


@canvas_spec(SPEC, "#destroy / when the tool configuration exists / destroys the tool configuration")
def test_destroy(mock: Any) -> None:
    key_id = created(mock)["developer_key"]["id"]
    assert mock.delete(f"/api/lti/developer_keys/{key_id}/tool_configuration", headers=ADMIN).status_code == 204
    assert mock.delete(f"/api/lti/developer_keys/{key_id}/tool_configuration", headers=ADMIN).json() == NOT_FOUND
