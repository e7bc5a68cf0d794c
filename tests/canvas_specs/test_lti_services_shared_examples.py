"""Canvas's ``spec/controllers/lti/ims/concerns/lti_services_shared_examples.rb``: the access-token checks
every LTI Advantage controller spec includes (``it_behaves_like "lti services"``), run against each
service the mock serves. Tokens with wrong claims are signed with the mock's own secret, as Canvas's
specs sign theirs with Canvas's.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.services import COURSE, GRADING_KEY, PROGRESS_SCOPE, edit_state, minted, record
from tests.ltiutil import AGS_LINEITEM, AGS_RESULT, AGS_SCORE, LINE_ITEM_CONTAINER, MEMBERSHIPS, NRPS, RESULT_CONTAINER, SCORE

SPEC = "spec/controllers/lti/ims/concerns/lti_services_shared_examples.rb"
ALL_SCOPES = " ".join([AGS_LINEITEM, AGS_RESULT, AGS_SCORE, NRPS, PROGRESS_SCOPE])
#: (method, path, JSON body, the scope the action needs, its media type): one action per controller.
SERVICES = [
    ("GET", f"/api/lti/courses/{COURSE}/line_items", None, AGS_LINEITEM, LINE_ITEM_CONTAINER),
    ("POST", f"/api/lti/courses/{COURSE}/line_items/1/scores",
     {"userId": "20", "activityProgress": "Completed", "gradingProgress": "FullyGraded",
      "timestamp": "2026-03-01T10:00:00Z"}, AGS_SCORE, SCORE),
    ("GET", f"/api/lti/courses/{COURSE}/line_items/1/results", None, AGS_RESULT, RESULT_CONTAINER),
    ("GET", f"/api/lti/courses/{COURSE}/names_and_roles", None, NRPS, MEMBERSHIPS),
    ("GET", f"/api/lti/courses/{COURSE}/progress/1", None, PROGRESS_SCOPE, "application/json"),
]
IDS = ["line_items", "scores", "results", "names_and_roles", "progress"]


def send(client: Any, service: tuple[Any, ...], headers: dict[str, str]) -> Any:
    method, path, body, _, _ = service
    return client.request(method, path, json=body, headers=headers)


def rejected(response: Any, service: tuple[Any, ...], message: str) -> None:
    """Canvas's 401 error body, and ``it_behaves_like 'mime_type check'``: not the service's IMS type."""
    assert response.status_code == 401, response.text
    assert response.json() == {"errors": {"type": "unauthorized", "message": message}}
    assert service[4] == "application/json" or service[4] not in response.headers["content-type"]


parametrized = pytest.mark.parametrize("service", SERVICES, ids=IDS)


@parametrized
@canvas_spec(SPEC, "common lti advantage request and response check / returns correct mime_type; returns 200 success")
def test_valid_token_is_served_in_the_ims_type(client: Any, service: tuple[Any, ...]) -> None:
    response = send(client, service, minted(client, scopes=ALL_SCOPES))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(service[4])


@parametrized
@canvas_spec(SPEC, "common lti advantage request and response check / with \"canvas.instructure.com\" aud / returns 200 success")
def test_universal_grant_host_audience(client: Any, service: tuple[Any, ...]) -> None:
    headers = minted(client, scopes=ALL_SCOPES, aud="http://canvas.instructure.com/login/oauth2/token")
    assert send(client, service, headers).status_code == 200


@parametrized
@canvas_spec(SPEC, "with no access token / returns 401 unauthorized and complains about missing access token")
def test_no_token(client: Any, service: tuple[Any, ...]) -> None:
    rejected(send(client, service, {}), service, "Missing access token")


@parametrized
@canvas_spec(SPEC, "with malformed access token / returns 401 unauthorized and complains about missing access token")
def test_gibberish_token(client: Any, service: tuple[Any, ...]) -> None:
    rejected(send(client, service, {"Authorization": "Bearer gibberish"}), service, "Invalid access token format")


@parametrized
@canvas_spec(SPEC, "with no access token scope grant / returns 401 unauthorized and complains about missing scope")
def test_token_without_the_scope(client: Any, service: tuple[Any, ...]) -> None:
    # the line item index also takes lineitem.readonly: both go, as in Canvas's spec (scope_to_remove)
    others = " ".join(s for s in ALL_SCOPES.split() if not s.startswith(service[3]))
    rejected(send(client, service, minted(client, scopes=others)), service, "Insufficient permissions")


@parametrized
@canvas_spec(SPEC, "with invalid access token signature / returns 401 unauthorized and complains about an incorrect signature")
def test_token_signed_with_another_key(client: Any, service: tuple[Any, ...]) -> None:
    now = int(time.time())
    token = jwt.encode({"iss": "https://canvas.instructure.com", "sub": GRADING_KEY, "aud": "http://testserver/login/oauth2/token",
                        "iat": now, "exp": now + 3600, "jti": "j", "scopes": ALL_SCOPES}, "x" * 64, algorithm="HS256")
    rejected(send(client, service, {"Authorization": f"Bearer {token}"}), service,
             "Access token invalid - signature likely incorrect")


@parametrized
@canvas_spec(SPEC, "with missing access token claims / returns 401 unauthorized and complains about missing assertions")
def test_token_without_claims(client: Any, service: tuple[Any, ...]) -> None:
    headers = minted(client, scopes=ALL_SCOPES, sub=None, aud=None, exp=None, iat=None, jti=None, iss=None)
    rejected(send(client, service, headers), service,
             "Invalid access token field/s: the following assertions are missing: sub,aud,exp,iat,jti,iss")


@parametrized
@canvas_spec(SPEC, "with invalid access token audience ('aud') / returns 401 unauthorized and complains about an invalid aud field")
def test_token_for_another_audience(client: Any, service: tuple[Any, ...]) -> None:
    rejected(send(client, service, minted(client, scopes=ALL_SCOPES, aud="https://wont/match/anything")), service,
             "Invalid access token field/s: the 'aud' is invalid")


@parametrized
@canvas_spec(SPEC, "with expired access token / returns 401 unauthorized and complains about an expired access token")
def test_expired_token(client: Any, service: tuple[Any, ...]) -> None:
    rejected(send(client, service, minted(client, scopes=ALL_SCOPES, exp=int(time.time()) - 3600)), service,
             "Access token expired")


@parametrized
@canvas_spec(SPEC, "with access token issuance timestamp in the future ('iat') / returns 401 unauthorized and complains "
                   "about an invalid iat field")
def test_token_issued_in_the_future(client: Any, service: tuple[Any, ...]) -> None:
    rejected(send(client, service, minted(client, scopes=ALL_SCOPES, iat=int(time.time()) + 3600)), service,
             "Invalid access token field/s: the 'iat' must not be in the future")


@parametrized
@canvas_spec(SPEC, "whith access token issuance timestamp more than an hour old / returns 401 unauthorized and complains "
                   "about an invalid iat field")
def test_token_issued_two_hours_ago(client: Any, service: tuple[Any, ...]) -> None:
    rejected(send(client, service, minted(client, scopes=ALL_SCOPES, iat=int(time.time()) - 7200)), service,
             "Invalid access token field/s: the 'iat' must be less than 3600 seconds old")


@pytest.mark.parametrize("state", ["inactive", "deleted"])
@parametrized
@canvas_spec(SPEC, "with inactive developer key, with deleted developer key / returns 401 unauthorized and complains "
                   "about missing developer key")
def test_inactive_or_deleted_developer_key(client: Any, service: tuple[Any, ...], state: str) -> None:
    edit_state(client, lambda dump: record(dump, "developer_keys", id=GRADING_KEY).update(workflow_state=state))
    rejected(send(client, service, minted(client, scopes=ALL_SCOPES)), service, "Unknown or inactive Developer Key")
