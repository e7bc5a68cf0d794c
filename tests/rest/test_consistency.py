"""One world across the REST APIs and the LTI services: tools installed through the External
Tools API are what service tokens resolve to, resource links made through REST are found by
``lookup_uuid:``, and a registration bound ``off`` makes its key fail at the services."""

from __future__ import annotations

from typing import Any

from tests.ltiutil import AGS_LINEITEM, AGS_SCORE, LINE_ITEM, bearer, get_token, lti_error
from tests.rest.helpers import ADMIN, TEACHER, registered_tool, service_token

NOT_LINKED = "Access Token not linked to a Tool associated with this Context"


def test_rest_installed_tool_serves_an_ags_flow(client: Any, config: dict[str, Any]) -> None:
    tool = registered_tool(client, [AGS_LINEITEM, AGS_SCORE], name="AGS Tool")
    token = bearer(service_token(client, tool))
    lti_error(client.get("/api/lti/courses/102/line_items", headers=token), 401, NOT_LINKED)
    installed = client.post("/api/v1/courses/102/external_tools", headers=ADMIN, json={"client_id": tool["client_id"]})
    assert installed.status_code == 200, installed.text
    assert installed.json()["version"] == "1.3" and installed.json()["url"] == "https://service.example.com/launch"
    item = client.post("/api/lti/courses/102/line_items", headers={**token, "Content-Type": LINE_ITEM},
                       json={"label": "REST-installed", "scoreMaximum": 10})
    assert item.status_code == 201, item.text
    user = next(u for u in config["users"] if u["id"] == 26)
    score = client.post(f"{item.json()['id']}/scores", headers=token, json={
        "userId": user["lti_id"], "scoreGiven": 9, "scoreMaximum": 10, "activityProgress": "Completed",
        "gradingProgress": "FullyGraded", "timestamp": "2026-05-01T10:00:00Z"})
    assert score.status_code == 200, score.text
    assert client.delete(f"/api/v1/courses/102/external_tools/{installed.json()['id']}", headers=ADMIN).status_code == 200
    lti_error(client.get("/api/lti/courses/102/line_items", headers=token), 401, NOT_LINKED)


def test_install_needs_a_usable_key(client: Any) -> None:
    off = client.post("/api/v1/courses/101/external_tools", headers=TEACHER, json={"client_id": "10000000000002"})
    assert off.status_code == 422 and "client_id" in off.json()["errors"]
    assert client.post("/api/v1/courses/101/external_tools", headers=TEACHER, json={"client_id": "42"}).status_code == 404


def test_rest_resource_link_is_found_by_lookup_uuid_and_keeps_its_deleted_tool(client: Any) -> None:
    link = client.post("/api/v1/courses/101/lti_resource_links", headers=TEACHER,
                       json={"url": "http://127.0.0.1:9003/launch", "title": "Roster view"}).json()
    assert link["context_external_tool_id"] == 3
    found = client.get(f"/api/v1/courses/101/lti_resource_links/lookup_uuid:{link['lookup_uuid']}", headers=TEACHER)
    assert found.status_code == 200 and found.json()["resource_link_uuid"] == link["resource_link_uuid"]
    assert client.delete("/api/v1/courses/101/external_tools/3", headers=TEACHER).status_code == 200
    after = client.get(f"/api/v1/courses/101/lti_resource_links/{link['id']}", headers=TEACHER).json()
    assert after["context_external_tool_id"] == 3  # "may have been deleted", as Canvas documents
    # a new link for the same URL finds no tool: the account tool's domain (127.0.0.1) does not cover
    # another port (``matches_tool_domain?`` compares ".host:port" with ".domain")
    again = client.post("/api/v1/courses/101/lti_resource_links", headers=TEACHER, json={"url": "http://127.0.0.1:9003/launch"})
    assert again.status_code == 422 and again.json()["errors"][0]["message"] == "No tool found for the provided URL"


def test_binding_off_makes_the_services_refuse_the_key(client: Any, config: dict[str, Any]) -> None:
    token = bearer(get_token(client, config, "Mock Grading Tool"))
    assert client.get("/api/lti/courses/101/line_items", headers=token).status_code == 200
    reg = client.get("/api/v1/accounts/1/lti_registration_by_client_id/10000000000001", headers=ADMIN).json()
    bound = client.post(f"/api/v1/accounts/1/lti_registrations/{reg['id']}/bind", headers=ADMIN, json={"workflow_state": "off"})
    assert bound.json()["workflow_state"] == "off"
    lti_error(client.get("/api/lti/courses/101/line_items", headers=token), 401, "Invalid Developer Key")
    client.post(f"/api/v1/accounts/1/lti_registrations/{reg['id']}/bind", headers=ADMIN, json={"workflow_state": "on"})
    assert client.get("/api/lti/courses/101/line_items", headers=token).status_code == 200
    unbound = client.get("/api/v1/accounts/1/lti_registration_by_client_id/10000000000002", headers=ADMIN).json()
    client.post(f"/api/v1/accounts/1/lti_registrations/{unbound['id']}/bind", headers=ADMIN, json={"workflow_state": "on"})
    unbound_token = bearer(get_token(client, config, "Unbound Tool"))
    assert client.get("/api/lti/courses/101/line_items", headers=unbound_token).status_code == 200


def test_deleting_a_registration_deactivates_its_key(client: Any) -> None:
    tool = registered_tool(client, [AGS_LINEITEM], name="Doomed Tool")
    token = bearer(service_token(client, tool))
    client.post("/api/v1/accounts/2/external_tools", headers=ADMIN, json={"client_id": tool["client_id"]})
    assert client.get("/api/lti/courses/101/line_items", headers=token).status_code == 200
    assert client.delete(f"/api/v1/accounts/1/lti_registrations/{tool['registration_id']}", headers=ADMIN).status_code == 200
    lti_error(client.get("/api/lti/courses/101/line_items", headers=token), 401, "Unknown or inactive Developer Key")


def test_state_dump_round_trips_rest_records(client: Any) -> None:
    tool = registered_tool(client, [AGS_LINEITEM], name="Dumped Tool")
    client.put(f"/api/v1/accounts/1/lti_registrations/{tool['registration_id']}", headers=ADMIN, json={"overlay": {"title": "T"}})
    client.post("/api/v1/courses/101/external_tools", headers=TEACHER, json={"name": "N", "consumer_key": "k", "shared_secret": "s",
                                                                          "url": "https://n.example.com", "privacy_level": "public",
                                                                          "course_navigation": {"text": "Nav"}})
    client.post("/api/v1/courses/101/lti_resource_links", headers=TEACHER, json={"url": "http://127.0.0.1:9001/x", "custom": {"a": "b"}})
    dump = client.get("/__mock__/state").json()
    assert client.post("/__mock__/reset").status_code == 204
    assert client.put("/__mock__/state", json=dump).status_code == 204
    assert client.get("/__mock__/state").json() == dump
    assert client.get(f"/api/v1/accounts/1/lti_registrations/{tool['registration_id']}?include[]=overlay", headers=ADMIN).json()["overlay"]
