"""AGS line items (§3): creation rules, filters, ownership, update and delete semantics."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ltiutil import LINE_ITEM, LINE_ITEM_CONTAINER, api_error, bearer, lti_error

BASE = "/api/lti/courses/101/line_items"
LINK_UUID = "8a3c6a36-4b0c-4d7e-9c1a-1f2a3b4c5d01"  # the fixture assignment 301's resource link
SUBMISSION_TYPE = "https://canvas.instructure.com/lti/submission_type"


@pytest.fixture
def auth(grading_token: str) -> dict[str, str]:
    return bearer(grading_token)


def create(client: Any, auth: dict[str, str], **body: Any) -> Any:
    return client.post(BASE, headers={**auth, "Content-Type": LINE_ITEM}, json={"scoreMaximum": 10, "label": "L", **body})


def test_create_makes_an_assignment(app: Any, client: Any, auth: dict[str, str]) -> None:
    response = create(client, auth, label="Quiz 1", scoreMaximum=50, resourceId="quiz-1", tag="quiz",
                      endDateTime="2026-12-01T00:00:00Z")
    assert response.status_code == 201 and response.headers["content-type"] == LINE_ITEM
    body = response.json()
    assert "resourceLinkId" not in body and body["endDateTime"] == "2026-12-01T00:00:00Z"  # echoed, as Canvas's newest spec has it
    world = app.state.world
    item = world.line_items[int(body["id"].rsplit("/", 1)[1])]
    assignment = world.assignments[item.assignment_id]
    assert (assignment.name, assignment.points_possible, assignment.submission_types, assignment.due_at) == (
        "Quiz 1", 50.0, "none", "2026-12-01T00:00:00Z")
    assert item.client_id == "10000000000001" and item.coupled is False


def test_create_accepts_plain_json(client: Any, auth: dict[str, str]) -> None:
    response = client.post(BASE, headers=auth, json={"scoreMaximum": 1, "label": "Plain"})
    assert response.status_code == 201


def test_create_on_resource_link_adds_to_its_assignment(app: Any, client: Any, auth: dict[str, str]) -> None:
    response = create(client, auth, resourceLinkId=LINK_UUID, label="Extra")
    assert response.status_code == 201
    assert response.json()["resourceLinkId"] == LINK_UUID
    item = app.state.world.line_items[int(response.json()["id"].rsplit("/", 1)[1])]
    assert item.assignment_id == 301


def test_create_with_unknown_resource_link(client: Any, auth: dict[str, str]) -> None:
    api_error(create(client, auth, resourceLinkId="no-such-link"), 404, "The specified resource does not exist.")


def test_create_with_another_tools_resource_link(app: Any, client: Any, auth: dict[str, str]) -> None:
    app.state.world.tools[1].developer_key_id = "10000000000001"
    link = next(iter(app.state.world.resource_links.values()))
    link.tool_id = 2  # now owned by the unbound tool
    lti_error(create(client, auth, resourceLinkId=LINK_UUID), 422,
              "Resource link id points to Tool not associated with this Context")


def test_create_on_link_without_line_items_is_empty_412(app: Any, client: Any, auth: dict[str, str]) -> None:
    app.state.world.line_items[1].workflow_state = "deleted"
    response = create(client, auth, resourceLinkId=LINK_UUID)
    assert response.status_code == 412 and response.content == b""


def test_submission_type_extension(client: Any, auth: dict[str, str]) -> None:
    ext = {"type": "external_tool", "external_tool_url": "http://127.0.0.1:9001/launch"}
    body = create(client, auth, **{SUBMISSION_TYPE: ext}).json()
    assert body[SUBMISSION_TYPE] == ext and "resourceLinkId" in body  # the URL matches the calling tool
    response = create(client, auth, **{SUBMISSION_TYPE: {"type": "online_upload"}})
    assert response.status_code == 400
    assert response.json() == {"error": "Invalid submission_type for new assignment: online_upload"}


@pytest.mark.parametrize(("body", "attribute", "kind"), [
    ({"label": "x"}, "score_maximum", "blank"),
    ({"scoreMaximum": 5}, "label", "blank"),
    ({"scoreMaximum": "ten", "label": "x"}, "score_maximum", "not_a_number"),
    ({"scoreMaximum": 5, "label": ""}, "label", "blank"),
])
def test_create_model_validation(client: Any, auth: dict[str, str], body: dict[str, Any], attribute: str, kind: str) -> None:
    response = client.post(BASE, headers={**auth, "Content-Type": LINE_ITEM}, json=body)
    assert response.status_code == 422
    error = response.json()["errors"][attribute][0]
    assert error["attribute"] == attribute and error["type"] == kind


def test_list_filters_and_ownership(client: Any, auth: dict[str, str]) -> None:
    create(client, auth, label="A", tag="quiz", resourceId="r1")
    create(client, auth, label="B", tag="quiz", resourceId="r2")
    create(client, auth, label="C", tag="lab", resourceId="r1")
    labels = lambda q: [i["label"] for i in client.get(f"{BASE}{q}", headers=auth).json()]  # noqa: E731
    assert labels("") == ["Lab Report 1", "A", "B", "C"]  # line item 2 belongs to another key
    assert labels("?tag=quiz") == ["A", "B"]
    assert labels("?tag=quiz&resource_id=r1") == ["A"]
    assert labels(f"?resource_link_id={LINK_UUID}") == ["Lab Report 1"]
    assert labels("?lti_link_id=whatever") == ["Lab Report 1", "A", "B", "C"]  # unknown filter ignored


def test_list_paging_defaults_to_10_and_limit_is_not_capped(client: Any, auth: dict[str, str]) -> None:
    for n in range(11):
        create(client, auth, label=f"N{n}")
    first = client.get(BASE, headers=auth)
    assert first.headers["content-type"] == LINE_ITEM_CONTAINER
    assert len(first.json()) == 10 and 'rel="next"' in first.headers["link"]
    assert len(client.get(f"{BASE}?limit=150", headers=auth).json()) == 12
    assert len(client.get(f"{BASE}?per_page=500", headers=auth).json()) == 12  # clamped to 100
    assert client.get(f"{BASE}?page=9", headers=auth).json() == []


def test_include_launch_url(client: Any, auth: dict[str, str]) -> None:
    items = client.get(f"{BASE}?include[]=launch_url", headers=auth).json()
    assert items[0]["https://canvas.instructure.com/lti/launch_url"] == "http://127.0.0.1:9001/launch"
    assert "https://canvas.instructure.com/lti/launch_url" not in client.get(BASE, headers=auth).json()[0]


def test_show_with_resource_link_check(client: Any, auth: dict[str, str]) -> None:
    assert client.get(f"{BASE}/1?resourceLinkId={LINK_UUID}", headers=auth).status_code == 200
    lti_error(client.get(f"{BASE}/1?resourceLinkId=other", headers=auth), 412,
              "The specified LTI link ID is not associated with the line item.")


def test_show_unknown_and_deleted_assignment(app: Any, client: Any, auth: dict[str, str]) -> None:
    api_error(client.get(f"{BASE}/999", headers=auth), 404, "The specified resource does not exist.")
    app.state.world.assignments[301].workflow_state = "deleted"
    response = client.get(f"{BASE}/1", headers=auth)
    assert response.status_code == 404 and response.content == b""


def test_update_default_line_item_updates_assignment(app: Any, client: Any, auth: dict[str, str]) -> None:
    item_url = create(client, auth, label="Old", scoreMaximum=5).json()["id"]
    response = client.put(item_url, headers={**auth, "Content-Type": LINE_ITEM}, json={"label": "New", "scoreMaximum": 8, "tag": "t"})
    assert response.status_code == 200
    assert response.json() == {"id": item_url, "label": "New", "scoreMaximum": 8.0, "tag": "t"}
    assignment = app.state.world.assignments[app.state.world.line_items[int(item_url.rsplit("/", 1)[1])].assignment_id]
    assert (assignment.name, assignment.points_possible) == ("New", 8.0)


def test_update_extra_line_item_leaves_assignment(app: Any, client: Any, auth: dict[str, str]) -> None:
    extra = create(client, auth, resourceLinkId=LINK_UUID, label="Extra").json()["id"]
    client.put(extra, headers=auth, json={"label": "Renamed", "scoreMaximum": 99})
    assert app.state.world.assignments[301].name == "Lab Report 1"
    assert app.state.world.assignments[301].points_possible == 10


def test_delete_coupled_line_item_is_empty_401(client: Any, auth: dict[str, str]) -> None:
    response = client.delete(f"{BASE}/1", headers=auth)
    assert response.status_code == 401 and response.content == b""
    assert client.get(f"{BASE}/1", headers=auth).status_code == 200


def test_delete_default_line_item_destroys_assignment(app: Any, client: Any, auth: dict[str, str]) -> None:
    item_url = create(client, auth, label="Doomed").json()["id"]
    item = app.state.world.line_items[int(item_url.rsplit("/", 1)[1])]
    assert client.delete(item_url, headers=auth).status_code == 204
    assert app.state.world.assignments[item.assignment_id].workflow_state == "deleted"
    assert client.get(item_url, headers=auth).status_code == 404


def test_delete_extra_line_item_keeps_assignment(app: Any, client: Any, auth: dict[str, str]) -> None:
    extra = create(client, auth, resourceLinkId=LINK_UUID, label="Extra").json()["id"]
    assert client.delete(extra, headers=auth).status_code == 204
    assert app.state.world.assignments[301].workflow_state == "published"
    assert client.get(extra, headers=auth).status_code == 404
    assert client.get(f"{BASE}/1", headers=auth).status_code == 200


QUERY_NAMES = st.sampled_from(["tag", "resource_id", "include[]", "x", "a b", "limit", "per_page", "access_token"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(QUERY_NAMES, st.text(max_size=6)), max_size=5))
def test_the_page_links_keep_exactly_the_query_the_request_sent(client: Any, auth: dict[str, str],
                                                                pairs: list[tuple[str, str]]) -> None:
    """Handlers read the query string request validation parsed (context.CanvasRequest): the Link
    header still carries this request's parameters, each value as sent, Canvas's own dropped."""
    pairs = [(k, str(len(v) + 1)) if k in ("limit", "per_page") else (k, v) for k, v in pairs]
    raw = urlencode(pairs)
    response = client.get(f"{BASE}?{raw}" if raw else BASE, headers=auth)
    assert response.status_code == 200, response.text
    current = next(link for link in response.headers["link"].split(",") if link.endswith('rel="current"'))
    linked = parse_qsl(urlsplit(current[1:current.index(">")]).query, keep_blank_values=True)
    kept = sorted(((k, v) for k, v in parse_qsl(raw, keep_blank_values=True)
                   if k not in ("page", "per_page", "access_token")), key=lambda kv: kv[0])  # stable, as Canvas
    assert [(k, v) for k, v in linked if k not in ("page", "per_page")] == kept


def test_a_long_query_string_is_read_afresh_each_time(client: Any, auth: dict[str, str]) -> None:
    """Query strings over the validator's memo limit are parsed per request, with the same answers."""
    long_tag = "t" * 2000
    answers = [client.get(f"{BASE}?tag={long_tag}&limit={n}", headers=auth) for n in (1, 1, 2)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].headers["link"] == answers[1].headers["link"] != answers[2].headers["link"]
    assert f"tag={long_tag}" in answers[2].headers["link"] and "limit=2" in answers[2].headers["link"]
