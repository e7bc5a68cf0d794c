"""AGS progress (``Lti::IMS::ProgressController``): Canvas has no spec file of its own for it; its facts come
from the scores spec's file-upload examples (the progress URL a score answers) and from the controller.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.services import COURSE, PROGRESS_SCOPE, SUBMISSION_EXT, auth, edit_state, lti_id, post_score, record
from tests.ltiutil import AGS_SCORE, lti_error

SCORES = "spec/controllers/lti/ims/scores_controller_spec.rb"
CONTROLLER = "app/controllers/lti/ims/progress_controller.rb"
PROGRESS = "progress_controller"
FILE = {"type": "file", "url": "https://filesamples.com/samples/document/txt/sample1.txt", "title": "sample1.txt"}


@pytest.fixture
def headers(client: Any, config: dict[str, Any]) -> dict[str, str]:
    return auth(client, config)


def upload(client: Any, headers: dict[str, str], config: dict[str, Any], **extension: Any) -> str:
    """Post a score with one file content item; the progress URL Canvas answers for it."""
    response = post_score(client, headers, userId=lti_id(config, 20), **{SUBMISSION_EXT: {"content_items": [FILE], **extension}})
    assert response.status_code == 200, response.text
    return response.json()[SUBMISSION_EXT]["content_items"][0]["progress"]


@canvas_spec(SCORES, "with InstFS enabled / returns a progress url (polled until the upload completes)", controller=PROGRESS,
             follows_code=CONTROLLER)
def test_upload_progress_is_queued_then_completed(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    client.post("/__mock__/clock", json={"freeze": True})
    url = upload(client, headers, config)
    queued = client.get(url, headers=headers).json()
    assert (queued["workflow_state"], queued["completion"], queued["tag"]) == ("queued", 0, "upload_via_url")
    assert "results" not in queued
    client.post("/__mock__/clock", json={"advance": 5})
    done = client.get(url, headers=headers).json()
    assert (done["workflow_state"], done["completion"]) == ("completed", 100)
    attachment = record(client.get("/__mock__/state").json(), "submissions", assignment_id=301, user_id=20)["attachments"][0]
    assert done["results"] == {"id": attachment["id"]}


@canvas_spec(SCORES, "a file submission / with FF on / sets submitted_at correctly (Progress#created_at is the submission "
                     "time)", controller=PROGRESS, follows_code="app/controllers/lti/ims/scores_controller.rb")
def test_progress_is_dated_from_submitted_at(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    url = upload(client, headers, config, submitted_at="2026-01-07T15:07:32.000Z")
    assert client.get(url, headers=headers).json()["created_at"] == "2026-01-07T15:07:32.000Z"


@canvas_spec(SCORES, "with InstFS enabled / returns a progress url (the Progress JSON the URL answers)", controller=PROGRESS,
             follows_code=CONTROLLER)
def test_progress_json(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    url = upload(client, headers, config)
    body = client.get(url, headers=headers).json()
    assert {"id", "context_id", "context_type", "user_id", "tag", "completion", "workflow_state", "created_at",
            "updated_at", "url"} <= set(body)
    assert (body["context_type"], body["context_id"], body["user_id"], body["url"]) == ("Assignment", 301, 20, url)


@canvas_spec(SCORES, "it_behaves_like 'lti services' / with no access token scope grant (progress show scope)",
             controller=PROGRESS, follows_code=CONTROLLER)
def test_progress_needs_the_progress_scope(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    url = upload(client, headers, config)
    without = auth(client, config, scopes=[AGS_SCORE])
    lti_error(client.get(url, headers=without), 401, "Insufficient permissions")
    assert client.get(url, headers=auth(client, config, scopes=[PROGRESS_SCOPE])).status_code == 200


@canvas_spec(SCORES, "verify_assignment_tool_association (a Progress not on an Assignment)", controller=PROGRESS,
             follows_code=CONTROLLER)
def test_progress_of_a_course_is_forbidden(client: Any, headers: dict[str, str]) -> None:
    edit_state(client, lambda state: record(state, "progresses", id=1).update(context_type="Course", context_id=COURSE))
    lti_error(client.get(f"/api/lti/courses/{COURSE}/progress/1", headers=headers), 403,
              "Tool does not have permission to view a Progress not associated with an Assignment")


@canvas_spec(SCORES, "verify_assignment_tool_association (an Assignment of another tool)", controller=PROGRESS,
             follows_code=CONTROLLER)
def test_progress_of_another_tools_assignment(client: Any, headers: dict[str, str]) -> None:
    edit_state(client, lambda state: record(state, "progresses", id=1).update(context_id=302))
    lti_error(client.get(f"/api/lti/courses/{COURSE}/progress/1", headers=headers), 422,
              "Progress associated with Assignment that isn't linked to this Tool")


@canvas_spec(SCORES, "context: Course.not_completed.find (a concluded course)", controller=PROGRESS, follows_code=CONTROLLER)
def test_progress_in_a_concluded_course_is_not_found(client: Any, headers: dict[str, str]) -> None:
    edit_state(client, lambda state: record(state, "courses", id=COURSE).update(workflow_state="completed"))
    assert client.get(f"/api/lti/courses/{COURSE}/progress/1", headers=headers).status_code == 404
