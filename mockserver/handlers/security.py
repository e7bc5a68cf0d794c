"""Token endpoint (§8), platform JWKS and OpenID configuration (§9)."""

from __future__ import annotations

import functools
from typing import Any

from starlette.responses import Response

from ..auth.tokens import issue_access_token, verify_client_assertion
from ..canvas.errors import json_response, simple_error
from ..canvas.scopes import LTI_SCOPES
from ..context import RequestContext
from ..launch import dynamic_registration, tool_keys

JWKS_MAX_AGE = 864000  # Canvas: the key storage's max cache age (10 days)
JWKS_HEADERS = {"Cache-Control": f"max-age={JWKS_MAX_AGE}"}


PLACEMENTS = [
    "account_navigation", "assignment_selection", "course_assignments_menu", "course_navigation",
    "editor_button", "homework_submission", "link_selection", "migration_selection",
    "module_menu_modal", "resource_selection", "submission_type_selection", "user_navigation",
]

VARIABLES = [
    "Canvas.api.domain", "Canvas.course.id", "Canvas.user.id", "Canvas.user.loginId",
    "Context.id", "Context.title", "Person.name.full", "Person.name.given", "Person.name.family",
    "Person.email.primary", "Person.sourcedId", "User.id", "com.instructure.User.allRoles",
]


def token_url(ctx: RequestContext) -> str:
    return f"{ctx.base_url}/login/oauth2/token"


async def create_access_token(ctx: RequestContext, body: dict[str, Any] | None = None, **_: Any) -> Response:
    form = {k: (v[0] if isinstance(v, list) and v else v) for k, v in (body or {}).items()}
    url = token_url(ctx)
    jwks_for = functools.partial(tool_keys.jwks_for, origins=ctx.own_origins)
    grant = verify_client_assertion(ctx.world, form, url, ctx.now(), jwks_for=jwks_for)
    account = ctx.world.accounts.get(grant.key.account_id) if grant.key.account_id is not None else None
    token = issue_access_token(ctx.state.secret, ctx.world.issuer, grant, url, ctx.now(),
                               account_uuid=account.uuid if account is not None else None)
    return json_response({
        "access_token": token, "token_type": "Bearer", "expires_in": 3600,
        "scope": " ".join(grant.scopes),
    })


async def get_platform_jwks(ctx: RequestContext, **_: Any) -> Response:
    if "rotation_check" in ctx.request.query_params:  # any value, even none (``params.include?``)
        return json_response(ctx.state.keys.rotation_report(ctx.now()))
    return Response(ctx.state.keys.jwks_json(), media_type="application/json", headers=JWKS_HEADERS)


async def get_open_id_configuration(ctx: RequestContext, registration_token: str | None = None, **_: Any) -> Response:
    if not registration_token:
        raise simple_error(401, "Access token missing (You must include the registration_token parameter).")
    claims = dynamic_registration.read_token(ctx.state.secret, registration_token, ctx.now())
    root_id = claims.get("root_account_global_id")
    account = ctx.world.accounts.get(root_id) if isinstance(root_id, int) else None
    if account is None:
        raise simple_error(404, f"Account {root_id} not found.")
    base = ctx.base_url
    return json_response({
        "issuer": ctx.world.issuer,
        "authorization_endpoint": f"{base}/api/lti/authorize_redirect",
        "registration_endpoint": f"{base}/api/lti/registrations",
        "jwks_uri": f"{base}/api/lti/security/jwks",
        "token_endpoint": f"{base}/login/oauth2/token",
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "scopes_supported": list(LTI_SCOPES),
        "response_types_supported": ["id_token"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "picture", "email", "name", "given_name", "family_name", "locale"],
        "subject_types_supported": ["public"],
        "authorization_server": ctx.request.url.hostname or "",
        "https://purl.imsglobal.org/spec/lti-platform-configuration": {
            "product_family_code": "canvas",
            "version": "OpenSource",
            "messages_supported": [
                {"type": "LtiResourceLinkRequest", "placements": PLACEMENTS},
                {"type": "LtiDeepLinkingRequest", "placements": PLACEMENTS},
            ],
            "variables": VARIABLES,
            "https://canvas.instructure.com/lti/account_name": account.name,
            "https://canvas.instructure.com/lti/account_lti_guid": account.lti_guid,
        },
    })


OPERATIONS = {
    "createAccessToken": create_access_token,
    "getPlatformJwks": get_platform_jwks,
    "getOpenIdConfiguration": get_open_id_configuration,
}
