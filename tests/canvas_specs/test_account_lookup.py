"""Canvas's ``spec/controllers/lti/account_lookup_controller_spec.rb``: ``GET /api/lti/accounts/:account_id``.

The fixture's Mock Grading Tool (its key holds the ``account_lookup/scope/show`` scope) plays the spec's
tool; root account 1 and its sub-account 2 the accounts.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs import lti_services as shared
from tests.canvas_specs.citation import canvas_spec
from tests.ltiutil import bearer

SPEC = "spec/controllers/lti/account_lookup_controller_spec.rb"
SCOPE = "https://canvas.instructure.com/lti/account_lookup/scope/show"
MEDIA = "application/vnd.canvas.accountlookup+json"
ENDPOINT = shared.Endpoint("GET", "/api/lti/accounts/1", SCOPE, MEDIA)


def lookup(mock: Any, account_id: Any) -> Any:
    return mock.get(f"/api/lti/accounts/{account_id}", headers=bearer(shared.token_for(mock, [SCOPE])))


@canvas_spec(SPEC, f"#show / {shared.SHARED} / returns correct mime_type; returns 200 success")
def test_lti_services_success(mock: Any) -> None:
    shared.check_success(mock, ENDPOINT)


@canvas_spec(SPEC, f"#show / {shared.SHARED} / with <token failure> / returns 401 unauthorized")
@pytest.mark.parametrize("case", shared.TOKEN_CASES)
def test_lti_services_token_failures(mock: Any, app: Any, case: str) -> None:
    shared.check_token_errors(mock, app, ENDPOINT, case)


@canvas_spec(SPEC, f"#show / {shared.SHARED} / with \"canvas.instructure.com\" aud / returns 200 success")
def test_lti_services_universal_audience(mock: Any, app: Any) -> None:
    shared.check_universal_audience(mock, app, ENDPOINT)


@canvas_spec(SPEC, f"#show / {shared.SHARED} / with deleted developer key / returns 401 unauthorized and complains about missing developer key")
def test_lti_services_deleted_developer_key(mock: Any) -> None:
    shared.check_deleted_developer_key(mock, ENDPOINT)


@canvas_spec(SPEC, "#show / when given just an account it / returns id, uuid, and other fields on account")
def test_root_account_fields(mock: Any) -> None:
    response = lookup(mock, 1)
    body = response.json()
    assert response.status_code == 200 and MEDIA in response.headers["content-type"]
    assert (body["id"], body["name"], body["workflow_state"], body["parent_account_id"], body["root_account_id"]) == (
        1, "Mock University", "active", None, None)
    assert isinstance(body["uuid"], str) and body["uuid"]


@canvas_spec(SPEC, "#show / when an invalid account ID is given / returns a 404")
def test_unknown_account(mock: Any) -> None:
    response = lookup(mock, 991_234)
    assert response.status_code == 404 and response.json() == {"errors": [{"message": "The specified resource does not exist."}]}


@canvas_spec(SPEC, "#show / when an ID on an invalid shard given / returns a 404")
def test_account_on_an_unknown_shard(mock: Any) -> None:
    assert lookup(mock, 1_987_650_000_000_000_000 + 1).status_code == 404


@canvas_spec(SPEC, "#show / when given a global ID / returns id, uuid, and other fields on account")
def test_global_account_id(mock: Any) -> None:
    """The fixture world is shard 1 (its developer key ids are global ids): account 1 is ``10000000000001``."""
    response = lookup(mock, 10_000_000_000_001)
    assert response.status_code == 200
    assert response.json()["id"] == 1 and response.json() == lookup(mock, 1).json()
