"""LTI Resource Links API (§16.2) over HTTP: listing, the three id forms, create / bulk create /
update / delete with every documented error, and pagination."""

from __future__ import annotations

from typing import Any

from tests.rest.helpers import ADMIN, NOT_FOUND, STUDENT, TEACHER, assert_auth_errors, links

BASE = "/api/v1/courses/101/lti_resource_links"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
FIXTURE_LINK = "8a3c6a36-4b0c-4d7e-9c1a-1f2a3b4c5d01"
TOOL_URL = "http://127.0.0.1:9001/launch"  # Mock Grading Tool, account 2 (domain 127.0.0.1)


def new_link(client: Any, **fields: Any) -> dict[str, Any]:
    response = client.post(BASE, headers=TEACHER, json={"url": f"{TOOL_URL}?item=1", "title": "Embedded", **fields})
    assert response.status_code == 200, response.text
    return response.json()


def test_list_and_show_fixture_assignment_link(client: Any) -> None:
    response = client.get(BASE, headers=TEACHER)
    assert response.status_code == 200
    [link] = response.json()
    summary = (link["resource_link_uuid"], link["context_type"], link["context_id"], link["resource_type"])
    assert summary == (FIXTURE_LINK, "Assignment", 301, "assignment")
    assert link["canvas_launch_url"] == "http://testserver/courses/101/assignments/301"
    assert link["context_external_tool_id"] == 1
    for ref in (str(link["id"]), f"lookup_uuid:{link['lookup_uuid']}", f"resource_link_uuid:{FIXTURE_LINK}"):
        assert client.get(f"{BASE}/{ref}", headers=TEACHER).json() == link
    for ref in ("999", "lookup_uuid:nope", "resource_link_uuid:nope", "garbage"):
        assert client.get(f"{BASE}/{ref}", headers=TEACHER).json() == NOT_FOUND
    assert client.get("/api/v1/courses/102/lti_resource_links/1", headers=ADMIN).json() == NOT_FOUND


def test_create_and_lookup(client: Any) -> None:
    link = new_link(client, custom={"a": "b"})
    assert link["resource_type"] == "rich_content" and link["context_type"] == "Course" and link["context_id"] == 101
    assert link["context_external_tool_id"] == 1 and link["title"] == "Embedded"
    assert client.get(f"{BASE}/lookup_uuid:{link['lookup_uuid']}", headers=TEACHER).json() == link
    assert [rl["id"] for rl in client.get(BASE, headers=TEACHER).json()][-1] == link["id"]


def test_create_errors_store_nothing(client: Any) -> None:
    before = client.get(BASE, headers=TEACHER).json()
    cases = [
        ({"url": "https://unknown.example.com/x"}, "invalid_url", "No tool found for the provided URL"),
        ({"url": "not a url"}, "invalid_url", "'url' param must be a valid URL"),
        ({"url": TOOL_URL, "custom": "x"}, "invalid_custom", "'custom' param must contain key/value pairs"),
        ({"url": "http://127.0.0.1:9002/launch"}, "invalid_url", "'url' param must be a valid URL"),
    ]
    for body, code, message in cases[:3]:
        response = client.post(BASE, headers=TEACHER, json=body)
        assert response.status_code == 422, body
        assert response.json() == {"errors": [{"code": code, "message": message}]}
    form = client.post(BASE, headers={**TEACHER, **FORM}, content="url=https%3A%2F%2Funknown.example.com%2Fx")
    assert form.json() == {"errors": [{"code": "invalid_url", "message": "No tool found for the provided URL"}]}
    missing = client.post(BASE, headers=TEACHER, json={"title": "x"})
    assert missing.status_code == 422 and missing.json() == {"errors": [{"code": "invalid_url", "message": "No tool found for the provided URL"}]}
    assert client.post("/api/v1/courses/102/lti_resource_links", headers=ADMIN, json={"url": TOOL_URL}).status_code == 422
    assert client.get(BASE, headers=TEACHER).json() == before


def test_bulk_create_all_or_nothing(client: Any) -> None:
    items = [{"url": f"{TOOL_URL}?n={n}", "title": f"L{n}"} for n in range(3)]
    response = client.post(f"{BASE}/bulk", headers=TEACHER, json=items)
    assert response.status_code == 200 and [rl["title"] for rl in response.json()] == ["L0", "L1", "L2"]
    bad = client.post(f"{BASE}/bulk", headers=TEACHER, json=[*items, {"url": "https://unknown.example.com"}, {"url": TOOL_URL, "custom": [1]}])
    assert bad.status_code == 422
    assert bad.json() == {"errors": [
        {"value": "https://unknown.example.com", "error": "invalid_url", "message": "No tool found for the provided URL"},
        {"value": [1], "error": "invalid_custom", "message": "'custom' param must contain key/value pairs"},
    ]}
    too_many = client.post(f"{BASE}/bulk", headers=TEACHER, json=[{"url": TOOL_URL}] * 101)
    assert too_many.json() == {"errors": [{"code": "invalid_request", "message": "Cannot create more than 100 resource links at once"}]}
    assert len(client.get(BASE, headers=TEACHER).json()) == 4


def test_update_rules(client: Any) -> None:
    link = new_link(client)
    url = f"{BASE}/{link['id']}"
    moved = client.put(url, headers={**TEACHER, **FORM}, content="url=http%3A%2F%2F127.0.0.1%3A9001%2Fother&custom[k]=v")
    assert moved.status_code == 200 and moved.json()["url"] == "http://127.0.0.1:9001/other"
    mismatch = client.put(url, headers=TEACHER, json={"url": "https://elsewhere.example.com/x"})
    message = "'url' param must match the tool associated with 'context_external_tool_id'"
    assert mismatch.json() == {"errors": [{"code": "url_tool_mismatch", "message": message}]}
    retool = client.put(url, headers=TEACHER, json={"context_external_tool_id": 3, "url": "http://127.0.0.1:9003/launch"})
    assert retool.status_code == 200 and retool.json()["context_external_tool_id"] == 3
    bad_tool = client.put(url, headers=TEACHER, json={"context_external_tool_id": 999})
    assert bad_tool.status_code == 422 and bad_tool.json()["errors"][0]["code"] == "context_external_tool_id"
    assert client.put(url, headers=TEACHER, json={"custom": "x"}).json()["errors"][0]["code"] == "invalid_custom"
    assert client.put(url, headers=TEACHER, json={"url": "::nope"}).json()["errors"][0]["code"] == "invalid_url"
    assert client.put(url, headers=TEACHER, json={"url": 5}).json()["errors"][0]["code"] == "invalid_url"


def test_delete_only_rich_content(client: Any) -> None:
    link = new_link(client)
    deleted = client.delete(f"{BASE}/lookup_uuid:{link['lookup_uuid']}", headers=TEACHER)
    assert deleted.status_code == 200 and deleted.json()["workflow_state"] == "deleted"
    assert client.get(f"{BASE}/{link['id']}", headers=TEACHER).json() == NOT_FOUND
    assert client.get(f"{BASE}/{link['id']}?include_deleted=true", headers=TEACHER).json()["workflow_state"] == "deleted"
    assert len(client.get(f"{BASE}?include_deleted=true", headers=TEACHER).json()) == 2
    restored = client.put(f"{BASE}/{link['id']}", headers=TEACHER, json={"include_deleted": True, "custom": {"x": "y"}})
    assert restored.status_code == 200
    refused = client.delete(f"{BASE}/resource_link_uuid:{FIXTURE_LINK}", headers=TEACHER)
    assert refused.status_code == 422
    message = "Cannot delete resource links associated with Assignments, Module Items, or Collaborations"
    assert refused.json() == {"errors": [{"code": "invalid_resource_link", "message": message}]}


def test_pagination_default_50(client: Any) -> None:
    client.post(f"{BASE}/bulk", headers=TEACHER, json=[{"url": TOOL_URL}] * 60)
    first = client.get(BASE, headers=TEACHER)
    assert len(first.json()) == 50 and links(first)["next"].endswith("page=2&per_page=50")
    assert len(client.get(links(first)["next"], headers=TEACHER).json()) == 11
    small = client.get(f"{BASE}?per_page=7&page=2", headers=TEACHER)
    assert len(small.json()) == 7 and set(links(small)) == {"current", "next", "prev", "first", "last"}


def test_permissions(client: Any) -> None:
    for method, url, kwargs in [("GET", BASE, {}), ("POST", BASE, {"json": {"url": TOOL_URL}}),
                                ("POST", f"{BASE}/bulk", {"json": []}), ("GET", f"{BASE}/1", {}),
                                ("PUT", f"{BASE}/1", {"json": {}}), ("DELETE", f"{BASE}/1", {})]:
        assert_auth_errors(client, method, url, forbidden=STUDENT, **kwargs)
    assert client.get("/api/v1/courses/4242/lti_resource_links", headers=ADMIN).json() == NOT_FOUND
