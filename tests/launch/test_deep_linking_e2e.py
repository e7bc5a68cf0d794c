"""Acceptance 2: deep linking end to end — the returned links, assignment and line item exist,
and a later launch of a returned link carries its custom parameters."""

from __future__ import annotations

import httpx
import pytest

from mockserver.testing import RunningMock
from tests import net

from .conftest import start_launch
from .tool import AGS_CLAIM, DL, LTI, LtiTool, browse_launch

ITEMS = [
    {"type": "ltiResourceLink", "title": "Chapter 1 reading", "url": "{base}/launch?chapter=1",
     "custom": {"chapter": "1", "course": "$Canvas.course.id", "who": "$Person.name.given"}},
    {"type": "ltiResourceLink", "title": "Chapter 1 quiz", "url": "{base}/launch?quiz=1",
     "custom": {"quiz": "q1"},
     "lineItem": {"scoreMaximum": 25, "label": "Quiz: chapter 1", "resourceId": "quiz-ch1", "tag": "quiz"}},
]


def read_message(page: httpx.Response) -> dict:
    import json

    marker = '<script type="application/json" id="deep-link-response">'
    start = page.text.index(marker) + len(marker)
    return json.loads(page.text[start:page.text.index("</script>", start)])


@pytest.mark.parametrize("placement", ["link_selection", "course_assignments_menu"])
def test_deep_linking_creates_links_and_line_item(mock: RunningMock, tool: LtiTool, placement: str) -> None:
    login = start_launch(mock, tool="1", course="101", user="10", placement=placement,
                         message_type="LtiDeepLinkingRequest")
    claims = browse_launch(login).json()["claims"]
    assert claims[LTI + "message_type"] == "LtiDeepLinkingRequest"
    assert LTI + "resource_link" not in claims
    settings = claims[DL + "deep_linking_settings"]
    assert settings["accept_types"] == ["ltiResourceLink"]
    assert settings["accept_media_types"] == "application/vnd.ims.lti.v1.ltilink"
    assert settings["accept_multiple"] is True and settings["auto_create"] is False
    assert settings["deep_link_return_url"].startswith(f"{mock.base_url}/courses/101/deep_linking_response?data=")

    items = [{**i, "url": i["url"].format(base=tool.base_url)} for i in ITEMS]
    response_jwt = tool.deep_linking_response(claims, items)
    page = net.post(settings["deep_link_return_url"], data={"JWT": response_jwt})
    assert page.status_code == 200, page.text
    message = read_message(page)
    assert message["subject"] == "LtiDeepLinkingResponse" and message["placement"] == placement
    assert [i["title"] for i in message["content_items"]] == ["Chapter 1 reading", "Chapter 1 quiz"]
    assert message["msg"] == "Done" and message["reloadpage"] is True

    state = net.get(f"{mock.base_url}/__mock__/state").json()
    links = {link["title"]: link for link in state["resource_links"]}
    reading, quiz = links["Chapter 1 reading"], links["Chapter 1 quiz"]
    assert reading["context_type"] == "Course" and reading["custom"]["chapter"] == "1"
    assert quiz["context_type"] == "Assignment"
    assignment = next(a for a in state["assignments"] if a["id"] == quiz["context_id"])
    assert assignment["points_possible"] == 25 and assignment["submission_types"] == "external_tool"

    # AGS sees the tool-owned line item, linked to the new resource link.
    token = tool.access_token(["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"])
    listed = net.get(f"{mock.base_url}/api/lti/courses/101/line_items", params={"tag": "quiz"},
                       headers={"Authorization": f"Bearer {token}"}).json()
    assert len(listed) == 1
    assert listed[0]["scoreMaximum"] == 25 and listed[0]["label"] == "Quiz: chapter 1"
    assert listed[0]["resourceId"] == "quiz-ch1" and listed[0]["resourceLinkId"] == quiz["resource_link_uuid"]

    # A later launch of the reading link carries the stored (expanded) custom parameters.
    later = browse_launch(start_launch(mock, tool="1", course="101", user="20",
                                       resource_link=reading["resource_link_uuid"])).json()["claims"]
    assert later[LTI + "resource_link"]["id"] == reading["resource_link_uuid"]
    assert later[LTI + "target_link_uri"] == f"{tool.base_url}/launch?chapter=1"
    assert later[LTI + "custom"] == {"chapter": "1", "course": "101", "who": "Sienna"}
    # …and the quiz link's launch points at its line item.
    quiz_launch = browse_launch(start_launch(mock, tool="1", course="101", user="20",
                                             resource_link=quiz["resource_link_uuid"])).json()["claims"]
    assert quiz_launch[LTI + "custom"] == {"quiz": "q1"}
    assert quiz_launch[AGS_CLAIM]["lineitem"] == listed[0]["id"]
    tool.post_score(quiz_launch, quiz_launch["sub"], 20, 25)
    assert [r["resultScore"] for r in tool.results(quiz_launch, listed[0]["id"])] == [20]


def test_other_content_items_are_recorded_and_returned(mock: RunningMock, tool: LtiTool) -> None:
    login = start_launch(mock, tool="1", course="101", user="10", placement="editor_button",
                         message_type="LtiDeepLinkingRequest")
    claims = browse_launch(login).json()["claims"]
    settings = claims[DL + "deep_linking_settings"]
    assert settings["accept_types"] == ["link", "file", "html", "ltiResourceLink", "image"]
    items = [{"type": "html", "html": "<p>hi</p>"}, {"type": "link", "url": "https://example.com"},
             {"type": "file", "url": "https://example.com/a.pdf", "mediaType": "application/pdf"},
             {"type": "image", "url": "https://example.com/a.png", "width": 10, "height": 10}]
    page = net.post(settings["deep_link_return_url"], data={"JWT": tool.deep_linking_response(claims, items)})
    assert read_message(page)["content_items"] == items
    state = net.get(f"{mock.base_url}/__mock__/state").json()
    assert [c["type"] for c in state["content_items"]] == ["html", "link", "file", "image"]
    assert read_message(page)["reloadpage"] is False
