"""Canvas's model specs behind AGS, ``spec/models/lti/line_item_spec.rb`` and ``spec/models/lti/result_spec.rb``:
their validations and side effects as a tool meets them through the line item and score endpoints.

Where the scores controller refuses a value before the model sees it, the case asserts the controller's answer
and names it (``follows_code``).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.launches import AGS, id_token
from tests.canvas_specs.services import COURSE, auth, lti_id, post_score
from tests.ltiutil import LINE_ITEM, lti_error

LINE_ITEM_SPEC = "spec/models/lti/line_item_spec.rb"
RESULT_SPEC = "spec/models/lti/result_spec.rb"
SCORES = "app/controllers/lti/ims/scores_controller.rb"
ITEMS = f"/api/lti/courses/{COURSE}/line_items"
LINK = "8a3c6a36-4b0c-4d7e-9c1a-1f2a3b4c5d01"  # assignment 301's resource link; its default line item is 1


@pytest.fixture
def headers(client: Any, config: dict[str, Any]) -> dict[str, str]:
    return auth(client, config)


def create(client: Any, headers: dict[str, str], **body: Any) -> Any:
    return client.post(ITEMS, headers={**headers, "Content-Type": LINE_ITEM}, json=body)


def model_errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.text
    return {attribute: [e["message"] for e in items] for attribute, items in response.json()["errors"].items()}


# -- Lti::LineItem ----------------------------------------------------------------------------------


@canvas_spec(LINE_ITEM_SPEC, 'when validating / requires "score_maximum"')
def test_line_item_requires_score_maximum(client: Any, headers: dict[str, str]) -> None:
    """"Score maximum can't be blank, Score maximum is not a number": both of the model's messages."""
    assert model_errors(create(client, headers, label="Quiz")) == {"score_maximum": ["can't be blank", "is not a number"]}


@canvas_spec(LINE_ITEM_SPEC, 'when validating / requires "score_maximum" (sent as null)')
def test_line_item_null_score_maximum(client: Any, headers: dict[str, str]) -> None:
    errors = model_errors(create(client, headers, label="Quiz", scoreMaximum=None))
    assert errors == {"score_maximum": ["can't be blank", "is not a number"]}


@canvas_spec(LINE_ITEM_SPEC, 'when validating / requires "label"')
def test_line_item_requires_label(client: Any, headers: dict[str, str]) -> None:
    assert model_errors(create(client, headers, scoreMaximum=10)) == {"label": ["can't be blank"]}


@canvas_spec(LINE_ITEM_SPEC, 'when validating / requires "score_maximum"; requires "label" (all failures at once)',
             follows_code="app/models/lti/line_item.rb")
def test_line_item_reports_every_invalid_attribute(client: Any, headers: dict[str, str]) -> None:
    errors = model_errors(create(client, headers))
    assert errors == {"score_maximum": ["can't be blank", "is not a number"], "label": ["can't be blank"]}
    assert len(client.get(ITEMS, headers=headers).json()) == 1  # nothing was created


@canvas_spec(LINE_ITEM_SPEC, "#assignment_line_item? / returns true if the line item was created before all others in the "
                             "assignment")
def test_the_first_line_item_stays_the_assignments(client: Any, headers: dict[str, str]) -> None:
    """A second line item on assignment 301 (through its resource link): launches still name line item 1."""
    assert create(client, headers, label="Extra", scoreMaximum=5, resourceLinkId=LINK).status_code == 201
    assert id_token(client, assignment="301")[AGS]["lineitem"].endswith(f"{ITEMS}/1")


@canvas_spec(LINE_ITEM_SPEC, "when destroying a line item / doesn't destroy the assignment if the line item is not the first "
                             "line item")
def test_deleting_a_later_line_item_keeps_the_assignment(client: Any, headers: dict[str, str]) -> None:
    extra = create(client, headers, label="Extra", scoreMaximum=5, resourceLinkId=LINK).json()["id"]
    assert client.delete(extra, headers=headers).status_code == 204
    assert client.get(f"{ITEMS}/1", headers=headers).status_code == 200
    assert id_token(client, assignment="301")[AGS]["lineitem"].endswith(f"{ITEMS}/1")


@canvas_spec(LINE_ITEM_SPEC, "when destroying a line item / doesn't destroy the assignment if the line item is coupled",
             follows_code="app/controllers/lti/ims/line_items_controller.rb")
def test_coupled_line_item_is_not_deleted(client: Any, headers: dict[str, str]) -> None:
    assert client.delete(f"{ITEMS}/1", headers=headers).status_code == 401
    assert client.get(f"{ITEMS}/1", headers=headers).status_code == 200


@canvas_spec(LINE_ITEM_SPEC, "when destroying a line item / destroys the assignment if it is the first line item and is not "
                             "coupled")
def test_deleting_a_tool_made_line_item_deletes_its_assignment(client: Any, headers: dict[str, str]) -> None:
    made = create(client, headers, label="Tool quiz", scoreMaximum=5).json()["id"]
    assignments = lambda: {a["id"]: a["workflow_state"] for a in client.get("/__mock__/state").json()["assignments"]}  # noqa: E731
    before = assignments()
    assert client.delete(made, headers=headers).status_code == 204
    after = assignments()
    (new_id,) = [i for i in before if before[i] != "deleted" and after.get(i) == "deleted"]
    assert new_id not in (301, 302)


# -- Lti::Result ------------------------------------------------------------------------------------


@canvas_spec(RESULT_SPEC, 'when validating / requires the "activity_progress" be valid')
def test_result_activity_progress(client: Any, config: dict[str, Any], headers: dict[str, str]) -> None:
    response = post_score(client, headers, userId=lti_id(config, 20), activityProgress="Banana")
    assert model_errors(response) == {"activity_progress": ["is not included in the list"]}


@canvas_spec(RESULT_SPEC, 'when validating / requires the "grading_progress" be valid')
def test_result_grading_progress(client: Any, config: dict[str, Any], headers: dict[str, str]) -> None:
    response = post_score(client, headers, userId=lti_id(config, 20), gradingProgress="Banana")
    assert model_errors(response) == {"grading_progress": ["is not included in the list"]}


@canvas_spec(RESULT_SPEC, "when validating / #result_maximum / with result_maximum absent and result_score present / raises "
                          "an error", follows_code=SCORES)
def test_result_score_without_maximum(client: Any, config: dict[str, Any], headers: dict[str, str]) -> None:
    response = post_score(client, headers, userId=lti_id(config, 20), scoreGiven=5)
    lti_error(response, 422, "ScoreMaximum not supplied when ScoreGiven present.")


@canvas_spec(RESULT_SPEC, "when validating / #result_maximum / with result_maximum present and result_score present / does "
                          "not raise an error")
def test_result_with_score_and_maximum(client: Any, config: dict[str, Any], headers: dict[str, str]) -> None:
    response = post_score(client, headers, userId=lti_id(config, 20), scoreGiven=10, scoreMaximum=10)
    assert response.status_code == 200
    result = client.get(response.json()["resultUrl"], headers=auth(client, config)).json()
    assert (result["resultScore"], result["resultMaximum"]) == (10, 10)


@canvas_spec(RESULT_SPEC, "when validating / #result_maximum / with result_maximum present and result_score absent / does "
                          "not raise an error")
def test_result_with_maximum_only(client: Any, config: dict[str, Any], headers: dict[str, str]) -> None:
    assert post_score(client, headers, userId=lti_id(config, 20), scoreMaximum=10).status_code == 200


@canvas_spec(RESULT_SPEC, "when validating / #result_maximum / with result_maximum less than 0 / raises an error",
             follows_code=SCORES)
def test_result_negative_maximum(client: Any, config: dict[str, Any], headers: dict[str, str]) -> None:
    response = post_score(client, headers, userId=lti_id(config, 20), scoreGiven=5, scoreMaximum=-1)
    lti_error(response, 422, "ScoreMaximum must be greater than or equal to 0")


@canvas_spec(RESULT_SPEC, "when validating / #result_score / with result_score less than 0 / raises an error",
             follows_code=SCORES)
def test_result_negative_score(client: Any, config: dict[str, Any], headers: dict[str, str]) -> None:
    response = post_score(client, headers, userId=lti_id(config, 20), scoreGiven=-1, scoreMaximum=10)
    lti_error(response, 422, "ScoreGiven must be greater than or equal to 0")
