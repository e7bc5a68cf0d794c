"""Canvas's ``spec/controllers/lti/ims/scores_controller_spec.rb`` (AGS scores), against the mock over HTTP.

Fixture facts used: line item 1 is the default line item of assignment 301 (10 points, launched with
the grading tool); users 20-22 are active students of course 101, 11 a TA, 26 a student of course 102;
user 22 already has a result (7/10, 2026-01-05T10:00:00.000Z).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.services import (
    COURSE,
    GRADING,
    SUBMISSION_EXT,
    auth,
    edit_state,
    lti_id,
    post_score,
    record,
    state_row,
)
from tests.ltiutil import AGS_SCORE, SCORE, api_error, bearer, lti_error, token_form, tool_named
from tests.ltiutil import LINE_ITEM as LINE_ITEM_TYPE

SCORES = "spec/controllers/lti/ims/scores_controller_spec.rb"
GRADEBOOK = "app/controllers/lti/ims/concerns/gradebook_services.rb"
CONTROLLER = "app/controllers/lti/ims/scores_controller.rb"
FILE = {"type": "file", "url": "https://filesamples.com/samples/document/txt/sample1.txt", "title": "sample1.txt"}
NOT_A_FILE = {"type": "not", "url": "https://filesamples.com/samples/document/txt/sample1.txt", "title": "notAFile.txt"}


@pytest.fixture
def headers(client: Any, config: dict[str, Any]) -> dict[str, str]:
    return auth(client, config)


@pytest.fixture
def student(config: dict[str, Any]) -> str:
    return lti_id(config, 20)


def submission(client: Any, user_id: int = 20, assignment_id: int = 301) -> dict[str, Any]:
    return state_row(client, "submissions", assignment_id=assignment_id, user_id=user_id)


def result_of(client: Any, response: Any) -> dict[str, Any]:
    return state_row(client, "results", id=int(response.json()["resultUrl"].rsplit("/", 1)[1]))


def extra_line_item(client: Any, headers: dict[str, str], **body: Any) -> str:
    """A second line item on assignment 301's resource link (``line_item_model assignment:, resource_link:``)."""
    payload = {"scoreMaximum": 10, "label": "Extra", "resourceLinkId": "8a3c6a36-4b0c-4d7e-9c1a-1f2a3b4c5d01", **body}
    response = client.post(f"/api/lti/courses/{COURSE}/line_items", json=payload,
                           headers={**headers, "Content-Type": LINE_ITEM_TYPE})
    assert response.status_code == 201, response.text
    return "/" + response.json()["id"].split("/", 3)[3]


# -- a successful scores request ------------------------------------------------------------------


@canvas_spec(SCORES, 'a successful scores request / when the lti_id userId is used / returns a valid resultUrl in the body')
def test_lti_id_user_gets_a_result_url(client: Any, headers: dict[str, str], student: str) -> None:
    response = post_score(client, headers, userId=student)
    assert response.status_code == 200
    assert response.headers["content-type"] == SCORE
    assert response.json()["resultUrl"].startswith(f"http://testserver/api/lti/courses/{COURSE}/line_items/1/results/")


@canvas_spec(SCORES, 'a successful scores request / returns a valid resultUrl in the body (userId { user.id })',
             follows_code=GRADEBOOK)
def test_canvas_user_id_as_a_json_number(client: Any, headers: dict[str, str]) -> None:
    """``user_id`` keeps an id equal to ``id.to_i`` or ``id.to_i.to_s``: a JSON number resolves too."""
    response = post_score(client, headers, userId=20, scoreGiven=4, scoreMaximum=10)
    assert response.status_code == 200, response.text
    assert "results" in response.json()["resultUrl"]
    assert result_of(client, response)["user_id"] == 20


@canvas_spec(SCORES, 'a successful scores request / when the consistent_ags_ids_based_on_account_principal_domain '
                     'feature flag is off / uses the host domain in the resultUrl')
def test_result_url_uses_the_request_host(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    here = post_score(client, headers, userId=lti_id(config, 20))
    elsewhere = {"Host": "canvas.example.edu"}
    token_url = "http://canvas.example.edu/login/oauth2/token"
    form = token_form(tool_named(config, GRADING), token_url, [AGS_SCORE])
    token = client.post("/login/oauth2/token", data=form, headers=elsewhere).json()["access_token"]
    there = post_score(client, {**bearer(token), **elsewhere}, userId=lti_id(config, 21))
    assert here.json()["resultUrl"].startswith(f"http://testserver/api/lti/courses/{COURSE}/line_items/1/results/")
    assert there.json()["resultUrl"].startswith(f"http://canvas.example.edu/api/lti/courses/{COURSE}/line_items/1/results/")


@canvas_spec(SCORES, 'a successful scores request / with no existing result / creates a new result')
def test_first_score_creates_a_result(client: Any, headers: dict[str, str], student: str) -> None:
    before = len(client.get("/__mock__/state").json()["results"])
    assert post_score(client, headers, userId=student).status_code == 200
    assert len(client.get("/__mock__/state").json()["results"]) == before + 1


@canvas_spec(SCORES, 'a successful scores request / with no existing result / sets the updated_at and created_at '
                     'to match the params timestamp')
def test_new_result_is_stamped_with_the_tool_timestamp(client: Any, headers: dict[str, str], student: str) -> None:
    response = post_score(client, headers, userId=student, timestamp="2026-03-01T10:00:00.123Z")
    row = result_of(client, response)
    assert row["created_at"] == row["updated_at"] == "2026-03-01T10:00:00.123Z"


@canvas_spec(SCORES, 'a successful scores request / with existing result / updates result')
def test_existing_result_is_updated_not_duplicated(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    before = len(client.get("/__mock__/state").json()["results"])
    response = post_score(client, headers, userId=lti_id(config, 22), scoreGiven=5.0, scoreMaximum=10)
    assert response.status_code == 200
    assert len(client.get("/__mock__/state").json()["results"]) == before
    assert result_of(client, response)["score_given"] == 5.0


@canvas_spec(SCORES, 'a successful scores request / with existing result / does not update the created_at timestamp')
def test_existing_result_keeps_created_at(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    response = post_score(client, headers, userId=lti_id(config, 22), timestamp="2026-04-01T00:00:00.000Z")
    row = result_of(client, response)
    assert row["created_at"] == "2026-01-05T10:00:00.000Z"
    assert row["updated_at"] == "2026-04-01T00:00:00.000Z"


@canvas_spec(SCORES, 'a successful scores request / when line_item is not an assignment / with gradingProgress set '
                     'to FullyGraded or PendingManual / does not create submission')
def test_extra_line_item_scores_touch_no_submission(client: Any, headers: dict[str, str], student: str) -> None:
    extra = extra_line_item(client, headers)
    for progress in ("FullyGraded", "PendingManual"):
        response = post_score(client, headers, extra, userId=student, scoreGiven=10, scoreMaximum=10,
                              gradingProgress=progress, timestamp=f"2026-03-0{1 if progress == 'FullyGraded' else 2}T00:00:00Z")
        assert response.status_code == 200, response.text
    assert not [s for s in client.get("/__mock__/state").json()["submissions"] if s["user_id"] == 20]


# -- the submission side (the assignment's default line item) -------------------------------------


@canvas_spec(SCORES, 'when line_item is an assignment / default behavior / uses submission_type of external_tool')
def test_default_submission_type_is_external_tool(client: Any, headers: dict[str, str], student: str) -> None:
    post_score(client, headers, userId=student)
    assert submission(client)["submission_type"] == "external_tool"


@canvas_spec(SCORES, 'when line_item is an assignment / default behavior / creates a new submission / increments attempt')
def test_each_score_is_a_new_attempt(client: Any, headers: dict[str, str], student: str) -> None:
    post_score(client, headers, userId=student, timestamp="2026-03-01T10:00:00Z")
    first = submission(client)["attempt"]
    post_score(client, headers, userId=student, timestamp="2026-03-01T11:00:00Z")
    assert submission(client)["attempt"] == first + 1


@canvas_spec(SCORES, 'when line_item is an assignment / when "new_submission" extension is present and false / '
                     'updates existing submission / does not increment attempt or change submitted_at')
def test_new_submission_false_keeps_the_attempt(client: Any, headers: dict[str, str], student: str) -> None:
    post_score(client, headers, userId=student, timestamp="2026-03-01T10:00:00Z")
    before = submission(client)
    post_score(client, headers, userId=student, timestamp="2026-03-01T11:00:00Z", **{SUBMISSION_EXT: {"new_submission": False}})
    after = submission(client)
    assert (after["attempt"], after["submitted_at"]) == (before["attempt"], before["submitted_at"])


@canvas_spec(SCORES, 'when line_item is an assignment / when "submission_type" extension is none / does not submit homework')
def test_submission_type_none_does_not_submit(client: Any, headers: dict[str, str], student: str) -> None:
    post_score(client, headers, userId=student, **{SUBMISSION_EXT: {"submission_type": "none"}})
    row = submission(client)
    assert row["attempt"] == 0 and row["submitted_at"] is None


@canvas_spec(SCORES, 'when "prioritize_non_tool_grade" is present / a scored submission already exists / '
                     'does not overwrite the score')
def test_prioritize_non_tool_grade_keeps_a_teacher_grade(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    def teacher_graded(state: dict[str, Any]) -> None:
        record(state, "submissions", assignment_id=301, user_id=22).update(score=10, grader_id=10)
    edit_state(client, teacher_graded)
    response = post_score(client, headers, userId=lti_id(config, 22), scoreGiven=0.5, scoreMaximum=10,
                          **{SUBMISSION_EXT: {"prioritize_non_tool_grade": True}})
    assert response.status_code == 200
    assert submission(client, 22)["score"] == 10


@canvas_spec(SCORES, 'when "prioritize_non_tool_grade" is present / no graded submission exists / '
                     'scores the submission properly')
def test_prioritize_non_tool_grade_without_a_grade_scores(client: Any, headers: dict[str, str], student: str) -> None:
    post_score(client, headers, userId=student, scoreGiven=0.5, scoreMaximum=10,
               **{SUBMISSION_EXT: {"prioritize_non_tool_grade": True}})
    assert submission(client)["score"] == 0.5


@canvas_spec(SCORES, 'when line_item is an assignment / with no scoreGiven / does not update submission')
def test_no_score_given_leaves_the_submission_ungraded(client: Any, headers: dict[str, str], student: str) -> None:
    post_score(client, headers, userId=student)
    assert submission(client)["score"] is None


@canvas_spec(SCORES, 'with gradingProgress not set to FullyGraded or PendingManual / does not update submission')
def test_pending_score_is_ignored(client: Any, headers: dict[str, str], student: str) -> None:
    response = post_score(client, headers, userId=student, scoreGiven=100, scoreMaximum=10, gradingProgress="Pending")
    assert response.status_code == 200
    assert submission(client)["score"] is None


@canvas_spec(SCORES, 'with gradingProgress set to FullyGraded / updates submission with FullyGraded')
def test_fully_graded_grades_the_submission(client: Any, headers: dict[str, str], student: str) -> None:
    post_score(client, headers, userId=student, scoreGiven=10, scoreMaximum=10)
    row = submission(client)
    assert row["score"] == 10.0 and row["workflow_state"] == "graded"


@canvas_spec(SCORES, 'with gradingProgress set to FullyGraded / with comment in payload / creates a new submission_comment')
def test_comment_becomes_a_submission_comment(client: Any, headers: dict[str, str], student: str) -> None:
    post_score(client, headers, userId=student, scoreGiven=10, scoreMaximum=10, comment="Test comment")
    assert submission(client)["comments"] == ["Test comment"]


@canvas_spec(SCORES, 'with gradingProgress set to PendingManual / marks the result and submission as needing review')
def test_pending_manual_needs_review(client: Any, headers: dict[str, str], student: str) -> None:
    response = post_score(client, headers, userId=student, scoreGiven=10, scoreMaximum=10, gradingProgress="PendingManual")
    assert submission(client)["workflow_state"] == "pending_review"
    assert result_of(client, response)["grading_progress"] == "PendingManual"


@canvas_spec(SCORES, 'with gradingProgress set to PendingManual / with submission already graded and using '
                     'preserve_score param / does not update submission score')
def test_preserve_score_keeps_the_grade(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    post_score(client, headers, userId=lti_id(config, 22), gradingProgress="PendingManual", scoreGiven=100, scoreMaximum=10,
               **{SUBMISSION_EXT: {"preserve_score": True}})
    row = submission(client, 22)
    assert row["score"] == 7 and row["workflow_state"] == "pending_review"


@canvas_spec(SCORES, "a submission that needs review already exists / let's the tool mark the submission as FullyGraded")
def test_fully_graded_clears_needs_review(client: Any, headers: dict[str, str], student: str) -> None:
    post_score(client, headers, userId=student, scoreGiven=5, scoreMaximum=10, gradingProgress="PendingManual",
               timestamp="2026-03-01T10:00:00Z")
    post_score(client, headers, userId=student, scoreGiven=10, scoreMaximum=10, timestamp="2026-03-01T11:00:00Z")
    assert submission(client)["workflow_state"] != "pending_review"


@canvas_spec(SCORES, 'with submitted_at extension / when submitted_at is prior to submission due date / '
                     'updates submission time')
def test_submitted_at_extension_sets_the_submission_time(client: Any, headers: dict[str, str], student: str) -> None:
    post_score(client, headers, userId=student, **{SUBMISSION_EXT: {"submitted_at": "2021-05-04T18:54:34.736Z"}})
    assert submission(client)["submitted_at"] == "2021-05-04T18:54:34.736Z"


@canvas_spec(SCORES, 'with different scoreMaximum / scales the submission but does not scale the score for the result')
def test_submission_is_scaled_result_is_raw(client: Any, headers: dict[str, str], student: str) -> None:
    response = post_score(client, headers, userId=student, scoreGiven=10, scoreMaximum=100)
    assert result_of(client, response)["score_given"] == 10
    assert submission(client)["score"] == 10 * (10 / 100)


@canvas_spec(SCORES, "with a ZERO score maximum / when the line item's maximum is zero / will tolerate a zero score")
def test_zero_maximum_on_a_zero_line_item(client: Any, headers: dict[str, str], student: str) -> None:
    created = client.post(f"/api/lti/courses/{COURSE}/line_items", json={"scoreMaximum": 0, "label": "Zero"},
                          headers={**headers, "Content-Type": LINE_ITEM_TYPE})
    path = "/" + created.json()["id"].split("/", 3)[3]
    response = post_score(client, headers, path, userId=student, scoreGiven=0, scoreMaximum=0)
    assert response.status_code == 200, response.text
    assert result_of(client, response)["score_given"] == 0


@canvas_spec(SCORES, "with a ZERO score maximum / when the line item's maximum is not zero / will not tolerate a zero score")
def test_zero_maximum_on_a_scored_line_item(client: Any, headers: dict[str, str], student: str) -> None:
    lti_error(post_score(client, headers, userId=student, scoreGiven=0, scoreMaximum=0), 422,
              "cannot be zero if line item's maximum is not zero")


@canvas_spec(SCORES, 'with a NEGATIVE score maximum / will not tolerate invalid score max')
def test_negative_maximum(client: Any, headers: dict[str, str], student: str) -> None:
    lti_error(post_score(client, headers, userId=student, scoreGiven=0, scoreMaximum=-1), 422,
              "ScoreMaximum must be greater than or equal to 0")


@pytest.mark.parametrize(("kind", "data"), [("online_url", "http://www.instructure.com"),
                                            ("basic_lti_launch", "http://www.instructure.com/launch_url"),
                                            ("online_text_entry", "<p>Here is some text</p>")])
@canvas_spec(SCORES, 'with online_url, with basic_lti_launch, with online_text_entry / updates the submission and result url')
def test_submission_data_is_kept_on_result_and_submission(client: Any, headers: dict[str, str], student: str,
                                                          kind: str, data: str) -> None:
    extension = {"submission_type": kind, "submission_data": data}
    response = post_score(client, headers, userId=student, **{SUBMISSION_EXT: extension})
    assert result_of(client, response)["extensions"][SUBMISSION_EXT] == extension
    assert client.get(response.json()["resultUrl"], headers=headers).json()[SUBMISSION_EXT] == extension
    assert submission(client)["submission_type"] == kind


@canvas_spec(SCORES, 'when previously graded and score not given / clears the score')
def test_score_without_score_given_clears_it(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    response = post_score(client, headers, userId=lti_id(config, 22))
    row = result_of(client, response)
    assert row["score_given"] is None and row["score_maximum"] is None
    assert submission(client, 22)["score"] is None
    assert "resultScore" not in client.get(response.json()["resultUrl"], headers=headers).json()


@canvas_spec(SCORES, 'when user_id is a fake student in course / a successful scores request / returns a valid resultUrl')
def test_test_student_can_be_scored(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    def test_student(state: dict[str, Any]) -> None:
        state["enrollments"].append({"id": 900, "course_id": COURSE, "user_id": 25, "type": "StudentViewEnrollment",
                                     "state": "active"})
    edit_state(client, test_student)
    response = post_score(client, headers, userId=lti_id(config, 25))
    assert response.status_code == 200, response.text
    assert "results" in response.json()["resultUrl"]


# -- file submissions (content items) -------------------------------------------------------------


@canvas_spec(SCORES, 'with content items in extension / ignores content items that are not type file')
def test_only_file_content_items_are_uploaded(client: Any, headers: dict[str, str], student: str) -> None:
    response = post_score(client, headers, userId=student, scoreGiven=10, scoreMaximum=10,
                          **{SUBMISSION_EXT: {"content_items": [FILE, NOT_A_FILE], "new_submission": False}})
    assert response.status_code == 200, response.text
    items = response.json()[SUBMISSION_EXT]["content_items"]
    assert [{k: v for k, v in item.items() if k != "progress"} for item in items] == [FILE]


@canvas_spec(SCORES, 'with content items in extension / with InstFS enabled / returns a progress url', follows_code=CONTROLLER)
def test_file_items_answer_a_progress_url(client: Any, headers: dict[str, str], student: str) -> None:
    response = post_score(client, headers, userId=student, **{SUBMISSION_EXT: {"content_items": [FILE]}})
    progress = response.json()[SUBMISSION_EXT]["content_items"][0]["progress"]
    assert progress.startswith(f"http://testserver/api/lti/courses/{COURSE}/progress/")
    polled = client.get(progress, headers=auth(client, client.get("/__mock__/config").json()))
    assert polled.status_code == 200, polled.text
    assert polled.json()["url"] == progress and polled.json()["context_type"] == "Assignment"


@canvas_spec(SCORES, 'with content items in extension / uses submission_type online_upload')
def test_file_items_make_an_online_upload(client: Any, headers: dict[str, str], student: str) -> None:
    post_score(client, headers, userId=student, **{SUBMISSION_EXT: {"content_items": [FILE, NOT_A_FILE]}})
    assert submission(client)["submission_type"] == "online_upload"


@canvas_spec(SCORES, 'a file submission / with FF on / and multiple file content items / handles multiple attachments, '
                     'only creates one attempt')
def test_two_files_are_one_attempt_with_two_progresses(client: Any, headers: dict[str, str], student: str) -> None:
    second = {**FILE, "url": "https://filesamples.com/samples/document/txt/sample2.txt", "title": "sample2.txt"}
    response = post_score(client, headers, userId=student, **{SUBMISSION_EXT: {"content_items": [FILE, second],
                                                                               "new_submission": True}})
    items = response.json()[SUBMISSION_EXT]["content_items"]
    assert [i["title"] for i in items] == ["sample1.txt", "sample2.txt"]
    assert len({i["progress"] for i in items}) == 2
    row = submission(client)
    assert row["attempt"] == 1 and [a["display_name"] for a in row["attachments"]] == ["sample1.txt", "sample2.txt"]


@canvas_spec(SCORES, 'with InstFS enabled / a file submission / creates an attachment (display_name is the title)')
def test_file_upload_attaches_the_file_to_the_submission(client: Any, headers: dict[str, str], student: str) -> None:
    post_score(client, headers, userId=student, **{SUBMISSION_EXT: {"content_items": [{**FILE, "media_type": "text/html"}]}})
    attachment = submission(client)["attachments"][0]
    assert attachment["display_name"] == "sample1.txt"
    assert attachment["content_type"] == "text/html"  # 'with valid explicit media_type / uses provided content_type'


@canvas_spec(SCORES, 'a file submission / calculates content_type from extension')
def test_file_content_type_from_the_name(client: Any, headers: dict[str, str], student: str) -> None:
    post_score(client, headers, userId=student, **{SUBMISSION_EXT: {"content_items": [FILE]}})
    assert submission(client)["attachments"][0]["content_type"] == "text/plain"


# -- invalid params -------------------------------------------------------------------------------


@canvas_spec(SCORES, 'with invalid params / when timestamp is before updated_at / a bad request', follows_code=CONTROLLER)
def test_timestamp_before_the_result(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    lti_error(post_score(client, headers, userId=lti_id(config, 22), timestamp="2026-01-04T10:00:00.000Z"), 400,
              "Provided timestamp of 2026-01-04T10:00:00.000Z before last updated timestamp of 2026-01-05T10:00:00.000Z")


@canvas_spec(SCORES, 'with invalid params / when scoreGiven is supplied without scoreMaximum / an unprocessable entity')
def test_score_given_needs_a_maximum(client: Any, headers: dict[str, str], student: str) -> None:
    lti_error(post_score(client, headers, userId=student, scoreGiven=10), 422, "ScoreMaximum not supplied when ScoreGiven present.")


@canvas_spec(SCORES, 'with invalid params / when negative scoreGiven is supplied / an unprocessable entity')
def test_negative_score_given(client: Any, headers: dict[str, str], student: str) -> None:
    lti_error(post_score(client, headers, userId=student, scoreGiven=-1, scoreMaximum=10), 422,
              "ScoreGiven must be greater than or equal to 0")


@canvas_spec(SCORES, 'with invalid params / when model validation fails / has the model validation error in the response, '
                     'does not update the submission', follows_code="app/models/lti/result.rb")
def test_invalid_activity_progress_is_a_model_error_and_writes_nothing(client: Any, headers: dict[str, str], student: str) -> None:
    response = post_score(client, headers, userId=student, scoreGiven=5, scoreMaximum=10, activityProgress="Bogus")
    assert response.status_code == 422
    assert response.json()["errors"]["activity_progress"][0]["message"] == "is not included in the list"
    assert not [s for s in client.get("/__mock__/state").json()["submissions"] if s["user_id"] == 20]


@pytest.mark.parametrize("user", [26, 11], ids=["student-of-another-course", "ta"])
@canvas_spec(SCORES, 'with invalid params / when user_id not found in course, when user_id is not a student in course')
def test_user_must_be_a_student_here(client: Any, headers: dict[str, str], config: dict[str, Any], user: int) -> None:
    lti_error(post_score(client, headers, userId=lti_id(config, user)), 422, "User not found in course or is not a student")


@canvas_spec(SCORES, 'with invalid params / when timestamp is a timestamp, but not an iso8601 timestamp / '
                     'processes request (legacy behavior)')
def test_legacy_timestamp_is_accepted(client: Any, headers: dict[str, str], student: str) -> None:
    response = post_score(client, headers, userId=student, timestamp="2026-12-07 15:07:32 UTC")
    assert response.status_code == 200, response.text
    assert result_of(client, response)["updated_at"] == "2026-12-07T15:07:32.000Z"


@canvas_spec(SCORES, 'with invalid params / when submitted_at extension is a timestamp, but not an is08601 timestamp / '
                     'processes request (legacy behavior)')
def test_legacy_submitted_at_is_accepted(client: Any, headers: dict[str, str], student: str) -> None:
    response = post_score(client, headers, userId=student, **{SUBMISSION_EXT: {"submitted_at": "2026-01-07 15:07:32 UTC"}})
    assert response.status_code == 200, response.text
    assert submission(client)["submitted_at"] == "2026-01-07T15:07:32.000Z"


@canvas_spec(SCORES, 'when enforcing iso8601 timestamps / when timestamp is a timestamp, but not an iso8601 timestamp / '
                     'a bad request', follows_code=CONTROLLER)
def test_enforced_iso8601_rejects_a_legacy_timestamp(client: Any, headers: dict[str, str], student: str) -> None:
    assert client.post("/__mock__/settings", json={"enforce_iso8601_for_lti_scores": True}).status_code == 200
    for raw in ("3022101316", "2026-12-07 15:07:32 UTC"):
        lti_error(post_score(client, headers, userId=student, timestamp=raw), 400, f"Provided timestamp of {raw} not a valid timestamp")
    assert post_score(client, headers, userId=student, timestamp="2026-12-07T15:07:32Z").status_code == 200


@canvas_spec(SCORES, 'when enforcing iso8601 timestamps / when submitted_at extension is a timestamp, but not an '
                     'is08601 timestamp / a bad request', follows_code=CONTROLLER)
def test_enforced_iso8601_rejects_a_legacy_submitted_at(client: Any, headers: dict[str, str], student: str) -> None:
    client.post("/__mock__/settings", json={"enforce_iso8601_for_lti_scores": True})
    lti_error(post_score(client, headers, userId=student, **{SUBMISSION_EXT: {"submitted_at": "1637101316"}}), 400,
              "Provided submitted_at timestamp of 1637101316 not a valid timestamp")


@canvas_spec(SCORES, 'with invalid params / when submitted_at extension is an invalid timestamp / a bad request',
             follows_code=CONTROLLER)
def test_garbage_submitted_at(client: Any, headers: dict[str, str], student: str) -> None:
    lti_error(post_score(client, headers, userId=student, **{SUBMISSION_EXT: {"submitted_at": "asdf"}}), 400,
              "Provided submitted_at timestamp of asdf not a valid timestamp")


@canvas_spec(SCORES, 'with invalid params / when submitted_at is in the future / a bad request', follows_code=CONTROLLER)
def test_future_submitted_at(client: Any, headers: dict[str, str], student: str) -> None:
    now = client.get("/__mock__/clock").json()["epoch"]
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 300))  # Canvas allows one minute ahead
    lti_error(post_score(client, headers, userId=student, **{SUBMISSION_EXT: {"submitted_at": later}}),
              400, f"Provided submitted_at timestamp of {later} in the future")


@canvas_spec(SCORES, 'with invalid params / when submission_type is online_upload but no content_items are included / '
                     'an unprocessable entity')
def test_online_upload_needs_files(client: Any, headers: dict[str, str], student: str) -> None:
    lti_error(post_score(client, headers, userId=student, **{SUBMISSION_EXT: {"submission_type": "online_upload",
                                                                               "content_items": [NOT_A_FILE]}}),
              422, "Content items must be provided with submission type 'online_upload'")


@canvas_spec(SCORES, '#create / it_behaves_like "lti services" / verify_required_params (ParameterMissing)',
             follows_code=CONTROLLER)
def test_missing_timestamp_is_a_parameter_missing_400(client: Any, headers: dict[str, str], student: str) -> None:
    api_error(post_score(client, headers, userId=student, timestamp=None), 400, "timestamp is missing")
