"""The id_token claim set of a launch (§10.3), and its RS256 signature with the current key."""

from __future__ import annotations

from typing import Any

from ..auth.keys import PlatformKeys
from ..canvas.scopes import AGS_SCOPES, NRPS_SCOPE
from ..canvas.urls import line_item_url, line_items_url
from ..lazy_imports import LazyModule
from ..world import Tool, World
from .placements import DEEP_LINKING, extension_setting
from .substitutions import LaunchContext, expand, expand_values, tool_custom

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
PLACEMENT_CLAIM = "https://www.instructure.com/placement"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
MESSAGE_TYPES = (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)
ID_TOKEN_LIFETIME = 3600

INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
SYSTEM = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"
INSTITUTION_ROLE = {
    "TeacherEnrollment": "Instructor", "TaEnrollment": "Instructor", "DesignerEnrollment": "Instructor",
    "StudentEnrollment": "Student", "StudentViewEnrollment": "Student",
}
COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"


def is_admin(world: World, user_id: int, account_id: int) -> bool:
    """An admin of the account or an ancestor (the fixtures' ``api_tokens[].admin_of``)."""
    chain = {a.id for a in world.account_chain(account_id)}
    return any(t.user_id == user_id and t.admin_of in chain for t in world.api_tokens.values())


def roles_for(world: World, user_id: int, course_id: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(LIS role URIs as ``$com.instructure.User.allRoles`` expands them, sorted; Canvas role names)."""
    from ..handlers.names_and_roles import ROLE_URIS  # here: the handlers package imports this module

    course = world.courses[course_id]
    institution: list[str] = []
    membership: list[str] = []
    canvas: list[str] = []
    for enrollment in sorted(world.enrollments.values(), key=lambda e: e.id):
        if enrollment.user_id != user_id or enrollment.state != "active":
            continue
        inst = INSTITUTION_ROLE.get(enrollment.type)
        if inst and INSTITUTION + inst not in institution:
            institution.append(INSTITUTION + inst)
        if enrollment.course_id == course_id:
            for role in ROLE_URIS.get(enrollment.type, ()):
                if role not in membership:
                    membership.append(role)
            if enrollment.type not in canvas:
                canvas.append(enrollment.type)
    if is_admin(world, user_id, course.account_id):
        institution.append(INSTITUTION + "Administrator")
        canvas.append("Account Admin")
    # ``SubstitutionsHelper#all_roles``: context and institution roles, unique, sorted.
    return tuple(sorted({*institution, *membership, SYSTEM + "User"})), tuple(canvas)


def placement_custom(tool: Tool, placement: str | None) -> dict[str, Any]:
    """``set_custom_fields``: the tool's custom fields, then the placement's over them."""
    fields = dict(tool.custom_fields)
    settings = tool.placements.get(placement) if placement else None
    if settings and isinstance(settings.get("custom_fields"), dict):
        fields.update(settings["custom_fields"])
    return fields


def _size(value: Any) -> int | None:
    text = str(value).removesuffix("px") if value is not None else ""
    return int(text) if text.strip().lstrip("-").isdigit() else None


def launch_presentation(lc: LaunchContext, placement: str | None) -> dict[str, Any]:
    """document target, return URL and locale, and the frame size when the placement (or else the
    tool) sets one (``JwtMessage#add_launch_presentation_claims!``)."""
    claim: dict[str, Any] = {
        "document_target": "iframe", "locale": lc.user.locale,
        "return_url": f"{lc.base_url}/courses/{lc.course.id}/external_content/success/external_tool_redirect",
    }
    for name, attr in (("height", "selection_height"), ("width", "selection_width")):
        size = _size(extension_setting(lc.tool, placement, attr) or getattr(lc.tool, attr))
        if size is not None:
            claim[name] = size
    return claim


def target_link_uri(tool: Tool, placement: str | None) -> str | None:
    """The placement's ``target_link_uri``, else the tool's URL."""
    return extension_setting(tool, placement, "target_link_uri") or tool.url


def build_claims(world: World, lc: LaunchContext, *, client_id: str, deployment_id: str, message_type: str,
                 placement: str | None, target_link_uri: str, now: float,
                 deep_link_return_url: str | None = None) -> dict[str, Any]:
    """Every claim except ``nonce``, which authorize inserts from the tool's request."""
    key = world.developer_keys[client_id]
    user, course, tool = lc.user, lc.course, lc.tool
    iat = int(now)
    claims: dict[str, Any] = {
        "iss": world.issuer, "aud": client_id, "azp": client_id, "sub": user.lti_id,
        "iat": iat, "exp": iat + ID_TOKEN_LIFETIME, "nonce": "",
        LTI + "deployment_id": deployment_id,
        LTI + "target_link_uri": target_link_uri,
        LTI + "message_type": message_type,
        LTI + "version": "1.3.0",
        LTI + "roles": list(lc.roles),
        LTI + "context": {"id": course.lti_context_id, "label": course.course_code, "title": course.name,
                          "type": [COURSE_OFFERING]},
        LTI + "tool_platform": {"guid": lc.root_account.lti_guid, "name": lc.root_account.name,
                                "version": "cloud", "product_family_code": "canvas"},
        LTI + "launch_presentation": launch_presentation(lc, placement),
        "locale": user.locale,
        LTI + "lti11_legacy_user_id": user.lti11_id,
        LTI + "lti1p1": {"user_id": user.lti11_id},
        PLACEMENT_CLAIM: placement,
    }
    custom = tool_custom(placement_custom(tool, placement), lc)
    if message_type == RESOURCE_LINK_REQUEST and lc.link is not None:
        custom.update(expand_values(lc.link.custom, lc))
    if custom:
        claims[LTI + "custom"] = custom
    if tool.privacy_level == "public":
        claims["picture"] = user.avatar_url
    if lc.shows_email and user.email:
        claims["email"] = user.email
    if lc.shows_name:
        claims.update({"name": user.name, "given_name": user.given_name, "family_name": user.family_name})
        # Canvas sets both from variables: a user without a login keeps "$Person.sourcedId" as
        # written, an empty value is sent as null.
        claims[LTI + "lis"] = {"person_sourcedid": expand("$Person.sourcedId", lc),
                               "course_offering_sourcedid": expand("$CourseSection.sourcedId", lc)}
    ags = [s for s in key.scopes if s in AGS_SCOPES]  # the key's order (``scopes & LTI_AGS_SCOPES``)
    if ags:
        endpoint: dict[str, Any] = {"scope": ags, "lineitems": line_items_url(lc.base_url, course.id)}
        if lc.assignment is not None and message_type == RESOURCE_LINK_REQUEST:
            default = world.default_line_item_id(lc.assignment.id)
            if default is not None:
                endpoint["lineitem"] = line_item_url(lc.base_url, course.id, default)
        claims[AGS_CLAIM] = endpoint
    if NRPS_SCOPE in key.scopes:
        claims[NRPS_CLAIM] = {"context_memberships_url": f"{lc.base_url}/api/lti/courses/{course.id}/names_and_roles",
                              "service_versions": ["2.0"]}
    if message_type == RESOURCE_LINK_REQUEST:
        link = lc.link
        # ``description`` is the assignment's, set (null) for every resource link launch.
        claims[LTI + "resource_link"] = {
            "id": link.resource_link_uuid if link is not None else course.lti_context_id,
            "description": None,
            "title": (link.title if link is not None and link.title else
                      lc.assignment.name if lc.assignment is not None else course.name),
        }
        if link is not None and link.lti_1_1_id and link.lti_1_1_id != link.resource_link_uuid:
            claims[LTI + "lti1p1"] = {**claims[LTI + "lti1p1"], "resource_link_id": link.lti_1_1_id}
    else:
        settings = DEEP_LINKING[placement or "link_selection"]
        claims[DL_SETTINGS] = {
            "deep_link_return_url": deep_link_return_url,
            "accept_types": list(settings.accept_types),
            "accept_presentation_document_targets": list(settings.document_targets),
            "accept_media_types": ",".join(settings.media_types),
            "auto_create": settings.auto_create,
            "accept_multiple": settings.accept_multiple,
        }
    # Canvas expands variables in its extension claims too.
    if isinstance(claims[PLACEMENT_CLAIM], str):
        claims[PLACEMENT_CLAIM] = expand(claims[PLACEMENT_CLAIM], lc)
    return claims


def sign(keys: PlatformKeys, claims: dict[str, Any]) -> str:
    """RS256 with the platform's current key, its ``kid`` in the header (§9.1)."""
    current = keys.current
    return jwt.encode(claims, current.private_key, algorithm="RS256", headers={"kid": current.kid, "typ": "JWT"})
