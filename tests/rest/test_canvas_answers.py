"""Answers shaped as a real Canvas records them (issue 12): null custom fields, deleted tools, the
account external tools' error media type, the generic 500, resource link time stamps, and
authentication before anything else on every REST route."""

from __future__ import annotations

import calendar
import re
import time
from typing import Any

import pytest

from mockserver import create_app
from mockserver.handlers import HANDLERS
from mockserver.spec import load_spec, operations
from tests.launch.dlutil import deep_linking_claims, response_claims, return_path, sign
from tests.ltiutil import bearer, tool_named
from tests.rest.helpers import ADMIN, TEACHER, registered_tool, service_token

TOOLS_MEDIA = "application/vnd.canvas.contextexternaltools+json"
AET = "https://canvas.instructure.com/lti/account_external_tools/scope/"
TOOL = {"name": "Plain", "consumer_key": "ck", "shared_secret": "TEST-ONLY-secret", "url": "https://plain.example.com/lti",
        "privacy_level": "name_only"}
UNAUTHENTICATED = {"status": "unauthenticated", "errors": [{"message": "user authorization required"}]}


def _epoch(stamp: str) -> int:
    return calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ"))


@pytest.mark.parametrize("context", ["courses/101", "accounts/1"])
def test_tools_without_custom_fields_answer_null(client: Any, context: str) -> None:
    """Item 1: ``custom_fields: null`` for a tool that has none, in every external tool answer."""
    base = f"/api/v1/{context}/external_tools"
    plain = client.post(base, headers=ADMIN, json=TOOL)
    assert plain.status_code == 200 and plain.json()["custom_fields"] is None
    custom = client.post(base, headers=ADMIN, json={**TOOL, "name": "Custom", "custom_fields": {"a": "b"}}).json()
    assert custom["custom_fields"] == {"a": "b"}
    assert client.get(f"{base}/{plain.json()['id']}", headers=ADMIN).json()["custom_fields"] is None
    listed = {t["name"]: t["custom_fields"] for t in client.get(base, headers=ADMIN, params={"per_page": 100}).json()}
    assert listed["Plain"] is None and listed["Custom"] == {"a": "b"}


def test_lti_account_external_tools_null_custom_fields_deleted_state_and_error_media_type(client: Any) -> None:
    """Items 1, 3 and 4 on ``/api/lti/accounts/:id/external_tools``."""
    tool = registered_tool(client, [AET + a for a in ("create", "destroy", "list", "show")])
    token = bearer(service_token(client, tool))
    created = client.post("/api/lti/accounts/1/external_tools", headers=token, json={"client_id": tool["client_id"]})
    assert created.status_code == 200 and created.headers["content-type"].startswith(TOOLS_MEDIA)
    assert created.json()["custom_fields"] is None
    listed = client.get("/api/lti/accounts/1/external_tools", headers=token, params={"per_page": 100}).json()
    assert all(t["custom_fields"] is None or t["custom_fields"] for t in listed)  # never {}

    again = client.post("/api/lti/accounts/1/external_tools", headers=token,
                        json={"client_id": tool["client_id"], "verify_uniqueness": "true"})
    message = "The tool is already installed in this context."
    assert again.status_code == 400 and again.headers["content-type"].startswith(TOOLS_MEDIA)
    assert again.json() == {"errors": {"tool_currently_installed": [
        {"attribute": "tool_currently_installed", "type": message, "message": message}]}}
    # Errors Canvas's framework renders (not the controller) stay application/json.
    missing = client.get("/api/lti/accounts/999/external_tools", headers=token)  # verify_active_in_account: 401
    assert missing.status_code == 401 and missing.headers["content-type"].startswith("application/json")

    deleted = client.delete(f"/api/lti/accounts/1/external_tools/{created.json()['id']}", headers=token)
    assert deleted.status_code == 200 and deleted.headers["content-type"].startswith(TOOLS_MEDIA)
    assert (deleted.json()["privacy_level"], deleted.json()["workflow_state"]) == ("deleted", "deleted")


def test_rest_delete_reports_the_deleted_privacy_level(client: Any) -> None:
    """Item 3: Canvas keeps the privacy level in ``workflow_state``; once deleted both say so."""
    tool = client.post("/api/v1/courses/101/external_tools", headers=TEACHER, json=TOOL).json()
    assert (tool["privacy_level"], tool["workflow_state"]) == ("name_only", "name_only")
    deleted = client.delete(f"/api/v1/courses/101/external_tools/{tool['id']}", headers=TEACHER).json()
    assert (deleted["privacy_level"], deleted["workflow_state"]) == ("deleted", "deleted")


def test_tool_configuration_without_a_key_name_answers_null(client: Any) -> None:
    """Item 2: a key made without ``developer_key[name]`` has ``name: null``, as Canvas's does."""
    from tests.rest.test_lti_services import settings

    body = {"developer_key": {"redirect_uris": "https://tc.example.com/launch"}, "tool_configuration": {"settings": settings()}}
    created = client.post("/api/lti/accounts/1/developer_keys/tool_configuration", headers=ADMIN, json=body)
    assert created.status_code == 200, created.text
    key_id = created.json()["developer_key"]["id"]
    assert created.json()["developer_key"]["name"] is None
    registration = client.get(f"/api/v1/accounts/1/lti_registration_by_client_id/{key_id}", headers=ADMIN).json()
    client.post(f"/api/v1/accounts/1/lti_registrations/{registration['id']}/bind", headers=ADMIN, json={"workflow_state": "on"})
    shown = client.get(f"/api/lti/accounts/1/developer_keys/{key_id}/tool_configuration", headers=ADMIN)  # shown once enabled
    assert shown.status_code == 200 and shown.json()["developer_key"]["name"] is None
    named = client.post("/api/lti/accounts/1/developer_keys/tool_configuration", headers=ADMIN,
                        json={**body, "developer_key": {**body["developer_key"], "name": "Named"}})
    assert named.json()["developer_key"]["name"] == "Named"


def test_unexpected_failure_answers_canvas_500(monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 7: a bug in a handler is Canvas's generic 500 with an ``error_report_id``, valid
    against the spec's InternalError, never a traceback."""

    async def broken(ctx: Any, **_: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setitem(HANDLERS, "getPlatformJwks", broken)
    app = create_app(validate_responses=True)
    with app.test_client() as client:  # no exception escapes the app
        first, second = client.get("/api/lti/security/jwks"), client.get("/api/lti/security/jwks")
    for response in (first, second):
        assert response.status_code == 500 and response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert body["errors"] == [{"message": "An error occurred.", "error_code": "internal_server_error"}]
        assert isinstance(body["error_report_id"], int)
    assert second.json()["error_report_id"] != first.json()["error_report_id"]
    _valid_internal_error(first.json())


def test_injected_500_has_the_same_shape(client: Any) -> None:
    """Item 7: the ``status`` fault's 500 is the same body."""
    rules = {"rules": [{"kind": "status", "status": 500, "operation_id": "listLineItems"}]}
    assert client.post("/__mock__/faults", json=rules).status_code in (200, 201)
    response = client.get("/api/lti/courses/101/line_items")
    assert response.status_code == 500
    body = response.json()
    assert body["errors"] == [{"message": "An error occurred.", "error_code": "internal_server_error"}]
    _valid_internal_error(body)


def _valid_internal_error(body: Any) -> None:
    """``body`` against the spec's InternalError schema (its refs resolved within the spec)."""
    from openapi_schema_validator import OAS30Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    registry = Registry().with_resource("urn:spec", Resource.from_contents(load_spec(), default_specification=DRAFT4))
    OAS30Validator({"$ref": "urn:spec#/components/schemas/InternalError"}, registry=registry).validate(body)


def test_deep_linked_resource_links_are_stamped_with_the_mock_clock(client: Any, config: dict[str, Any]) -> None:
    """Item 9: links a deep linking response creates carry the mock's "now", like the Resource Links API's."""
    assert client.post("/__mock__/clock", json={"now": "2031-03-04T05:06:07Z"}).status_code == 200
    grading = tool_named(config, "Mock Grading Tool")
    path = return_path(deep_linking_claims(client))
    before = client.get("/__mock__/clock").json()["epoch"]
    items = [{"type": "ltiResourceLink", "title": "Stamped", "url": "http://127.0.0.1:9001/launch/stamped"}]
    claims = response_claims(grading, items, iat=int(before), exp=int(before) + 300)
    assert client.post(path, data={"JWT": sign(grading, claims)}).status_code == 200
    after = client.get("/__mock__/clock").json()["epoch"]
    links = client.get("/api/v1/courses/101/lti_resource_links", headers=TEACHER, params={"per_page": 100}).json()
    link = next(link for link in links if link["title"] == "Stamped")
    assert link["created_at"] == link["updated_at"] and link["created_at"].startswith("2031-03-04T")
    assert int(before) <= _epoch(link["created_at"]) <= after


def test_ags_created_resource_link_is_stamped_with_the_mock_clock(client: Any, grading_token: str) -> None:
    """The same for the link a line item's ``external_tool`` submission type creates (the fixture
    placeholder, 2026-01-01, is outside the bracket)."""
    before = client.get("/__mock__/clock").json()["epoch"]
    extension = {"type": "external_tool", "external_tool_url": "http://127.0.0.1:9001/launch"}
    created = client.post("/api/lti/courses/101/line_items", json={
        "scoreMaximum": 10, "label": "Linked", "https://canvas.instructure.com/lti/submission_type": extension},
        headers={**bearer(grading_token), "Content-Type": "application/vnd.ims.lis.v2.lineitem+json"})
    assert created.status_code == 201, created.text
    after = client.get("/__mock__/clock").json()["epoch"]
    links = client.get("/api/v1/courses/101/lti_resource_links", headers=TEACHER, params={"per_page": 100}).json()
    link = next(link for link in links if link["resource_link_uuid"] == created.json()["resourceLinkId"])
    assert link["created_at"] == link["updated_at"] and int(before) <= _epoch(link["created_at"]) <= after


def _rest_routes() -> list[tuple[str, str]]:
    """Every operation behind a Canvas API token, its path ids filled with ids that do not exist
    (and with an existing sub-account, the case the issue found)."""
    routes = []
    for info in operations(load_spec()).values():
        if info.filters[:1] != ("api_user",):
            continue
        for filler in ("999999", "2"):
            routes.append((info.method, re.sub(r"\{[^}]+\}", filler, info.path)))
    return routes


@pytest.mark.parametrize(("method", "path"), _rest_routes())
def test_rest_routes_authenticate_first(client: Any, method: str, path: str) -> None:
    """Item 11: with no token every REST route answers 401, whichever ids the path names."""
    response = client.request(method, path)
    assert response.status_code == 401, response.text
    assert response.json() == UNAUTHENTICATED
    assert response.headers["www-authenticate"] == 'Bearer realm="canvas-lms"'


def test_sub_account_registrations_without_a_token(client: Any) -> None:
    """The case of the issue: account 2 answered 404 where account 1 answered 401."""
    for account in (1, 2, 999):
        response = client.get(f"/api/v1/accounts/{account}/lti_registrations")
        assert response.status_code == 401 and response.json() == UNAUTHENTICATED
    assert client.get("/api/v1/accounts/2/lti_registrations", headers=ADMIN).status_code == 404
