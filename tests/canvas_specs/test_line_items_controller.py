"""Canvas's ``spec/controllers/lti/ims/line_items_controller_spec.rb`` (AGS line items), against the mock over HTTP.

Fixture facts used: assignment 301 (10 points, launched with the grading tool, resource link
8a3c…5d01) has the coupled default line item 1; assignment 302 was made through AGS by the unbound
tool, whose line item 2 the grading tool does not own.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.services import COURSE, auth, edit_state, record
from tests.ltiutil import LINE_ITEM, LINE_ITEM_CONTAINER, lti_error

SPEC = "spec/controllers/lti/ims/line_items_controller_spec.rb"
GRADEBOOK = "app/controllers/lti/ims/concerns/gradebook_services.rb"
ITEMS = f"/api/lti/courses/{COURSE}/line_items"
LINK = "8a3c6a36-4b0c-4d7e-9c1a-1f2a3b4c5d01"
SUBMISSION_TYPE = "https://canvas.instructure.com/lti/submission_type"
LAUNCH_URL = "https://canvas.instructure.com/lti/launch_url"
TOOL_URL = "http://127.0.0.1:9001/launch"
START, END = "2026-02-28T10:00:00Z", "2026-03-01T10:00:00Z"
BODY = {"scoreMaximum": 50, "label": "Originality Score", "resourceId": "orig-123", "tag": "some_tag",
        "startDateTime": START, "endDateTime": END}


@pytest.fixture
def headers(client: Any, config: dict[str, Any]) -> dict[str, str]:
    return {**auth(client, config), "Content-Type": LINE_ITEM}


def create(client: Any, headers: dict[str, str], **body: Any) -> Any:
    payload = {k: v for k, v in {**BODY, **body}.items() if v is not None}
    return client.post(ITEMS, json=payload, headers=headers)


def path_of(response: Any) -> str:
    return "/" + response.json()["id"].split("/", 3)[3]


def row(client: Any, table: str, **match: Any) -> dict[str, Any]:
    return record(client.get("/__mock__/state").json(), table, **match)


def count(client: Any, table: str) -> int:
    return len(client.get("/__mock__/state").json()[table])


# -- #create --------------------------------------------------------------------------------------


@canvas_spec(SPEC, "#create / the line item create endpoint / creates a new line, responds with the line item mime type")
def test_create_answers_201_with_the_line_item_type(client: Any, headers: dict[str, str]) -> None:
    before = count(client, "line_items")
    response = create(client, headers, resourceLinkId=LINK)
    assert response.status_code == 201 and response.headers["content-type"] == LINE_ITEM
    assert count(client, "line_items") == before + 1


@canvas_spec(SPEC, "#create / the line item create endpoint / sets coupled to false on the new line item")
def test_created_line_items_are_uncoupled(client: Any, headers: dict[str, str]) -> None:
    item_id = int(path_of(create(client, headers, resourceLinkId=LINK)).rsplit("/", 1)[1])
    assert row(client, "line_items", id=item_id)["coupled"] is False


@canvas_spec(SPEC, "#create / when using the declarative model / properly formats the response")
def test_declarative_create_body(client: Any, headers: dict[str, str]) -> None:
    response = create(client, headers, resourceLinkId=LINK)
    item_id = response.json()["id"].rsplit("/", 1)[1]
    assert response.json() == {"id": f"http://testserver{ITEMS}/{item_id}", "scoreMaximum": 50.0,
                               "label": "Originality Score", "resourceId": "orig-123", "tag": "some_tag",
                               "startDateTime": START, "endDateTime": END, "resourceLinkId": LINK}


@canvas_spec(SPEC, "#create / when using the declarative model / associates the line item with the correct assignment, "
                   "with the correct resource link; does not create a new assignment")
def test_declarative_create_joins_the_links_assignment(client: Any, headers: dict[str, str]) -> None:
    assignments = count(client, "assignments")
    item_id = int(path_of(create(client, headers, resourceLinkId=LINK)).rsplit("/", 1)[1])
    item = row(client, "line_items", id=item_id)
    assert (item["assignment_id"], item["resource_link_id"]) == (301, 1)
    assert count(client, "assignments") == assignments


@canvas_spec(SPEC, "#create / when using the declarative model / renders precondition failed if ResourceLink has no LineItems")
def test_declarative_create_needs_a_live_line_item(client: Any, headers: dict[str, str]) -> None:
    edit_state(client, lambda state: record(state, "line_items", id=1).update(workflow_state="deleted"))
    response = create(client, headers, resourceLinkId=LINK)
    assert response.status_code == 412 and response.content == b""


@canvas_spec(SPEC, "#create / when using the declarative model / renders not found if no matching ResourceLink for the "
                   "specified resourceLinkId")
def test_declarative_create_with_an_unknown_link(client: Any, headers: dict[str, str]) -> None:
    assert create(client, headers, resourceLinkId="4d0b9bd5-4a53-4d5d-8d6f-0f1e2d3c4b5a").status_code == 404


@canvas_spec(SPEC, "#create / when using the uncoupled model / properly formats the response")
def test_uncoupled_create_body(client: Any, headers: dict[str, str]) -> None:
    response = create(client, headers)
    item_id = response.json()["id"].rsplit("/", 1)[1]
    assert response.json() == {"id": f"http://testserver{ITEMS}/{item_id}", "scoreMaximum": 50.0,
                               "label": "Originality Score", "resourceId": "orig-123", "tag": "some_tag",
                               "startDateTime": START, "endDateTime": END}


@canvas_spec(SPEC, "#create / when using the uncoupled model / creates a new assignment; does not create a resource_link record")
def test_uncoupled_create_makes_an_assignment_only(client: Any, headers: dict[str, str]) -> None:
    assignments, links = count(client, "assignments"), count(client, "resource_links")
    create(client, headers)
    assert (count(client, "assignments"), count(client, "resource_links")) == (assignments + 1, links)


@canvas_spec(SPEC, "#create / when a new assignment is created / sets the score maximum, the submission type, the name, "
                   "the context, the unlock_at and the due_at for the assignment; does not attach a resource_link")
def test_uncoupled_create_assignment_fields(client: Any, headers: dict[str, str]) -> None:
    item_id = int(path_of(create(client, headers)).rsplit("/", 1)[1])
    item = row(client, "line_items", id=item_id)
    assignment = row(client, "assignments", id=item["assignment_id"])
    assert item["resource_link_id"] is None
    assert (assignment["points_possible"], assignment["submission_types"], assignment["name"], assignment["course_id"]) == \
        (50, "none", "Originality Score", COURSE)
    assert (assignment["unlock_at"], assignment["due_at"]) == (START, END)


@canvas_spec(SPEC, "#create / when submission type is external tool and the URL is not for an existing tool / sets the "
                   "assignment submission type to external tool, sets the assignment external url, sets the extension on return")
def test_external_tool_submission_type_with_a_foreign_url(client: Any, headers: dict[str, str]) -> None:
    extension = {"type": "external_tool", "external_tool_url": "http://www.google.com"}
    response = create(client, headers, **{SUBMISSION_TYPE: extension})
    assert response.json()[SUBMISSION_TYPE]["external_tool_url"] == "http://www.google.com"
    assignment = row(client, "assignments", id=row(client, "line_items", id=int(path_of(response).rsplit("/", 1)[1]))["assignment_id"])
    assert (assignment["submission_types"], assignment["external_tool_url"]) == ("external_tool", "http://www.google.com")


@canvas_spec(SPEC, "#create / when submission type is invalid / returns a 400 error response code",
             follows_code="app/controllers/lti/ims/line_items_controller.rb")
def test_invalid_submission_type(client: Any, headers: dict[str, str]) -> None:
    before = count(client, "assignments")
    response = create(client, headers, **{SUBMISSION_TYPE: {"type": "a_bad_submission_type",
                                                            "external_tool_url": "http://www.google.com"}})
    assert response.status_code == 400
    assert response.json() == {"error": "Invalid submission_type for new assignment: a_bad_submission_type"}
    assert count(client, "assignments") == before


@canvas_spec(SPEC, "#create / when submission type is external tool and and tool URL matches a tool / creates exactly one "
                   "assignment and resource link; returns the resource link in the response")
def test_external_tool_submission_type_of_the_calling_tool(client: Any, headers: dict[str, str]) -> None:
    assignments, links = count(client, "assignments"), count(client, "resource_links")
    extension = {"type": "external_tool", "external_tool_url": TOOL_URL}
    response = create(client, headers, **{SUBMISSION_TYPE: extension})
    assert (count(client, "assignments"), count(client, "resource_links")) == (assignments + 1, links + 1)
    body = response.json()
    link = row(client, "resource_links", id=row(client, "line_items", id=int(path_of(response).rsplit("/", 1)[1]))["resource_link_id"])
    assert body == {"id": body["id"], "scoreMaximum": 50.0, "label": "Originality Score", "resourceId": "orig-123",
                    "tag": "some_tag", "startDateTime": START, "endDateTime": END,
                    "resourceLinkId": link["resource_link_uuid"], SUBMISSION_TYPE: extension}


@canvas_spec(SPEC, "#create / the line item create endpoint / responds with 404 if course is concluded (older spec)",
             follows_code=GRADEBOOK)
def test_concluded_course(client: Any, headers: dict[str, str]) -> None:
    edit_state(client, lambda state: record(state, "courses", id=COURSE).update(workflow_state="completed"))
    lti_error(create(client, headers), 422,
              "This course has concluded. AGS requests will no longer be accepted for this course.")
    client.post("/__mock__/settings", json={"ags_improved_course_concluded_response_codes": False})
    assert create(client, headers).status_code == 404  # the flag off: Course.not_completed.find


# -- #update --------------------------------------------------------------------------------------


@canvas_spec(SPEC, "#update / with score_maximum / updates the score maximum, updates the assignment points_possible")
def test_update_score_maximum_of_the_default_line_item(client: Any, headers: dict[str, str]) -> None:
    response = client.put(f"{ITEMS}/1", json={"scoreMaximum": 88.2}, headers=headers)
    assert response.status_code == 200 and response.json()["scoreMaximum"] == 88.2
    assert row(client, "assignments", id=301)["points_possible"] == 88.2


@canvas_spec(SPEC, "#update / with label / updates the label, updates the assignment name")
def test_update_label_of_the_default_line_item(client: Any, headers: dict[str, str]) -> None:
    client.put(f"{ITEMS}/1", json={"label": "a new label!"}, headers=headers)
    assert row(client, "line_items", id=1)["label"] == "a new label!"
    assert row(client, "assignments", id=301)["name"] == "a new label!"


@canvas_spec(SPEC, "#update / if not the default line item / does not update the assignment name")
def test_update_label_of_another_line_item(client: Any, headers: dict[str, str]) -> None:
    second = path_of(create(client, headers, resourceLinkId=LINK))
    assert client.put(second, json={"label": "a new label!"}, headers=headers).status_code == 200
    assert row(client, "assignments", id=301)["name"] == "Lab Report 1"


@canvas_spec(SPEC, "#update / with startDateTime / updates the assignment unlock_at; with endDateTime / updates the "
                   "assignment due_at")
def test_update_dates_of_the_default_line_item(client: Any, headers: dict[str, str]) -> None:
    client.put(f"{ITEMS}/1", json={"startDateTime": START, "endDateTime": END}, headers=headers)
    assignment = row(client, "assignments", id=301)
    assert (assignment["unlock_at"], assignment["due_at"]) == (START, END)


@canvas_spec(SPEC, "#update / with resourceId / updates the resourceId; with tag / updates the tag")
def test_update_resource_id_and_tag(client: Any, headers: dict[str, str]) -> None:
    body = client.put(f"{ITEMS}/1", json={"resourceId": "resource-id", "tag": "New Tag"}, headers=headers).json()
    assert (body["resourceId"], body["tag"]) == ("resource-id", "New Tag")


@canvas_spec(SPEC, "#update / with resourceLinkId / responds with precondition failed message if a non-matching "
                   "resourceLinkId is included; includes an error message")
def test_update_with_another_resource_link_id(client: Any, headers: dict[str, str]) -> None:
    lti_error(client.put(f"{ITEMS}/1", json={"resourceLinkId": "another-link", "label": "x"}, headers=headers), 412,
              "The specified LTI link ID is not associated with the line item.")
    assert row(client, "line_items", id=1)["label"] == "Lab Report 1"


@canvas_spec(SPEC, "#update / correctly formats the requested line item")
def test_update_body(client: Any, headers: dict[str, str]) -> None:
    response = client.put(f"{ITEMS}/1", json={}, headers=headers)
    assert response.json() == {"id": f"http://testserver{ITEMS}/1", "scoreMaximum": 10.0, "label": "Lab Report 1",
                               "resourceLinkId": LINK}


@pytest.mark.parametrize("method", ["get", "put", "delete"])
@canvas_spec(SPEC, "assignment with wrong tool / returns a precondition_failed (#update, #show, #destroy)")
def test_another_tools_line_item_is_412(client: Any, headers: dict[str, str], method: str) -> None:
    kwargs = {"json": {"label": "x"}} if method == "put" else {}
    response = getattr(client, method)(f"{ITEMS}/2", headers=headers, **kwargs)
    lti_error(response, 412, "Tool does not have permission to view line_item")
    assert row(client, "line_items", id=2)["workflow_state"] == "active"


# -- #show ----------------------------------------------------------------------------------------


@canvas_spec(SPEC, "#show / correctly formats the requested line item; responds with the line item mime type")
def test_show_body(client: Any, headers: dict[str, str]) -> None:
    client.put(f"{ITEMS}/1", json={"tag": "some_tag"}, headers=headers)
    response = client.get(f"{ITEMS}/1", headers=headers)
    assert response.headers["content-type"] == LINE_ITEM
    assert response.json() == {"id": f"http://testserver{ITEMS}/1", "scoreMaximum": 10.0, "label": "Lab Report 1",
                               "tag": "some_tag", "resourceLinkId": LINK}


@canvas_spec(SPEC, "#show / responds with 404 if the line item is not found in the course")
def test_show_in_another_course(client: Any, headers: dict[str, str]) -> None:
    edit_state(client, lambda state: state["courses"].append(
        {**record(state, "courses", id=COURSE), "id": 104, "name": "Another", "lti_context_id": ""}))
    assert client.get("/api/lti/courses/104/line_items/1", headers=headers).status_code == 404


@canvas_spec(SPEC, "#show / responds with 404 if the line item does not exist; responds with 404 if the course does not exist")
def test_show_unknown_line_item_or_course(client: Any, headers: dict[str, str]) -> None:
    assert client.get(f"{ITEMS}/999", headers=headers).status_code == 404
    assert client.get("/api/lti/courses/999/line_items/1", headers=headers).status_code == 404


@canvas_spec(SPEC, "#show / when the assignment is deleted / responds with 404")
def test_show_of_a_deleted_assignment(client: Any, headers: dict[str, str]) -> None:
    edit_state(client, lambda state: record(state, "assignments", id=301).update(workflow_state="deleted"))
    assert client.get(f"{ITEMS}/1", headers=headers).status_code == 404


@canvas_spec(SPEC, "#show / without include=launch_url parameter / does not include launch url extension; with "
                   "include[]=launch_url parameter / includes launch url extension in line item json")
def test_show_launch_url_only_when_asked(client: Any, headers: dict[str, str]) -> None:
    assert LAUNCH_URL not in client.get(f"{ITEMS}/1", headers=headers).json()
    assert client.get(f"{ITEMS}/1", params={"include[]": "launch_url"}, headers=headers).json()[LAUNCH_URL] == TOOL_URL


# -- #index ---------------------------------------------------------------------------------------


def listed(client: Any, headers: dict[str, str], **query: Any) -> list[str]:
    response = client.get(ITEMS, params=query, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"].rsplit("/", 1)[1] for item in response.json()]


@canvas_spec(SPEC, "#index / includes all associated line items in the course")
def test_index_lists_the_tools_line_items(client: Any, headers: dict[str, str]) -> None:
    tagged = path_of(create(client, headers, resourceLinkId=LINK, resourceId=None))
    assert listed(client, headers) == ["1", tagged.rsplit("/", 1)[1]]  # not 2: the unbound tool's


@canvas_spec(SPEC, "#index / correctly queries by tag; correctly queries by resource_id; allows querying by multiple "
                   "valid fields at the same time")
def test_index_filters(client: Any, headers: dict[str, str]) -> None:
    with_tag = path_of(create(client, headers, resourceId=None)).rsplit("/", 1)[1]
    with_resource = path_of(create(client, headers, tag=None)).rsplit("/", 1)[1]
    both = path_of(create(client, headers)).rsplit("/", 1)[1]
    assert listed(client, headers, tag="some_tag") == [with_tag, both]
    assert listed(client, headers, resource_id="orig-123") == [with_resource, both]
    assert listed(client, headers, tag="some_tag", resource_id="orig-123") == [both]


@canvas_spec(SPEC, "#index / correctly queries by resource_link_id")
def test_index_by_resource_link(client: Any, headers: dict[str, str]) -> None:
    extra = path_of(create(client, headers, resourceLinkId=LINK)).rsplit("/", 1)[1]
    create(client, headers)
    assert listed(client, headers, resource_link_id=LINK) == ["1", extra]


@canvas_spec(SPEC, "#index / responds with the correct mime type; includes pagination headers")
def test_index_type_and_link_header(client: Any, headers: dict[str, str]) -> None:
    response = client.get(ITEMS, headers=headers)
    assert response.headers["content-type"] == LINE_ITEM_CONTAINER
    assert 'rel="current"' in response.headers["link"]


@canvas_spec(SPEC, "#index / with include[]=launch_url parameter / includes launch url extension in line item json; "
                   "without include=launch_url parameter / does not include launch url extension")
def test_index_launch_url(client: Any, headers: dict[str, str]) -> None:
    assert all(LAUNCH_URL not in item for item in client.get(ITEMS, headers=headers).json())
    items = client.get(ITEMS, params={"include[]": "launch_url"}, headers=headers).json()
    assert items and all(item[LAUNCH_URL] == TOOL_URL for item in items)


@canvas_spec(SPEC, "#index / responds with 404 if context does not exist")
def test_index_of_an_unknown_course(client: Any, headers: dict[str, str]) -> None:
    assert client.get("/api/lti/courses/999/line_items", headers=headers).status_code == 404


# -- destroy --------------------------------------------------------------------------------------


@canvas_spec(SPEC, "destroy / when using the coupled model / when destroying the default line item / returns unauthorized")
def test_coupled_default_line_item_cannot_be_deleted(client: Any, headers: dict[str, str]) -> None:
    response = client.delete(f"{ITEMS}/1", headers=headers)
    assert response.status_code == 401
    assert row(client, "line_items", id=1)["workflow_state"] == "active"


@canvas_spec(SPEC, "destroy / when destroying an extra line item / deletes the correct line item, responds with no content")
def test_extra_line_item_is_deleted(client: Any, headers: dict[str, str]) -> None:
    extra = path_of(create(client, headers, resourceLinkId=LINK))
    response = client.delete(extra, headers=headers)
    assert response.status_code == 204 and response.content == b""
    assert client.get(extra, headers=headers).status_code == 404
    assert row(client, "assignments", id=301)["workflow_state"] != "deleted"


@canvas_spec(SPEC, "destroy / when the line item is a tool-created (uncoupled) assignment line item / deletes the "
                   "resource link and assignment")
def test_tool_created_default_line_item_takes_its_assignment(client: Any, headers: dict[str, str]) -> None:
    response = create(client, headers, **{SUBMISSION_TYPE: {"type": "external_tool", "external_tool_url": TOOL_URL}})
    item = row(client, "line_items", id=int(path_of(response).rsplit("/", 1)[1]))
    assert client.delete(path_of(response), headers=headers).status_code == 204
    assert row(client, "assignments", id=item["assignment_id"])["workflow_state"] == "deleted"
    assert row(client, "resource_links", id=item["resource_link_id"])["workflow_state"] == "deleted"
