"""Canvas's ``spec/controllers/lti/resource_links_controller_spec.rb``: the LTI Resource Links API.

Canvas's spec installs an LTI 1.3 tool in the course's account and signs in an account admin; here the
fixture's Mock Grading Tool (LTI 1.3, account 2, ``http://127.0.0.1:9001/launch``) plays that tool, course
101 (account 2) the course, and the teacher, who holds ``manage_lti_add`` and ``manage_assignments_add``,
the admin. Assignment 301's link is the spec's assignment link.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.rest.helpers import ADMIN, NOT_FOUND, STUDENT, TEACHER, links

SPEC = "spec/controllers/lti/resource_links_controller_spec.rb"
CODE = "app/controllers/lti/resource_links_controller.rb"
BASE = "/api/v1/courses/101/lti_resource_links"
TOOL_URL = "http://127.0.0.1:9001/launch"
ASSIGNMENT_LINK = "8a3c6a36-4b0c-4d7e-9c1a-1f2a3b4c5d01"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def create(mock: Any, **fields: Any) -> dict[str, Any]:
    response = mock.post(BASE, headers=TEACHER, json={"url": f"{TOOL_URL}?item=1", "title": "My LTI Link", **fields})
    assert response.status_code == 200, response.text
    return response.json()


def count(mock: Any, include_deleted: bool = False) -> int:
    return len(mock.get(f"{BASE}?per_page=100{'&include_deleted=true' if include_deleted else ''}", headers=TEACHER).json())


def codes(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [error["code"] for error in response.json()["errors"]]


ACTIONS = [("GET", BASE, {}), ("GET", f"{BASE}/1", {}), ("PUT", f"{BASE}/1", {"json": {}}),
           ("POST", BASE, {"json": {"url": TOOL_URL}}), ("POST", f"{BASE}/bulk", {"json": []}), ("DELETE", f"{BASE}/1", {})]


@canvas_spec(SPEC, "GET #index / without user session / returns 401 (and the same for show, update, create, bulk_create, destroy)")
@pytest.mark.parametrize(("method", "url", "kwargs"), ACTIONS)
def test_every_action_without_user_session_returns_401(mock: Any, method: str, url: str, kwargs: dict[str, Any]) -> None:
    response = mock.request(method, url, **kwargs)
    assert response.status_code == 401
    assert response.json() == {"status": "unauthenticated", "errors": [{"message": "user authorization required"}]}


@canvas_spec(SPEC, "GET #index / with non-admin user / returns 403 (and the same for show, update, create, bulk_create, destroy)")
@pytest.mark.parametrize(("method", "url", "kwargs"), ACTIONS)
def test_every_action_with_a_student_returns_403(mock: Any, method: str, url: str, kwargs: dict[str, Any]) -> None:
    response = mock.request(method, url, headers=STUDENT, **kwargs)
    assert response.status_code == 403
    assert response.json() == {"status": "unauthorized", "errors": [{"message": "user not authorized to perform that action"}]}


@canvas_spec(SPEC, "GET #index / includes all types of resource links")
def test_index_includes_assignment_and_rich_content_links(mock: Any) -> None:
    """Assignment links (context Assignment) and the course's own links in one list, each typed;
    module items and collaborations are not modelled, so their two types cannot occur."""
    rich = create(mock)
    listed = mock.get(BASE, headers=TEACHER).json()
    types = {link["id"]: link["resource_type"] for link in listed}
    assignment = next(link for link in listed if link["resource_link_uuid"] == ASSIGNMENT_LINK)
    assert types == {assignment["id"]: "assignment", rich["id"]: "rich_content"}


@canvas_spec(SPEC, "GET #index / includes launch_url for each resource link")
def test_index_launch_url_is_the_assignment_page_or_retrieve(mock: Any) -> None:
    rich = create(mock)
    launch_urls = {link["id"]: link["canvas_launch_url"] for link in mock.get(BASE, headers=TEACHER).json()}
    assignment_id = next(i for i in launch_urls if i != rich["id"])
    assert launch_urls[assignment_id] == "http://testserver/courses/101/assignments/301"
    assert launch_urls[rich["id"]] == f"http://testserver/courses/101/external_tools/retrieve?resource_link_lookup_uuid={rich['lookup_uuid']}"


@canvas_spec(SPEC, "GET #index / with deleted link and content / does not include the deleted links")
def test_index_leaves_out_deleted_links(mock: Any) -> None:
    before = count(mock)
    link = create(mock)
    assert count(mock) == before + 1
    assert mock.delete(f"{BASE}/{link['id']}", headers=TEACHER).status_code == 200
    assert count(mock) == before


@canvas_spec(SPEC, "GET #index / with deleted link and content / with include_deleted param / includes the deleted links")
def test_index_include_deleted_lists_deleted_links(mock: Any) -> None:
    link = create(mock)
    mock.delete(f"{BASE}/{link['id']}", headers=TEACHER)
    listed = mock.get(f"{BASE}?include_deleted=true", headers=TEACHER).json()
    assert [(rl["id"], rl["workflow_state"]) for rl in listed if rl["id"] == link["id"]] == [(link["id"], "deleted")]


@canvas_spec(SPEC, "GET #index / with per_page param / returns the specified number of resource links")
def test_index_per_page(mock: Any) -> None:
    for _ in range(3):
        create(mock)
    assert len(mock.get(f"{BASE}?per_page=2", headers=TEACHER).json()) == 2


@canvas_spec(SPEC, "GET #index / with per_page param / includes a Link header")
def test_index_per_page_link_header_has_next(mock: Any) -> None:
    for _ in range(3):
        create(mock)
    response = mock.get(f"{BASE}?per_page=2", headers=TEACHER)
    assert 'rel="next"' in response.headers["link"]
    assert len(mock.get(links(response)["next"], headers=TEACHER).json()) == 2


@canvas_spec(SPEC, "GET #show / returns the resource link")
def test_show_returns_the_link(mock: Any) -> None:
    link = create(mock)
    assert mock.get(f"{BASE}/{link['id']}", headers=TEACHER).json() == link


@canvas_spec(SPEC, "GET #show / includes the canvas launch url")
def test_show_canvas_launch_url_is_retrieve_by_lookup_uuid(mock: Any) -> None:
    link = create(mock)
    shown = mock.get(f"{BASE}/{link['id']}", headers=TEACHER).json()
    assert shown["canvas_launch_url"] == f"http://testserver/courses/101/external_tools/retrieve?resource_link_lookup_uuid={link['lookup_uuid']}"


@canvas_spec(SPEC, "GET #show / with lookup_uuid / returns the resource link")
def test_show_by_lookup_uuid(mock: Any) -> None:
    link = create(mock)
    response = mock.get(f"{BASE}/lookup_uuid:{link['lookup_uuid']}", headers=TEACHER)
    assert response.status_code == 200 and response.json()["id"] == link["id"]


@canvas_spec(SPEC, "GET #show / with resource_link_uuid / returns the resource link")
def test_show_by_resource_link_uuid(mock: Any) -> None:
    response = mock.get(f"{BASE}/resource_link_uuid:{ASSIGNMENT_LINK}", headers=TEACHER)
    assert response.status_code == 200 and response.json()["resource_link_uuid"] == ASSIGNMENT_LINK


@canvas_spec(SPEC, "GET #show / with deleted link / returns 404")
def test_show_deleted_link_is_404(mock: Any) -> None:
    link = create(mock)
    mock.delete(f"{BASE}/{link['id']}", headers=TEACHER)
    response = mock.get(f"{BASE}/{link['id']}", headers=TEACHER)
    assert response.status_code == 404 and response.json() == NOT_FOUND


@canvas_spec(SPEC, "GET #show / with deleted link / with include_deleted param / returns resource link")
def test_show_deleted_link_with_include_deleted(mock: Any) -> None:
    link = create(mock)
    mock.delete(f"{BASE}/{link['id']}", headers=TEACHER)
    response = mock.get(f"{BASE}/{link['id']}?include_deleted=true", headers=TEACHER)
    assert response.status_code == 200 and response.json()["id"] == link["id"]


@canvas_spec(SPEC, "PUT #update / with url param / updates the resource link")
def test_update_url_under_the_tool(mock: Any) -> None:
    link = create(mock)
    url = f"{TOOL_URL}/deeplink"
    response = mock.put(f"{BASE}/{link['id']}", headers=TEACHER, json={"url": url})
    assert response.status_code == 200 and response.json()["url"] == url
    assert mock.get(f"{BASE}/{link['id']}", headers=TEACHER).json()["url"] == url


@canvas_spec(SPEC, "PUT #update / with url param / invalid / returns 422")
def test_update_invalid_url(mock: Any) -> None:
    link = create(mock)
    response = mock.put(f"{BASE}/{link['id']}", headers=TEACHER, json={"url": "hello world!"})
    assert response.json() == {"errors": [{"code": "invalid_url", "message": "'url' param must be a valid URL"}]}
    assert codes(response) == ["invalid_url"]


@canvas_spec(SPEC, "PUT #update / with url param / does not match tool url / returns 422")
def test_update_url_of_another_host(mock: Any) -> None:
    link = create(mock)
    response = mock.put(f"{BASE}/{link['id']}", headers=TEACHER, json={"url": "https://othertool.com/lti/launch"})
    assert codes(response) == ["url_tool_mismatch"]
    assert response.json()["errors"][0]["message"] == "'url' param must match the tool associated with 'context_external_tool_id'"
    assert mock.get(f"{BASE}/{link['id']}", headers=TEACHER).json()["url"] == link["url"]


@canvas_spec(SPEC, "PUT #update / with custom param / updates the resource link")
def test_update_custom(mock: Any) -> None:
    link = create(mock)
    response = mock.put(f"{BASE}/{link['id']}", headers={**TEACHER, **FORM}, content="custom[hello]=world")
    assert response.status_code == 200 and response.json()["custom"] == {"hello": "world"}
    assert mock.get(f"{BASE}/{link['id']}", headers=TEACHER).json()["custom"] == {"hello": "world"}


@canvas_spec(SPEC, "PUT #update / with custom param / invalid / returns 422")
def test_update_invalid_custom(mock: Any) -> None:
    link = create(mock, custom={"a": "b"})
    response = mock.put(f"{BASE}/{link['id']}", headers={**TEACHER, **FORM}, content="custom=hello")
    assert response.json() == {"errors": [{"code": "invalid_custom", "message": "'custom' param must contain key/value pairs"}]}
    assert mock.get(f"{BASE}/{link['id']}", headers=TEACHER).json()["custom"] == {"a": "b"}


@canvas_spec(SPEC, "PUT #update / with deleted link / returns 404")
def test_update_deleted_link_is_404(mock: Any) -> None:
    link = create(mock)
    mock.delete(f"{BASE}/{link['id']}", headers=TEACHER)
    assert mock.put(f"{BASE}/{link['id']}", headers=TEACHER, json={}).json() == NOT_FOUND


@canvas_spec(SPEC, "PUT #update / with deleted link / with include_deleted param / returns resource link")
def test_update_deleted_link_with_include_deleted(mock: Any) -> None:
    link = create(mock)
    mock.delete(f"{BASE}/{link['id']}", headers=TEACHER)
    response = mock.put(f"{BASE}/{link['id']}", headers=TEACHER, json={"include_deleted": True})
    assert response.status_code == 200 and response.json()["id"] == link["id"]


def reinstall_grading_tool(mock: Any) -> int:
    """A second deployment of the Mock Grading Tool's developer key, in the course."""
    response = mock.post("/api/v1/courses/101/external_tools", headers=TEACHER, json={"client_id": "10000000000001"})
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


@canvas_spec(SPEC, "PUT #update / with tool id / updates the resource link")
def test_update_context_external_tool_id(mock: Any) -> None:
    link = create(mock)
    tool_id = reinstall_grading_tool(mock)
    response = mock.put(f"{BASE}/{link['id']}", headers=TEACHER, json={"context_external_tool_id": tool_id})
    assert response.status_code == 200 and response.json()["context_external_tool_id"] == tool_id


@canvas_spec(SPEC, "PUT #update / with tool id / invalid / returns 422", follows_code=CODE)
def test_update_context_external_tool_id_zero(mock: Any) -> None:
    """The spec asserts 422; ``validate_tool`` gives the code and text."""
    link = create(mock)
    response = mock.put(f"{BASE}/{link['id']}", headers=TEACHER, json={"context_external_tool_id": 0})
    assert response.json() == {"errors": [{"code": "context_external_tool_id",
                                           "message": "'context_external_tool_id' param must be a valid ContextExternalTool ID"}]}
    assert codes(response) == ["context_external_tool_id"]


@canvas_spec(SPEC, "PUT #update / with tool id / that does not match original url / returns 422")
def test_update_tool_whose_host_differs_from_the_link(mock: Any) -> None:
    link = create(mock)
    other = mock.post("/api/v1/courses/101/external_tools", headers=TEACHER, json={
        "name": "Other", "url": "https://otherurl.com/launch", "consumer_key": "k", "shared_secret": "s", "privacy_level": "public"})
    response = mock.put(f"{BASE}/{link['id']}", headers=TEACHER, json={"context_external_tool_id": other.json()["id"]})
    assert codes(response) == ["url_tool_mismatch"]
    assert mock.get(f"{BASE}/{link['id']}", headers=TEACHER).json()["context_external_tool_id"] == link["context_external_tool_id"]


@canvas_spec(SPEC, "POST #create / is successful", follows_code=CODE)
def test_create_answers_200(mock: Any) -> None:
    """``create`` renders without a status: 200, not 201."""
    response = mock.post(BASE, headers=TEACHER, json={"url": TOOL_URL, "title": "My LTI Link"})
    assert response.status_code == 200


@canvas_spec(SPEC, "POST #create / creates a resource link")
def test_create_adds_one_link(mock: Any) -> None:
    before = count(mock)
    create(mock)
    assert count(mock) == before + 1


@canvas_spec(SPEC, "POST #create / returns the resource link")
def test_create_echoes_url_title_and_custom(mock: Any) -> None:
    url = f"{TOOL_URL}?page=2"
    body = mock.post(BASE, headers={**TEACHER, **FORM},
                     content="url=http%3A%2F%2F127.0.0.1%3A9001%2Flaunch%3Fpage%3D2&title=My+LTI+Link&custom[hello]=world").json()
    assert (body["url"], body["title"], body["custom"]) == (url, "My LTI Link", {"hello": "world"})
    assert mock.get(f"{BASE}/{body['id']}", headers=TEACHER).json()["custom"] == {"hello": "world"}
    assert body["resource_type"] == "rich_content" and body["context_type"] == "Course" and body["context_external_tool_id"] == 1


@canvas_spec(SPEC, "POST #create / with no matching tool / returns 422")
def test_create_without_a_matching_tool(mock: Any) -> None:
    before = count(mock)
    response = mock.post(BASE, headers=TEACHER, json={"url": "https://othertool.com/lti/launch", "custom": {"hello": "world"}})
    assert response.json() == {"errors": [{"code": "invalid_url", "message": "No tool found for the provided URL"}]}
    assert codes(response) == ["invalid_url"] and count(mock) == before


@canvas_spec(SPEC, "POST #create / with invalid url param / returns 422")
def test_create_invalid_url(mock: Any) -> None:
    response = mock.post(BASE, headers=TEACHER, json={"url": "hello world!", "custom": {"hello": "world"}})
    assert response.json() == {"errors": [{"code": "invalid_url", "message": "'url' param must be a valid URL"}]}
    assert codes(response) == ["invalid_url"]


@canvas_spec(SPEC, "POST #create / with invalid custom param / returns 422")
def test_create_invalid_custom(mock: Any) -> None:
    before = count(mock)
    for body in ({"url": TOOL_URL, "custom": "hello"}, {"url": TOOL_URL, "custom": {"n": 1}}):
        response = mock.post(BASE, headers=TEACHER, json=body)
        assert response.json() == {"errors": [{"code": "invalid_custom", "message": "'custom' param must contain key/value pairs"}]}
    assert codes(response) == ["invalid_custom"] and count(mock) == before


BULK = [{"url": TOOL_URL, "title": "My LTI Link 1"}, {"url": TOOL_URL, "title": "My LTI Link 2", "custom": {"hello": "world"}}]


@canvas_spec(SPEC, "POST #bulk_create / is successful", follows_code=CODE)
def test_bulk_create_answers_200(mock: Any) -> None:
    assert mock.post(f"{BASE}/bulk", headers=TEACHER, json=BULK).status_code == 200


@canvas_spec(SPEC, "POST #bulk_create / creates resource links")
def test_bulk_create_stores_url_and_custom(mock: Any) -> None:
    before = count(mock)
    created = mock.post(f"{BASE}/bulk", headers=TEACHER, json=BULK).json()
    assert count(mock) == before + 2
    stored = {rl["title"]: rl for rl in mock.get(f"{BASE}?per_page=100", headers=TEACHER).json()}
    assert stored["My LTI Link 1"]["custom"] is None and stored["My LTI Link 1"]["url"] == TOOL_URL
    assert stored["My LTI Link 2"]["custom"] == {"hello": "world"} and stored["My LTI Link 2"]["url"] == TOOL_URL
    assert [rl["id"] for rl in created] == [stored["My LTI Link 1"]["id"], stored["My LTI Link 2"]["id"]]


@canvas_spec(SPEC, "POST #bulk_create / returns the resource links")
def test_bulk_create_returns_both(mock: Any) -> None:
    assert len(mock.post(f"{BASE}/bulk", headers=TEACHER, json=BULK).json()) == 2


@canvas_spec(SPEC, "POST #bulk_create / with one invalid link / does not create any links")
def test_bulk_create_one_invalid_link(mock: Any) -> None:
    before = count(mock)
    response = mock.post(f"{BASE}/bulk", headers=TEACHER, json=[{"url": "hello world!", "title": "My LTI Link 1"}])
    assert response.status_code == 422 and count(mock) == before


@canvas_spec(SPEC, "POST #bulk_create / with some invalid links / returns 422", follows_code=CODE)
def test_bulk_create_some_invalid_links(mock: Any) -> None:
    """Every item is checked; each error names the offending value (the url, or the custom hash)."""
    before = count(mock)
    items = [{"url": "hello world!", "title": "My LTI Link 1"}, {"url": "https://example.com/lti/launch", "title": "2", "custom": {"hello": "world"}},
             {"url": TOOL_URL, "custom": "x"}]
    response = mock.post(f"{BASE}/bulk", headers=TEACHER, json=items)
    assert response.status_code == 422 and count(mock) == before
    assert response.json() == {"errors": [
        {"value": "hello world!", "error": "invalid_url", "message": "'url' param must be a valid URL"},
        {"value": "https://example.com/lti/launch", "error": "invalid_url", "message": "No tool found for the provided URL"},
        {"value": "x", "error": "invalid_custom", "message": "'custom' param must contain key/value pairs"},
    ]}


@canvas_spec(SPEC, "POST #bulk_create / with more links than are allowed / creates no links")
def test_bulk_create_more_than_allowed(mock: Any) -> None:
    before = count(mock)
    response = mock.post(f"{BASE}/bulk", headers=TEACHER, json=[{"url": TOOL_URL, "title": "My LTI Link"}] * 101)
    assert response.json() == {"errors": [{"code": "invalid_request", "message": "Cannot create more than 100 resource links at once"}]}
    assert codes(response) == ["invalid_request"] and count(mock) == before


@canvas_spec(SPEC, "DELETE #destroy / deletes the resource link")
def test_destroy_returns_and_deletes(mock: Any) -> None:
    link = create(mock)
    response = mock.delete(f"{BASE}/{link['id']}", headers=TEACHER)
    assert response.status_code == 200 and response.json()["id"] == link["id"] and response.json()["workflow_state"] == "deleted"
    assert mock.get(f"{BASE}/{link['id']}?include_deleted=true", headers=TEACHER).json()["workflow_state"] == "deleted"


@canvas_spec(SPEC, "DELETE #destroy / with lookup_uuid / deletes the resource link")
def test_destroy_by_lookup_uuid(mock: Any) -> None:
    link = create(mock)
    response = mock.delete(f"{BASE}/lookup_uuid:{link['lookup_uuid']}", headers=TEACHER)
    assert response.status_code == 200 and response.json()["id"] == link["id"]
    assert mock.get(f"{BASE}/{link['id']}", headers=TEACHER).status_code == 404


@canvas_spec(SPEC, "DELETE #destroy / with resource_link_uuid / with already deleted link / returns 404")
def test_destroy_twice_by_resource_link_uuid(mock: Any) -> None:
    link = create(mock)
    url = f"{BASE}/resource_link_uuid:{link['resource_link_uuid']}"
    assert mock.delete(url, headers=TEACHER).status_code == 200
    assert mock.delete(url, headers=TEACHER).json() == NOT_FOUND


@canvas_spec(SPEC, "DELETE #destroy / with already deleted link / with include_deleted param / returns 404")
def test_destroy_ignores_include_deleted(mock: Any) -> None:
    link = create(mock)
    mock.delete(f"{BASE}/{link['id']}", headers=TEACHER)
    response = mock.delete(f"{BASE}/{link['id']}?include_deleted=true", headers=TEACHER)
    assert response.status_code == 404 and response.json() == NOT_FOUND


@canvas_spec(SPEC, "DELETE #destroy / with assignment resource link / returns 422")
def test_destroy_assignment_link_is_refused(mock: Any) -> None:
    response = mock.delete(f"{BASE}/resource_link_uuid:{ASSIGNMENT_LINK}", headers=ADMIN)
    assert response.json() == {"errors": [{"code": "invalid_resource_link",
                                           "message": "Cannot delete resource links associated with Assignments, Module Items, or Collaborations"}]}
    assert codes(response) == ["invalid_resource_link"]
    assert mock.get(f"{BASE}/resource_link_uuid:{ASSIGNMENT_LINK}", headers=ADMIN).json()["workflow_state"] == "active"
