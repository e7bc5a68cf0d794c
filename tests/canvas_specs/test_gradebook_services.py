"""Canvas's ``spec/controllers/lti/ims/concerns/gradebook_services_spec.rb`` (the ``GradebookServices`` concern's
before actions: the user and the line item must belong to the course), through the scores endpoint, the action
that includes them and names a user.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.services import COURSE, auth, lti_id, post_score
from tests.ltiutil import lti_error

SPEC = "spec/controllers/lti/ims/concerns/gradebook_services_spec.rb"
NOT_A_STUDENT = "User not found in course or is not a student"


@pytest.fixture
def headers(client: Any, config: dict[str, Any]) -> dict[str, str]:
    return auth(client, config)


@canvas_spec(SPEC, "#before_actions / with user and line item in context / processes the request")
def test_active_student_in_the_course(client: Any, config: dict[str, Any], headers: dict[str, str]) -> None:
    assert post_score(client, headers, userId=lti_id(config, 21), scoreGiven=3, scoreMaximum=10).status_code == 200


@canvas_spec(SPEC, "#before_actions / with user and line item in context / processes the request (Canvas user id)")
def test_active_student_by_canvas_id(client: Any, headers: dict[str, str]) -> None:
    assert post_score(client, headers, userId="21", scoreGiven=3, scoreMaximum=10).status_code == 200


@canvas_spec(SPEC, "#before_actions / with user not active in context / fails to process the request")
def test_invited_student(client: Any, config: dict[str, Any], headers: dict[str, str]) -> None:
    response = post_score(client, headers, userId=lti_id(config, 23), scoreGiven=3, scoreMaximum=10)
    lti_error(response, 422, NOT_A_STUDENT)


@canvas_spec(SPEC, "#before_actions / with user not in context / fails to process the request")
def test_user_of_another_course(client: Any, config: dict[str, Any], headers: dict[str, str]) -> None:
    response = post_score(client, headers, userId=lti_id(config, 26), scoreGiven=3, scoreMaximum=10)
    lti_error(response, 422, NOT_A_STUDENT)


@canvas_spec(SPEC, "#before_actions / with uuid that first digit matches user_id / fails to find user")
def test_id_with_trailing_letters(client: Any, headers: dict[str, str]) -> None:
    response = post_score(client, headers, userId="21apzx", scoreGiven=3, scoreMaximum=10)
    lti_error(response, 422, NOT_A_STUDENT)


@canvas_spec(SPEC, "#before_actions / with user not active in context / fails to process the request (a teacher is not "
                   "a student)", follows_code="app/controllers/lti/ims/concerns/gradebook_services.rb")
def test_teacher_is_not_a_student(client: Any, config: dict[str, Any], headers: dict[str, str]) -> None:
    response = post_score(client, headers, userId=lti_id(config, 10), scoreGiven=3, scoreMaximum=10)
    lti_error(response, 422, NOT_A_STUDENT)


@canvas_spec(SPEC, "#before_actions / when line item does not exist / fails to process the request")
def test_unknown_line_item(client: Any, config: dict[str, Any], headers: dict[str, str]) -> None:
    response = post_score(client, headers, line_item=f"/api/lti/courses/{COURSE}/line_items/99999",
                          userId=lti_id(config, 21), scoreGiven=3, scoreMaximum=10)
    assert response.status_code == 404
