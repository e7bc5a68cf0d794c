"""AGS scores (§4) and results (§5): Canvas's validation order, storage and reads."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ltiutil import RESULT_CONTAINER, SCORE, api_error, bearer, lti_error

LINE_ITEM = "/api/lti/courses/101/line_items/1"  # default line item of assignment 301 (10 points)


@pytest.fixture
def auth(grading_token: str) -> dict[str, str]:
    return bearer(grading_token)


@pytest.fixture
def students(config: dict[str, Any]) -> dict[int, str]:
    return {u["id"]: u["lti_id"] for u in config["users"]}


def score(client: Any, auth: dict[str, str], line_item: str = LINE_ITEM, **body: Any) -> Any:
    payload = {"activityProgress": "Completed", "gradingProgress": "FullyGraded", "timestamp": "2026-03-01T10:00:00Z", **body}
    payload = {k: v for k, v in payload.items() if v is not None}
    return client.post(f"{line_item}/scores", headers={**auth, "Content-Type": SCORE}, json=payload)


def test_score_creates_result_and_grades_submission(app: Any, client: Any, auth: dict[str, str], students: dict[int, str]) -> None:
    response = score(client, auth, userId=students[20], scoreGiven=20, scoreMaximum=40, comment="ok")
    assert response.status_code == 200 and response.headers["content-type"] == SCORE
    result_url = response.json()["resultUrl"]
    result = client.get(result_url, headers=auth).json()
    assert result == {"id": result_url, "scoreOf": f"http://testserver{LINE_ITEM}", "userId": students[20],
                      "resultScore": 20.0, "resultMaximum": 40.0, "comment": "ok"}
    world = app.state.world
    submission = world.submissions[world.submission_index[(301, 20)]]
    assert submission.score == 5.0  # 20 × (10 / 40): scaled to the line item's maximum
    assert submission.grader_id == -1 and submission.attempt == 1


def test_numeric_canvas_user_id_accepted(client: Any, auth: dict[str, str]) -> None:
    assert score(client, auth, userId="21", scoreGiven=1, scoreMaximum=10).status_code == 200


def test_timestamps_must_not_go_back(client: Any, auth: dict[str, str], students: dict[int, str]) -> None:
    assert score(client, auth, userId=students[20], scoreGiven=1, scoreMaximum=10, timestamp="2026-03-01T10:00:00.123Z").status_code == 200
    assert score(client, auth, userId=students[20], scoreGiven=2, scoreMaximum=10, timestamp="2026-03-01T10:00:00.123Z").status_code == 200
    lti_error(score(client, auth, userId=students[20], scoreGiven=3, scoreMaximum=10, timestamp="2026-03-01T09:00:00.000Z"),
              400, "Provided timestamp of 2026-03-01T09:00:00.000Z before last updated timestamp of 2026-03-01T10:00:00.123Z")


def test_invalid_timestamp(client: Any, auth: dict[str, str], students: dict[int, str]) -> None:
    lti_error(score(client, auth, userId=students[20], timestamp="yesterday"), 400,
              "Provided timestamp of yesterday not a valid timestamp")


@pytest.mark.parametrize("user", [10, 11, 24, 26, 9999])  # teacher, TA, concluded, other course, unknown
def test_user_must_be_a_student_of_the_course(client: Any, auth: dict[str, str], students: dict[int, str], user: int) -> None:
    lti_error(score(client, auth, userId=students.get(user, str(user))), 422, "User not found in course or is not a student")


def test_missing_user_id_is_422_before_missing_fields(client: Any, auth: dict[str, str]) -> None:
    response = client.post(f"{LINE_ITEM}/scores", headers={**auth, "Content-Type": SCORE}, json={"scoreGiven": 1})
    lti_error(response, 422, "User not found in course or is not a student")


@pytest.mark.parametrize("field", ["activityProgress", "gradingProgress", "timestamp"])
def test_missing_required_field(client: Any, auth: dict[str, str], students: dict[int, str], field: str) -> None:
    api_error(score(client, auth, userId=students[20], **{field: None}), 400, f"{field} is missing")


@pytest.mark.parametrize(("body", "message"), [
    ({"scoreGiven": 5}, "ScoreMaximum not supplied when ScoreGiven present."),
    ({"scoreGiven": 5, "scoreMaximum": -1}, "ScoreMaximum must be greater than or equal to 0"),
    ({"scoreGiven": 5, "scoreMaximum": 0}, "cannot be zero if line item's maximum is not zero"),
    ({"scoreGiven": -5, "scoreMaximum": 10}, "ScoreGiven must be greater than or equal to 0"),
])
def test_score_value_checks(client: Any, auth: dict[str, str], students: dict[int, str], body: dict[str, Any], message: str) -> None:
    lti_error(score(client, auth, userId=students[20], **body), 422, message)


def test_reset_score_skips_value_checks_and_clears(client: Any, auth: dict[str, str], students: dict[int, str]) -> None:
    score(client, auth, userId=students[20], scoreGiven=5, scoreMaximum=10)
    # Pending is a "reset": the score checks are skipped, the raw values are stored (§4.3 step 5).
    response = score(client, auth, userId=students[20], gradingProgress="Pending", scoreGiven=-5, scoreMaximum=10,
                     timestamp="2026-03-02T00:00:00Z")
    assert response.status_code == 200
    assert client.get(response.json()["resultUrl"], headers=auth).json()["resultScore"] == -5.0
    # Without scoreGiven the stored score is cleared (§4.4).
    response = score(client, auth, userId=students[20], gradingProgress="Pending", timestamp="2026-03-03T00:00:00Z")
    result = client.get(response.json()["resultUrl"], headers=auth).json()
    assert result["userId"] == students[20]
    assert "resultScore" not in result and "resultMaximum" not in result


def test_result_maximum_required_with_a_score(client: Any, auth: dict[str, str], students: dict[int, str]) -> None:
    """Model validation (§4.5): a stored score needs a maximum, even on a reset."""
    response = score(client, auth, userId=students[20], gradingProgress="Pending", scoreGiven=3)
    assert response.status_code == 422
    assert response.json()["errors"]["result_maximum"][0]["type"] == "blank"


def test_enum_violation_is_model_error(client: Any, auth: dict[str, str], students: dict[int, str]) -> None:
    response = score(client, auth, userId=students[20], activityProgress="Done")
    assert response.status_code == 422
    assert response.json()["errors"]["activity_progress"][0]["type"] == "inclusion"


def test_submitted_at_checks(client: Any, auth: dict[str, str], students: dict[int, str]) -> None:
    lti_error(score(client, auth, userId=students[20], submission={"submittedAt": "garbage"}), 400,
              "Provided submitted_at timestamp of garbage not a valid timestamp")
    lti_error(score(client, auth, userId=students[20], submittedAt="2999-01-01T00:00:00Z"), 400,
              "Provided submitted_at timestamp of 2999-01-01T00:00:00Z in the future")


def test_online_upload_needs_files(client: Any, auth: dict[str, str], students: dict[int, str]) -> None:
    ext = {"https://canvas.instructure.com/lti/submission": {"submission_type": "online_upload"}}
    lti_error(score(client, auth, userId=students[20], **ext), 422,
              "Content items must be provided with submission type 'online_upload'")


def test_scores_ignore_line_item_owner(client: Any, auth: dict[str, str], students: dict[int, str]) -> None:
    """§17.1: scores and results do not check the line item's client_id."""
    assert score(client, auth, line_item="/api/lti/courses/101/line_items/2", userId=students[20]).status_code == 200
    assert client.get("/api/lti/courses/101/line_items/2/results", headers=auth).status_code == 200


def test_unknown_line_item(client: Any, auth: dict[str, str], students: dict[int, str]) -> None:
    api_error(score(client, auth, line_item="/api/lti/courses/101/line_items/777", userId=students[20]), 404,
              "The specified resource does not exist.")


def test_extension_is_stored_and_returned(client: Any, auth: dict[str, str], students: dict[int, str]) -> None:
    ext = {"new_submission": False, "submission_type": "none"}
    url = score(client, auth, userId=students[21], scoreGiven=1, scoreMaximum=1,
                **{"https://canvas.instructure.com/lti/submission": ext}).json()["resultUrl"]
    assert client.get(url, headers=auth).json()["https://canvas.instructure.com/lti/submission"] == ext


def test_results_list_filter_and_paging(client: Any, auth: dict[str, str], students: dict[int, str]) -> None:
    for user in (20, 21):
        score(client, auth, userId=students[user], scoreGiven=1, scoreMaximum=10)
    everyone = client.get(f"{LINE_ITEM}/results", headers=auth)
    assert everyone.headers["content-type"] == RESULT_CONTAINER
    assert {r["userId"] for r in everyone.json()} == {students[20], students[21], students[22]}
    first = client.get(f"{LINE_ITEM}/results?limit=2", headers=auth)
    assert len(first.json()) == 2 and 'rel="next"' in first.headers["link"]
    only = client.get(f"{LINE_ITEM}/results?user_id={students[21]}", headers=auth).json()
    assert [r["userId"] for r in only] == [students[21]]
    assert client.get(f"{LINE_ITEM}/results?user_id={students[10]}", headers=auth).json() == []  # a teacher
    assert client.get(f"{LINE_ITEM}/results?user_id=nobody", headers=auth).json() == []


def test_result_of_another_line_item_is_404(client: Any, auth: dict[str, str], students: dict[int, str]) -> None:
    url = score(client, auth, userId=students[20]).json()["resultUrl"]
    result_id = url.rsplit("/", 1)[1]
    api_error(client.get(f"/api/lti/courses/101/line_items/2/results/{result_id}", headers=auth), 404,
              "The specified resource does not exist.")


def test_deleted_line_item_hides_results(client: Any, auth: dict[str, str], students: dict[int, str]) -> None:
    item = client.post("/api/lti/courses/101/line_items", headers=auth, json={"label": "Gone", "scoreMaximum": 3}).json()["id"]
    url = score(client, auth, line_item=item.replace("http://testserver", ""), userId=students[20]).json()["resultUrl"]
    assert client.delete(item, headers=auth).status_code == 204
    assert client.get(url, headers=auth).status_code == 404
