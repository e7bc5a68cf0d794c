"""Canvas's ``spec/lib/lti/ims/advantage_access_token_spec.rb`` and ``advantage_access_token_request_helper_spec.rb``:
how an LTI Advantage access token is read and checked on a service request, seen from the tool's side over HTTP.

Tokens with chosen claims are signed with the mock's own secret (``services.minted``), as Canvas's specs sign
them with Canvas's.
"""

from __future__ import annotations

from typing import Any

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.services import minted
from tests.ltiutil import AGS_LINEITEM, bearer, lti_error

TOKEN_SPEC = "spec/lib/lti/ims/advantage_access_token_spec.rb"
HELPER_SPEC = "spec/lib/lti/ims/advantage_access_token_request_helper_spec.rb"
LINE_ITEMS = "/api/lti/courses/101/line_items"


@canvas_spec(TOKEN_SPEC, "#validate! / returns 'self' when the token is valid")
def test_valid_token_is_accepted(client: Any) -> None:
    assert client.get(LINE_ITEMS, headers=minted(client, scopes=AGS_LINEITEM)).status_code == 200


@canvas_spec(TOKEN_SPEC, "#validate! / tries all aud values passed in")
def test_either_accepted_audience(client: Any) -> None:
    """The request host's token URL and Canvas's default grant host are both accepted."""
    for aud in ("http://testserver/login/oauth2/token", "http://canvas.instructure.com/login/oauth2/token"):
        assert client.get(LINE_ITEMS, headers=minted(client, aud=aud, scopes=AGS_LINEITEM)).status_code == 200


@canvas_spec(TOKEN_SPEC, "#validate! / raises a specific type of AdvantageClientError if the aud is invalid")
def test_invalid_audience(client: Any) -> None:
    response = client.get(LINE_ITEMS, headers=minted(client, aud="http://example.com/", scopes=AGS_LINEITEM))
    lti_error(response, 401, "Invalid access token field/s: the 'aud' is invalid")


@canvas_spec(TOKEN_SPEC, "#validate! / raises a specific type of AdvantageClientError when the token is malformed")
def test_malformed_token(client: Any) -> None:
    lti_error(client.get(LINE_ITEMS, headers=bearer("garbage")), 401, "Invalid access token format")


@canvas_spec(HELPER_SPEC, "when the request has a token / when the request has a good token / uses the oauth url for "
                          "request.host_with_port, and the default grant host, as possible audience values")
def test_audience_follows_the_request_host(client: Any) -> None:
    token = minted(client, aud="http://school.example.edu/login/oauth2/token", scopes=AGS_LINEITEM)
    assert client.get(LINE_ITEMS, headers={**token, "Host": "school.example.edu"}).status_code == 200
    lti_error(client.get(LINE_ITEMS, headers=token), 401, "Invalid access token field/s: the 'aud' is invalid")


@canvas_spec(HELPER_SPEC, "when the request has a token / when the request has a good token / uses the oauth url for "
                          "request.host_with_port (an aud array naming it)", follows_code="lib/canvas/security/jwt_validator.rb")
def test_audience_array_with_the_token_url(client: Any) -> None:
    token = minted(client, aud=["http://example.com/", "http://testserver/login/oauth2/token"], scopes=AGS_LINEITEM)
    assert client.get(LINE_ITEMS, headers=token).status_code == 200


@canvas_spec(HELPER_SPEC, ".lti_advantage_route? / returns true if the route's controller includes the LtiServices concern")
def test_lti_routes_take_the_lti_token(client: Any) -> None:
    token = minted(client, scopes="https://canvas.instructure.com/lti/account_lookup/scope/show")
    assert client.get("/api/lti/accounts/1", headers=token).status_code == 200


@canvas_spec(HELPER_SPEC, ".lti_advantage_route? / returns false if given a route for a controller that doesn't include "
                          "LtiServices")
def test_rest_routes_refuse_the_lti_token(client: Any) -> None:
    """On the REST API an LTI access token is not a Canvas API token: 401 ``Invalid access token.``"""
    response = client.get("/api/v1/courses/101/external_tools", headers=minted(client, scopes=AGS_LINEITEM))
    assert response.status_code == 401
    assert response.json() == {"errors": [{"message": "Invalid access token."}]}


@canvas_spec(HELPER_SPEC, ".lti_advantage_route? / returns false if given a route for a controller that doesn't include "
                          "LtiServices (api/lti/security/jwks needs no token)")
def test_jwks_needs_no_token(client: Any) -> None:
    assert client.get("/api/lti/security/jwks", headers=bearer("garbage")).status_code == 200


@canvas_spec("spec/controllers/lti/ims/concerns/advantage_services_spec.rb",
             "tool / finds only tools for the developer key and context")
def test_service_tool_is_the_keys_tool_in_the_context(client: Any) -> None:
    """The Roster Only Tool's key has its tool in course 101 only: its token reads 101's roster, not 102's."""
    token = minted(client, sub="10000000000003",
                   scopes="https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly")
    assert client.get("/api/lti/courses/101/names_and_roles", headers=token).status_code == 200
    lti_error(client.get("/api/lti/courses/102/names_and_roles", headers=token), 401,
              "Access Token not linked to a Tool associated with this Context")
