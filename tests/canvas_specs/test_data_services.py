"""Canvas's ``spec/controllers/lti/data_services_controller_spec.rb``: the Data Services subscriptions
(``/api/lti/accounts/:account_id/data_services``) and event types.

Canvas forwards subscriptions to its live events subscription service; the mock is that service too, so its
answers echo what Canvas sends it: the subscription plus ``OwnerId``/``OwnerType`` on create and
``UpdatedBy``/``UpdatedByType`` on update. The owner is the developer key's tool installed in the root
account (``external_tool``, its global id), else the key itself (``internal_service``), or the admin the
tool names (``person``). Ids are global ids of the fixture's shard 1 (account 1 is ``10000000000001``).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs import lti_services as shared
from tests.canvas_specs.citation import canvas_spec
from tests.ltiutil import bearer

SPEC = "spec/controllers/lti/data_services_controller_spec.rb"
SCOPE = "https://canvas.instructure.com/lti/data_services/scope/"
MEDIA = "application/vnd.canvas.dataservices+json"
BASE = "/api/lti/accounts/1/data_services"
SUBSCRIPTION = {"ContextId": "ctx", "ContextType": "root_account", "EventTypes": ["discussion_topic_created"],
                "Format": "live-event", "TransportMetadata": {"Url": "sqs.example"}, "TransportType": "sqs"}
ENDPOINTS = {
    "create": shared.Endpoint("POST", BASE, SCOPE + "create", MEDIA, {"subscription": SUBSCRIPTION}),
    "index": shared.Endpoint("GET", BASE, SCOPE + "list", MEDIA),
    "event_types_index": shared.Endpoint("GET", "/api/lti/accounts/1/event_types", SCOPE + "list_event_types", MEDIA),
}
ALL = [SCOPE + a for a in ("create", "show", "update", "list", "destroy", "list_event_types")]


def token(mock: Any) -> dict[str, str]:
    return bearer(shared.token_for(mock, ALL))


def create(mock: Any, **extra: Any) -> Any:
    return mock.post(BASE, headers=token(mock), json={"subscription": {**SUBSCRIPTION, **extra}})


def install_tool_in_root_account(mock: Any) -> int:
    aet = "https://canvas.instructure.com/lti/account_external_tools/scope/create"
    response = mock.post("/api/lti/accounts/1/external_tools", headers=bearer(shared.token_for(mock, [aet])),
                         json={"client_id": shared.GRADING_KEY})
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


def global_id(local_id: int) -> str:
    return str(10_000_000_000_000 + local_id)


@canvas_spec(SPEC, f"#create, #index, #event_types_index / {shared.SHARED} / returns correct mime_type; returns 200 success")
@pytest.mark.parametrize("action", ENDPOINTS)
def test_lti_services_success(mock: Any, action: str) -> None:
    shared.check_success(mock, ENDPOINTS[action])


@canvas_spec(SPEC, f"#create, #index, #event_types_index / {shared.SHARED} / with <token failure> / returns 401 unauthorized")
@pytest.mark.parametrize("action", ENDPOINTS)
@pytest.mark.parametrize("case", ["no access token", "no access token scope grant", "invalid access token signature"])
def test_lti_services_token_failures(mock: Any, app: Any, action: str, case: str) -> None:
    shared.check_token_errors(mock, app, ENDPOINTS[action], case)


@canvas_spec(SPEC, "#create / adds OwnerId and OwnerType if passed in for a tool")
def test_create_owned_by_the_installed_tool(mock: Any) -> None:
    tool_id = install_tool_in_root_account(mock)
    response = create(mock)
    assert response.status_code == 200
    body = response.json()
    assert (body["OwnerId"], body["OwnerType"]) == (global_id(tool_id), "external_tool")
    assert {k: body[k] for k in SUBSCRIPTION} == SUBSCRIPTION


@canvas_spec(SPEC, "#create / without an installed tool / uses developer key for OwnerId")
def test_create_owned_by_the_developer_key(mock: Any) -> None:
    """The Mock Grading Tool is installed in account 2, not in the root account: the key owns it."""
    body = create(mock).json()
    assert (body["OwnerId"], body["OwnerType"]) == (shared.GRADING_KEY, "internal_service")


@canvas_spec(SPEC, "#create / adds OwnerId and OwnerType if passed in for a person")
def test_create_owned_by_an_admin(mock: Any) -> None:
    body = create(mock, OwnerId=global_id(1)).json()
    assert (body["OwnerId"], body["OwnerType"]) == (global_id(1), "person")


@canvas_spec(SPEC, "#create / with non admin user / raises an unprocessable_entity")
def test_create_owned_by_a_student(mock: Any) -> None:
    assert create(mock, OwnerId=global_id(20)).status_code == 422
    assert mock.get(BASE, headers=token(mock)).json() == []


@canvas_spec(SPEC, "#create / with not found user / raises a 404")
def test_create_owned_by_nobody(mock: Any) -> None:
    assert create(mock, OwnerId="notfound").status_code == 404


@canvas_spec(SPEC, "#update / adds UpdatedBy and UpdatedByType if passed in for a tool")
def test_update_by_the_installed_tool(mock: Any) -> None:
    tool_id = install_tool_in_root_account(mock)
    sub_id = create(mock).json()["Id"]
    body = mock.put(f"{BASE}/{sub_id}", headers=token(mock), json={"subscription": {"EventTypes": ["course_created"]}}).json()
    assert (body["UpdatedBy"], body["UpdatedByType"], body["Id"]) == (global_id(tool_id), "external_tool", sub_id)
    assert body["EventTypes"] == ["course_created"]


@canvas_spec(SPEC, "#update / without an installed tool / uses developer key for UpdatedBy")
def test_update_by_the_developer_key(mock: Any) -> None:
    sub_id = create(mock).json()["Id"]
    body = mock.put(f"{BASE}/{sub_id}", headers=token(mock), json={"subscription": {"Format": "caliper"}}).json()
    assert (body["UpdatedBy"], body["UpdatedByType"]) == (shared.GRADING_KEY, "internal_service")


@canvas_spec(SPEC, "#update / adds UpdatedBy and UpdatedByType if passed in for a person")
def test_update_by_an_admin(mock: Any) -> None:
    sub_id = create(mock).json()["Id"]
    body = mock.put(f"{BASE}/{sub_id}", headers=token(mock), json={"subscription": {"UpdatedBy": global_id(1)}}).json()
    assert (body["UpdatedBy"], body["UpdatedByType"]) == (global_id(1), "person")


@canvas_spec(SPEC, "#update / with non admin user / raises an unprocessable_entity; with not found user / raises a 404")
def test_update_by_a_student_or_nobody(mock: Any) -> None:
    sub_id = create(mock).json()["Id"]
    url = f"{BASE}/{sub_id}"
    assert mock.put(url, headers=token(mock), json={"subscription": {"UpdatedBy": global_id(20)}}).status_code == 422
    assert mock.put(url, headers=token(mock), json={"subscription": {"UpdatedBy": "notfound"}}).status_code == 404
    assert "UpdatedBy" not in mock.get(url, headers=token(mock)).json()
