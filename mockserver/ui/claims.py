"""What each claim of an LTI message means, in a sentence, for the launch inspector.

The names are the IMS ones (LTI 1.3, Deep Linking 2.0, AGS, NRPS) and Canvas's extensions; the
sentences say what a tool is meant to do with each, as the specifications describe it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"

MEANINGS: dict[str, tuple[str, str]] = {
    "iss": ("Issuer", "The platform that signed the token; with aud, it tells the tool which registration applies."),
    "aud": ("Audience", "Who the token is for: the tool's client id. A tool must refuse a token for anyone else."),
    "azp": ("Authorized party", "The client id the token was issued to (equal to aud here)."),
    "sub": ("Subject", "The user's stable, opaque LTI id at this platform (Canvas's user lti_id)."),
    "iat": ("Issued at", "When the token was signed (seconds since 1970, mock clock)."),
    "exp": ("Expires", "After this time the tool must refuse the token (Canvas: an hour after iat)."),
    "nonce": ("Nonce", "The tool's own nonce from its authentication request: it must match, and be used once."),
    "name": ("Name", "The user's full name (privacy level public or name_only)."),
    "given_name": ("Given name", "The user's first name (privacy level public or name_only)."),
    "family_name": ("Family name", "The user's last name (privacy level public or name_only)."),
    "email": ("Email", "The user's email (privacy level public or email_only)."),
    "picture": ("Picture", "The user's avatar URL (privacy level public)."),
    "locale": ("Locale", "The user's language, for the tool's own pages."),
    LTI + "message_type": ("Message type", "What the launch asks of the tool: open a resource link, or let the "
                                           "user pick content (deep linking)."),
    LTI + "version": ("LTI version", "Always 1.3.0."),
    LTI + "deployment_id": ("Deployment id", "Which installation of the tool this is; a tool keys its data by "
                                             "(iss, client id, deployment id)."),
    LTI + "target_link_uri": ("Target link URI", "Where the launch is meant to land in the tool; a tool should "
                                                 "check it against the one in the login initiation."),
    LTI + "resource_link": ("Resource link", "The link the user clicked: its id is stable across launches, its "
                                             "title is what the course shows."),
    LTI + "roles": ("Roles", "The user's roles: institution, context (course) and system roles, as LIS URIs."),
    LTI + "context": ("Context", "The course the launch comes from: opaque id, label (course code), title."),
    LTI + "tool_platform": ("Tool platform", "The Canvas instance: its root account's guid and name."),
    LTI + "launch_presentation": ("Launch presentation", "How the tool is shown (iframe), the user's locale, and "
                                                         "where to send the user when done."),
    LTI + "custom": ("Custom parameters", "The tool's and the link's custom parameters, Canvas variables expanded."),
    LTI + "lis": ("LIS", "SIS ids of the user and the course, when the privacy level shows names."),
    LTI + "lti11_legacy_user_id": ("LTI 1.1 user id", "The user's LTI 1.1 id, for tools migrating from 1.1."),
    LTI + "lti1p1": ("LTI 1.1 migration", "The LTI 1.1 ids a migrating tool needs to find its old records."),
    LTI + "role_scope_mentor": ("Mentored users", "The users an observer observes (their LTI ids)."),
    LTI + "data": ("Data", "Opaque data the tool must echo back unchanged."),
    "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": (
        "Assignment and Grade Services", "Where and with which scopes the tool may read and write line items, "
                                         "results and scores (a client-credentials token first)."),
    "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": (
        "Names and Role Provisioning", "Where the tool may read the course's members (with the NRPS scope)."),
    DL + "deep_linking_settings": ("Deep linking settings", "Where to post the chosen content (deep_link_return_url) "
                                                            "and what the platform accepts there."),
    DL + "content_items": ("Content items", "What the tool chose for the platform to add."),
    DL + "data": ("Data", "The request's data claim, echoed back unchanged."),
    DL + "msg": ("Message", "A message the platform shows the user when the tool is done."),
    DL + "log": ("Log", "A message the platform logs."),
    DL + "errormsg": ("Error message", "An error the platform shows the user."),
    DL + "errorlog": ("Error log", "An error the platform logs."),
    "https://www.instructure.com/placement": ("Canvas placement", "Where in Canvas the tool was launched from "
                                                                  "(null for an assignment launch)."),
    "https://www.instructure.com/lti_student_id": ("Canvas student id", "The student a student context card is about."),
}


def short_name(name: str) -> str:
    """The last part of a claim URI (``…/claim/roles`` → ``roles``)."""
    for prefix in (LTI, DL, "https://purl.imsglobal.org/spec/", "https://www.instructure.com/"):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


#: Claims that are times in seconds since 1970: shown with their date too.
TIME_CLAIMS = frozenset({"iat", "exp", "nbf"})


def _shown(name: str, value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, indent=2, ensure_ascii=False)
    text = json.dumps(value, ensure_ascii=False)
    if name in TIME_CLAIMS and isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1e11:
        text += f"  ({datetime.fromtimestamp(value, UTC).isoformat(timespec='seconds').replace('+00:00', 'Z')})"
    return text


def rows(claims: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per claim, in the token's order: name, label, meaning and the value as JSON."""
    out = []
    for name, value in claims.items():
        label, meaning = MEANINGS.get(name, (short_name(name), "Not a claim LTI or Canvas defines: an extra claim."))
        out.append({"name": name, "label": label, "meaning": meaning, "value": _shown(name, value)})
    return out
