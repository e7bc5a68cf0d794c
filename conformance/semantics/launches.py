"""Launches (§10, §11): the id_token says what the launch was, ``authorize_redirect`` forwards the
request, and a deep linking response's items become resource links.

A launch can only be started from a browser session on a real Canvas, so these checks are
mock-only: the mock's control API starts a launch of the suite's tool in the sandbox course for
one of its students, the suite answers the login with an authentication request of its own
(its ``nonce``), and the id_token checks judge the token Canvas posts back, one rule each, against
the login (§10.1), the request (§10.2) and what the REST and LTI APIs say about the tool and
course. Their launches are made once per run and shared (see :meth:`Probe.launch`).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..recipes import DEEP_LINKING_REQUEST, RESOURCE_LINK_REQUEST, TOOL_URL, Launch, Recipes, RecipeUnavailable
from ..scopes import LEARNER, NRPS
from . import not_checked, semantic_check
from .probe import Probe, Skip
from .rest import collect

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
#: ``TokenScopes::LTI_AGS_SCOPES``: a key holding any of them gets the AGS claim, with those it holds (§13).
AGS_SCOPES = frozenset({
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem", "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly", "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://canvas.instructure.com/lti-ags/progress/scope/show"})
#: The two forms of ``authorize`` the id_token checks judge (a launch through each).
AUTHORIZE = ("authorizeLaunch", "authorizeLaunchPost")
#: ``exp = iat + 3600`` (§10.3).
LIFETIME = 3600


def _launches(probe: Probe) -> list[Launch]:
    """A resource link launch authorized by GET, a deep linking one by POST (both forms of ``authorize``)."""
    return [probe.launch(RESOURCE_LINK_REQUEST), probe.launch(DEEP_LINKING_REQUEST, "POST")]


def _wrong(probe: Probe, launch: Launch, problem: str) -> None:
    operation = "authorizeLaunch" if launch.method == "GET" else "authorizeLaunchPost"
    probe.fail(operation, f"the {launch.message_type} id_token (authorize by {launch.method}): {problem}")


def _course_url(probe: Probe, tail: str) -> str:
    return f"{probe.target.base_url}/api/lti/courses/{probe.course}/{tail}"


def _same_place(url: Any, expected: str) -> bool:
    """Same host and path (Canvas builds service URLs from the request's host)."""
    got, want = urlsplit(str(url or "")), urlsplit(expected)
    return (got.netloc, got.path.rstrip("/")) == (want.netloc, want.path.rstrip("/"))


@semantic_check("§10.3, §10.1", *AUTHORIZE, mock_only=True)
def id_token_issuer_is_platform(probe: Probe) -> None:
    """``iss`` is the platform's issuer: the one its login initiation named (and the mock's configured one)."""
    state = probe.mock_state() or {}
    for launch in _launches(probe):
        expected = {launch.login.get("iss"), state.get("issuer", launch.login.get("iss"))}
        if len(expected) != 1 or launch.claims.get("iss") not in expected:
            _wrong(probe, launch, f"iss {launch.claims.get('iss')!r}, but the platform's issuer is "
                                  f"{sorted(map(str, expected))} (login initiation, configuration)")


@semantic_check("§10.3", *AUTHORIZE, mock_only=True)
def id_token_audience_is_client(probe: Probe) -> None:
    """``aud`` is the tool's client id (or a list holding it, then with ``azp`` naming it); ``azp``, when
    present, is the client id."""
    client = probe.target.creds.client_id
    for launch in _launches(probe):
        aud, azp = launch.claims.get("aud"), launch.claims.get("azp")
        audiences = aud if isinstance(aud, list) else [aud]
        if client not in audiences:
            _wrong(probe, launch, f"aud {aud!r} does not name the client id {client!r}")
        if (isinstance(aud, list) and len(aud) > 1 and azp is None) or (azp is not None and azp != client):
            _wrong(probe, launch, f"azp {azp!r} with aud {aud!r}: azp must name the client id {client!r}")


@semantic_check("§10.2, §10.3", *AUTHORIZE, mock_only=True)
def id_token_nonce_is_request_nonce(probe: Probe) -> None:
    """``nonce`` is the one the tool's authentication request sent (the tool's replay protection)."""
    for launch in _launches(probe):
        if launch.claims.get("nonce") != launch.request["nonce"]:
            _wrong(probe, launch, f"nonce {launch.claims.get('nonce')!r}, the authentication request sent "
                                  f"{launch.request['nonce']!r}")


@semantic_check("§10.3, §10.1, §16.1", *AUTHORIZE, mock_only=True)
def id_token_deployment_is_tool_s(probe: Probe) -> None:
    """``deployment_id`` is the launched tool's deployment: the login initiation's, and the one the
    External Tools API shows for the tool of the suite's key in the course."""
    client = probe.target.creds.client_id
    tools = [t for t in collect(probe, f"/api/v1/courses/{probe.course}/external_tools", include_parents="true")
             if str(t.get("developer_key_id")) == client and t.get("deployment_id")]
    deployments = {str(t["deployment_id"]) for t in tools[:1]}  # the nearest install is the one launched
    for launch in _launches(probe):
        claim = launch.claims.get(LTI + "deployment_id")
        if claim != launch.login.get("deployment_id") or (deployments and claim not in deployments):
            _wrong(probe, launch, f"deployment_id {claim!r}; the login initiation said "
                                  f"{launch.login.get('deployment_id')!r}, the tool's is {sorted(deployments)}")


@semantic_check("§10.3", *AUTHORIZE, mock_only=True)
def id_token_message_claims_match_launch(probe: Probe) -> None:
    """``message_type`` is the message launched, ``version`` 1.3.0, ``target_link_uri`` the login's; a
    resource link launch names its ``resource_link.id``, a deep linking one its return URL."""
    for launch in _launches(probe):
        claims = launch.claims
        if claims.get(LTI + "message_type") != launch.message_type or claims.get(LTI + "version") != "1.3.0":
            _wrong(probe, launch, f"message_type {claims.get(LTI + 'message_type')!r}, version "
                                  f"{claims.get(LTI + 'version')!r}: expected {launch.message_type!r}, '1.3.0'")
        if claims.get(LTI + "target_link_uri") != launch.login.get("target_link_uri"):
            _wrong(probe, launch, f"target_link_uri {claims.get(LTI + 'target_link_uri')!r}, the login initiation "
                                  f"said {launch.login.get('target_link_uri')!r}")
        if launch.message_type == RESOURCE_LINK_REQUEST:
            link = claims.get(LTI + "resource_link")
            if not isinstance(link, dict) or not isinstance(link.get("id"), str) or not link["id"]:
                _wrong(probe, launch, f"resource_link {link!r} has no id")
        elif not str((claims.get(DL_SETTINGS) or {}).get("deep_link_return_url") or ""):
            _wrong(probe, launch, "deep_linking_settings has no deep_link_return_url")


@semantic_check("§10.3, §7.3", *AUTHORIZE, mock_only=True)
def id_token_roles_are_lis_uris(probe: Probe) -> None:
    """``roles`` are LIS role URIs, and a student's launch holds the membership role Learner."""
    for launch in _launches(probe):
        roles = launch.claims.get(LTI + "roles")
        if not isinstance(roles, list) or not roles:
            _wrong(probe, launch, f"roles {roles!r}: a non-empty list of LIS URIs expected")
            continue
        strays = [r for r in roles if not str(r).startswith(LIS)]
        if strays or LEARNER not in roles:
            _wrong(probe, launch, f"roles {roles}: each must be a LIS URI ({strays} are not) and a student's launch "
                                  f"holds {LEARNER}")


@semantic_check("§10.3", *AUTHORIZE, mock_only=True)
def id_token_lifetime(probe: Probe) -> None:
    """The id_token expires an hour after it was issued (``exp = iat + 3600``)."""
    for launch in _launches(probe):
        iat, exp = launch.claims.get("iat"), launch.claims.get("exp")
        if not isinstance(iat, int) or not isinstance(exp, int) or exp - iat != LIFETIME:
            _wrong(probe, launch, f"iat {iat!r}, exp {exp!r}: it must expire {LIFETIME} s after it is issued")


def _held(probe: Probe) -> set[str]:
    scopes = set(probe.target.creds.scopes)
    if not scopes:
        raise Skip("the suite's key's scopes are unknown")
    return scopes


def _service_claims(probe: Probe, name: str, what: str, held: set[str]) -> list[tuple[Launch, dict[str, Any]]]:
    """Each launch's service claim ``name``, which it carries exactly when the key holds one of its
    scopes (``held``); a finding for a claim missing or out of place."""
    found = []
    for launch in _launches(probe):
        claim = launch.claims.get(name)
        if not held and claim is not None:
            _wrong(probe, launch, f"a {what} claim for a key that holds none of its scopes: {claim!r}")
        elif held and not isinstance(claim, dict):
            _wrong(probe, launch, f"no {what} claim, but the key holds {sorted(held)}")
        elif held:
            found.append((launch, claim))
    return found


@semantic_check("§10.3, §13", *AUTHORIZE, mock_only=True)
def id_token_ags_claim_matches_launch(probe: Probe) -> None:
    """The AGS endpoint claim names the launch's course's line items, with exactly the AGS scopes the key holds."""
    held = _held(probe) & AGS_SCOPES
    for launch, claim in _service_claims(probe, AGS_CLAIM, "AGS", held):
        if not _same_place(claim.get("lineitems"), _course_url(probe, "line_items")):
            _wrong(probe, launch, f"lineitems {claim.get('lineitems')!r} is not course {probe.course}'s "
                                  f"({_course_url(probe, 'line_items')})")
        if set(claim.get("scope") or []) != held:
            _wrong(probe, launch, f"AGS scope {claim.get('scope')!r}, the key holds {sorted(held)}")


@semantic_check("§10.3, §13", *AUTHORIZE, mock_only=True)
def id_token_nrps_claim_matches_launch(probe: Probe) -> None:
    """The names and roles claim names the launch's course's memberships (version 2.0) when the key holds NRPS."""
    for launch, claim in _service_claims(probe, NRPS_CLAIM, "names and roles", _held(probe) & {NRPS}):
        if not _same_place(claim.get("context_memberships_url"), _course_url(probe, "names_and_roles")):
            _wrong(probe, launch, f"context_memberships_url {claim.get('context_memberships_url')!r} is not course "
                                  f"{probe.course}'s ({_course_url(probe, 'names_and_roles')})")
        if "2.0" not in (claim.get("service_versions") or []):
            _wrong(probe, launch, f"service_versions {claim.get('service_versions')!r} lacks 2.0")


@semantic_check("§10.2", "authorizeRedirect", "authorizeRedirectPost", mock_only=True)
def authorize_redirect_forwards_the_request(probe: Probe) -> None:
    """``authorize_redirect`` (GET and POST) answers 302 to ``/api/lti/authorize`` on the host the launch's
    hint names (the host asked here) with every parameter of the request forwarded unchanged."""
    try:
        sent = Recipes(probe.ctx).auth_request()
    except RecipeUnavailable as exc:
        raise Skip(str(exc)) from None
    host = urlsplit(probe.target.base_url).netloc
    for operation, response in (
            ("authorizeRedirect", probe.call("GET", "/api/lti/authorize_redirect", params=sent, redirects=False)),
            ("authorizeRedirectPost", probe.call("POST", "/api/lti/authorize_redirect", form=sent, redirects=False))):
        if not probe.expect_status(operation, response, (302,), "a valid authentication request"):
            continue
        location = urlsplit(response.headers.get("location", ""))
        forwarded = dict(parse_qsl(location.query, keep_blank_values=True))
        if (location.netloc, location.path) != (host, "/api/lti/authorize") or forwarded != sent:
            probe.fail(operation, f"redirected to {location.netloc}{location.path} with {sorted(forwarded)}; expected "
                                  f"{host}/api/lti/authorize with the request's {sorted(sent)}, values unchanged")


@semantic_check("§11", "deepLinkingResponse", writes=True, mock_only=True)
def deep_linking_items_become_links(probe: Probe) -> None:
    """An ``ltiResourceLink`` content item the tool sends back becomes a resource link of the course,
    with the item's title and url."""
    title = f"canvas-lti conform deep link {uuid.uuid4().hex[:8]}"
    try:
        (answer,) = Recipes(probe.ctx).deep_linking_response(title)
    except RecipeUnavailable as exc:
        raise Skip(str(exc)) from None
    course = answer.path_parameters["course_id"]
    links = f"/api/v1/courses/{course}/lti_resource_links"
    response = probe.call("POST", f"/courses/{course}/deep_linking_response", params=answer.query, form=answer.body)
    if not probe.expect_status("deepLinkingResponse", response, (200,), "a valid response signed by the tool"):
        return
    made = [link for link in collect(probe, links) if link.get("title") == title]
    for link in made:
        probe.undo(f"delete resource link {link.get('id')}", lambda link=link: probe.api("DELETE", f"{links}/{link.get('id')}"))
    if len(made) != 1 or made[0].get("url") != TOOL_URL:
        probe.fail("deepLinkingResponse", f"one ltiResourceLink item titled {title!r} ({TOOL_URL}) was returned; the "
                                          f"course's links with that title: {str(made)[:300]}")


not_checked("authorizeLaunch", "the id_token against a real Canvas",
            "a launch starts only from a browser session there; the claim checks need the mock's control API")
not_checked("authorizeLaunch", "privacy-gated claims (name, email, picture), `custom` and `context`",
            "the launch tests of the mock hold them (tests/launch); rosters judge privacy (roster_fields_match_privacy)")
