"""The remaining ``/api/lti/`` endpoints: developer-key tool configurations (API token) and the
LTI-token account services (account external tools, account lookup, data services, public
JWK) and AGS progress, each with its filter chain errors."""

from __future__ import annotations

from typing import Any

from tests.ltiutil import bearer, get_token, lti_error
from tests.rest.helpers import ADMIN, NOT_FOUND, TEACHER, assert_auth_errors, new_rsa_key, registered_tool, service_token

AET = "https://canvas.instructure.com/lti/account_external_tools/scope/"
DS = "https://canvas.instructure.com/lti/data_services/scope/"
LOOKUP = "https://canvas.instructure.com/lti/account_lookup/scope/show"
JWK_SCOPE = "https://canvas.instructure.com/lti/public_jwk/scope/update"
PROGRESS = "https://canvas.instructure.com/lti-ags/progress/scope/show"
ALL = [AET + a for a in ("create", "destroy", "list", "show", "update")] + \
      [DS + a for a in ("create", "show", "update", "list", "destroy", "list_event_types")] + [LOOKUP, JWK_SCOPE]


def settings(**extra: Any) -> dict[str, Any]:
    _, jwk = new_rsa_key("tc-kid")
    return {"title": "LTI 1.3 Tool", "description": "1.3 Tool", "target_link_uri": "https://tc.example.com/launch",
            "oidc_initiation_url": "https://tc.example.com/login", "public_jwk": jwk, "custom_fields": {"foo": "bar"},
            "extensions": [{"platform": "canvas.instructure.com", "domain": "tc.example.com", "privacy_level": "public",
                            "settings": {"placements": [{"placement": "course_navigation", "message_type": "LtiResourceLinkRequest"}]}}],
            **extra}


def test_tool_configuration_crud(client: Any) -> None:
    body = {"developer_key": {"name": "Test Dev Key", "redirect_uris": "https://tc.example.com\nhttps://tc2.example.com",
                              "scopes": ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"]},
            "tool_configuration": {"settings": settings(), "privacy_level": "public", "custom_fields": "a=b\nc=d",
                                   "disabled_placements": ["account_navigation"]}}
    created = client.post("/api/lti/accounts/1/developer_keys/tool_configuration", headers=ADMIN, json=body)
    assert created.status_code == 200, created.text
    key = created.json()["developer_key"]
    config = created.json()["tool_configuration"]
    assert key["redirect_uris"] == "https://tc.example.com\nhttps://tc2.example.com"
    assert key["developer_key_account_binding"]["workflow_state"] == "off"
    assert config["settings"]["custom_fields"] == {"foo": "bar", "a": "b", "c": "d"} and config["disabled_placements"] == ["account_navigation"]
    url = f"/api/lti/accounts/1/developer_keys/{key['id']}/tool_configuration"
    assert client.get(url, headers=ADMIN).status_code == 403  # shown only once the key is enabled here
    registration = client.get(f"/api/v1/accounts/1/lti_registration_by_client_id/{key['id']}", headers=ADMIN).json()
    client.post(f"/api/v1/accounts/1/lti_registrations/{registration['id']}/bind", headers=ADMIN, json={"workflow_state": "on"})
    assert client.get(url, headers=ADMIN).json()["tool_configuration"]["settings"]["title"] == "LTI 1.3 Tool"
    updated = client.put(f"/api/lti/developer_keys/{key['id']}/tool_configuration", headers=ADMIN,
                         json={"tool_configuration": {"settings": settings(target_link_uri="https://www.new-url.com/test")}})
    assert updated.status_code == 200 and updated.json()["tool_configuration"]["settings"]["target_link_uri"] == "https://www.new-url.com/test"
    assert client.delete(f"/api/lti/developer_keys/{key['id']}/tool_configuration", headers=ADMIN).status_code == 204
    assert client.get(url, headers=ADMIN).json() == NOT_FOUND
    assert client.delete(f"/api/lti/developer_keys/{key['id']}/tool_configuration", headers=ADMIN).json() == NOT_FOUND
    assert client.get("/api/lti/accounts/1/developer_keys/10000000000001/tool_configuration", headers=ADMIN).status_code == 200


def test_tool_configuration_errors(client: Any) -> None:
    url = "/api/lti/accounts/1/developer_keys/tool_configuration"
    no_uris = client.post(url, headers=ADMIN, json={"developer_key": {"name": "x"}, "tool_configuration": {"settings": settings()}})
    assert no_uris.status_code == 400 and no_uris.json() == {"errors": [{"message": "redirect_uris is missing"}]}
    assert client.post(url, headers=ADMIN, json={}).json() == {"errors": [{"message": "developer_key is missing"}]}
    no_jwk = settings()
    del no_jwk["public_jwk"]
    response = client.post(url, headers=ADMIN, json={"developer_key": {"redirect_uris": "https://x"}, "tool_configuration": {"settings": no_jwk}})
    assert response.status_code == 422
    message = "developer key must have public jwk or public jwk url"
    assert response.json() == {"errors": [{"field": "lti_key", "message": message, "error_code": None}]}
    bad_jwk = client.put("/api/lti/developer_keys/10000000000001/tool_configuration", headers=ADMIN,
                         json={"tool_configuration": {"settings": settings(public_jwk={"kty": "RSA"})}})
    message = "The following fields are required: kty, e, n, kid, alg, use"
    assert bad_jwk.json() == {"errors": [{"field": "configuration", "message": message, "error_code": None}]}
    assert client.put("/api/lti/developer_keys/424242/tool_configuration", headers=ADMIN, json={}).json() == NOT_FOUND
    assert_auth_errors(client, "POST", url, forbidden=TEACHER, json={})
    assert_auth_errors(client, "GET", "/api/lti/accounts/1/developer_keys/10000000000001/tool_configuration", forbidden=TEACHER)
    assert_auth_errors(client, "PUT", "/api/lti/developer_keys/10000000000001/tool_configuration", forbidden=TEACHER, json={})
    assert_auth_errors(client, "DELETE", "/api/lti/developer_keys/10000000000001/tool_configuration", forbidden=TEACHER)


def test_account_external_tools(client: Any) -> None:
    tool = registered_tool(client, ALL)
    token = bearer(service_token(client, tool))
    listed = client.get("/api/lti/accounts/2/external_tools", headers=token)
    assert listed.status_code == 200 and listed.headers["content-type"].startswith("application/vnd.canvas.contextexternaltools+json")
    assert [t["name"] for t in listed.json()] == ["Mock Grading Tool", "Unbound Tool", "Demo Tool"] and "link" in listed.headers
    created = client.post("/api/lti/accounts/2/external_tools", headers=token, json={"client_id": tool["client_id"]})
    assert created.status_code == 200 and created.json()["developer_key_id"] == int(tool["client_id"])
    again = client.post("/api/lti/accounts/2/external_tools", headers=token, json={"client_id": tool["client_id"], "verify_uniqueness": "true"})
    assert again.status_code == 400 and "tool_currently_installed" in again.json()["errors"]
    unbound = client.post("/api/lti/accounts/2/external_tools", headers=token, json={"client_id": "10000000000002"})
    assert unbound.status_code == 401 and unbound.content == b""
    assert client.post("/api/lti/accounts/2/external_tools", headers=token, json={"client_id": "1"}).json() == NOT_FOUND
    tool_id = created.json()["id"]
    assert client.get(f"/api/lti/accounts/2/external_tools/{tool_id}", headers=token).json()["id"] == tool_id
    lti_guid = client.get("/api/lti/accounts/2", headers=token).json()["uuid"]
    assert client.get(f"/api/lti/accounts/{lti_guid}/external_tools/{tool_id}", headers=token).status_code == 200
    assert client.delete(f"/api/lti/accounts/2/external_tools/{tool_id}", headers=token).json()["workflow_state"] == "deleted"
    assert client.get(f"/api/lti/accounts/2/external_tools/{tool_id}", headers=token).json() == NOT_FOUND
    lti_error(client.get("/api/lti/accounts/999/external_tools", headers=token), 401, "Invalid Developer Key")
    lti_error(client.get("/api/lti/accounts/2/external_tools"), 401, "Missing access token")
    narrow = bearer(service_token(client, tool, [LOOKUP]))
    lti_error(client.get("/api/lti/accounts/2/external_tools", headers=narrow), 401, "Insufficient permissions")


def test_account_lookup(client: Any) -> None:
    tool = registered_tool(client, [LOOKUP])
    token = bearer(service_token(client, tool))
    response = client.get("/api/lti/accounts/2", headers=token)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/vnd.canvas.accountlookup+json")
    assert response.json()["parent_account_id"] == 1 and response.json()["root_account_id"] == 1
    root = client.get("/api/lti/accounts/1", headers=token).json()
    assert root["root_account_id"] is None and root["default_time_zone"] == "Etc/UTC"
    assert client.get("/api/lti/accounts/77", headers=token).json() == NOT_FOUND
    off = registered_tool(client, [LOOKUP], name="Off Tool", state="off")
    lti_error(client.get("/api/lti/accounts/2", headers=bearer(service_token(client, off))), 401, "Invalid Developer Key")


def test_data_services(client: Any) -> None:
    tool = registered_tool(client, ALL)
    token = bearer(service_token(client, tool))
    base = "/api/lti/accounts/1/data_services"
    subscription = {"ContextId": "ctx", "ContextType": "root_account", "EventTypes": ["discussion_topic_created"],
                    "Format": "live-event", "TransportMetadata": {"Url": "sqs.example"}, "TransportType": "sqs"}
    created = client.post(base, headers=token, json={"subscription": subscription})
    assert created.status_code == 200 and created.headers["content-type"].startswith("application/vnd.canvas.dataservices+json")
    sub_id = created.json()["Id"]
    assert created.json()["OwnerId"] == tool["client_id"] and created.json()["EventTypes"] == ["discussion_topic_created"]
    assert [s["Id"] for s in client.get(base, headers=token).json()] == [sub_id]
    updated = client.put(f"{base}/{sub_id}", headers=token, json={"subscription": {"EventTypes": ["course_created"]}})
    assert updated.json()["EventTypes"] == ["course_created"]
    assert client.get(f"{base}/{sub_id}", headers=token).json()["EventTypes"] == ["course_created"]
    assert client.delete(f"{base}/{sub_id}", headers=token).json()["Active"] is False
    assert client.get(f"{base}/{sub_id}", headers=token).json() == NOT_FOUND
    bad = client.post(base, headers=token, json={"subscription": {**subscription, "ContextType": "planet"}})
    assert bad.status_code == 400 and bad.json() == {"error": "Invalid context type for subscription"}
    assert client.post(base, headers=token, json={}).json() == {"errors": [{"message": "subscription is missing"}]}
    types = client.get("/api/lti/accounts/1/event_types", headers=token)
    assert types.status_code == 200 and {"EventType": "course_created", "Category": "course"} in types.json()
    lti_error(client.get(base, headers=bearer(service_token(client, tool, [LOOKUP]))), 401, "Insufficient permissions")


def test_update_public_jwk(client: Any) -> None:
    tool = registered_tool(client, [JWK_SCOPE, LOOKUP])
    token = bearer(service_token(client, tool, [JWK_SCOPE]))
    pem, jwk = new_rsa_key("rotated")
    response = client.put("/api/lti/developer_key/update_public_jwk", headers=token, json={"developer_key": {"public_jwk": jwk}})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/vnd.ims.lis.v2.publicjwk+json")
    assert response.json()["public_jwk"]["kid"] == "rotated"
    old = client.post("http://testserver/login/oauth2/token", data=__import__("tests.ltiutil", fromlist=["token_form"]).token_form(
        tool, "http://testserver/login/oauth2/token", [LOOKUP]))
    assert old.status_code == 400  # assertions signed with the old key are refused now
    service_token(client, {**tool, "private_key_pem": pem, "kid": "rotated"}, [LOOKUP])
    bad = client.put("/api/lti/developer_key/update_public_jwk", headers=token, json={"developer_key": {"public_jwk": {"kty": "RSA"}}})
    assert bad.status_code == 422 and "public_jwk" in bad.json()["errors"]
    assert client.put("/api/lti/developer_key/update_public_jwk", headers=token, json={}).status_code == 400
    lti_error(client.put("/api/lti/developer_key/update_public_jwk", json={}), 401, "Missing access token")


def test_ags_progress(client: Any, config: dict[str, Any]) -> None:
    token = bearer(get_token(client, config, "Mock Grading Tool"))
    response = client.get("/api/lti/courses/101/progress/1", headers=token)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["context_type"] == "Assignment" and body["context_id"] == 301 and body["workflow_state"] == "completed"
    assert body["url"] == "http://testserver/api/lti/courses/101/progress/1"
    assert client.get("/api/lti/courses/101/progress/99", headers=token).json() == NOT_FOUND
    roster = bearer(get_token(client, config, "Roster Only Tool"))
    lti_error(client.get("/api/lti/courses/101/progress/1", headers=roster), 401, "Insufficient permissions")
    lti_error(client.get("/api/lti/courses/101/progress/1"), 401, "Missing access token")
    assert client.get("/api/lti/courses/103/progress/1", headers=token).json() == NOT_FOUND  # concluded course


def test_progress_of_another_tool_and_not_of_an_assignment(app: Any, client: Any, config: dict[str, Any]) -> None:
    from mockserver.world import Progress

    world = app.state.world
    world.progresses[2] = Progress(id=2, context_type="Course", context_id=101, course_id=101)
    world.progresses[3] = Progress(id=3, context_type="Assignment", context_id=302, course_id=101)
    token = bearer(get_token(client, config, "Mock Grading Tool"))
    lti_error(client.get("/api/lti/courses/101/progress/2", headers=token), 403,
              "Tool does not have permission to view a Progress not associated with an Assignment")
    lti_error(client.get("/api/lti/courses/101/progress/3", headers=token), 422,
              "Progress associated with Assignment that isn't linked to this Tool")
