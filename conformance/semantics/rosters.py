"""Rosters are the active roster (§7.2, §7.3).

From answers alone: every member is ``Active``, roles are §7.3's LIS URIs, and no member carries
a field the tool's privacy level withholds. Where the target exposes enrollments and tools (our
mock's ``/__mock__/state``), the roster must be exactly the users with an active enrollment,
with exactly their enrollments' roles, and every other tool's roster is judged by its own level.
"""

from __future__ import annotations

from typing import Any

from ..auth import LtiCredentials
from ..scopes import NRPS
from . import semantic_check
from .pages import Listing
from .probe import Probe, Skip

LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership"
#: §7.3: Canvas enrollment type -> the LIS role URIs NRPS lists for it.
ROLE_URIS: dict[str, frozenset[str]] = {
    "TeacherEnrollment": frozenset({f"{LIS}#Instructor"}),
    "TaEnrollment": frozenset({f"{LIS}/Instructor#TeachingAssistant", f"{LIS}#Instructor"}),
    "StudentEnrollment": frozenset({f"{LIS}#Learner"}),
    "StudentViewEnrollment": frozenset({f"{LIS}#Learner", "http://purl.imsglobal.org/vocab/lti/system/person#TestUser"}),
    "DesignerEnrollment": frozenset({f"{LIS}#ContentDeveloper"}),
    "ObserverEnrollment": frozenset({f"{LIS}#Mentor"}),
}
COURSE_ROLES = frozenset().union(*ROLE_URIS.values())
GROUP_ROLES = frozenset({f"{LIS}#Member", f"{LIS}#Manager"})
#: §7.2: the member fields each privacy level allows (beyond status, ids, roles and message).
ALWAYS = frozenset({"status", "user_id", "lti11_legacy_user_id", "roles", "message"})
NAMES = frozenset({"name", "given_name", "family_name", "lis_person_sourcedid"})
PRIVACY_FIELDS = {
    "anonymous": ALWAYS,
    "name_only": ALWAYS | NAMES,
    "email_only": ALWAYS | {"email"},
    "public": ALWAYS | NAMES | {"email", "picture"},
}
ROSTER_OPS = ("listCourseMemberships", "listGroupMemberships")


def _rosters(probe: Probe) -> list[tuple[Listing, list[dict[str, Any]]]]:
    found = []
    if "listCourseMemberships" in probe.selected:
        course = probe.course_roster()
        found.append((course, probe.reference(course)))
    group = probe.group_roster() if "listGroupMemberships" in probe.selected else None
    if group is not None:
        found.append((group, probe.reference(group)))
    return found


def _users(probe: Probe) -> dict[int, dict[str, Any]]:
    return {u["id"]: u for u in (probe.mock_state() or {}).get("users", []) if isinstance(u, dict)}


def _course_enrollments(probe: Probe) -> list[dict[str, Any]]:
    return [e for e in (probe.mock_state() or {}).get("enrollments", []) if e.get("course_id") == probe.course]


@semantic_check("§7.2", *ROSTER_OPS)
def roster_lists_active_members_only(probe: Probe) -> None:
    """Every member is ``Active``; no concluded, inactive or invited enrollment is listed (mock: exactly the active ones)."""
    for listing, members in _rosters(probe):
        for member in members:
            if member.get("status") != "Active":
                probe.fail(listing.operation, f"member {member.get('user_id')} has status {member.get('status')!r}, "
                                              "NRPS lists only active members")
    enrollments, users = _course_enrollments(probe), _users(probe)
    if not enrollments or "listCourseMemberships" not in probe.selected:
        return
    active = {users[e["user_id"]]["lti_id"] for e in enrollments if e.get("state") == "active" and e["user_id"] in users}
    listed = {m.get("user_id") for m in probe.reference(probe.course_roster())}
    for e in enrollments:
        user = users.get(e["user_id"], {})
        if e.get("state") != "active" and user.get("lti_id") in listed - active:
            probe.fail("listCourseMemberships", f"{user.get('name')} ({e['type']}, enrollment {e.get('state')}) "
                                                "is listed as an Active member")
    missing = active - listed
    if missing:
        probe.fail("listCourseMemberships", f"users with an active enrollment are missing: {sorted(missing)}")


@semantic_check("§7.3", *ROSTER_OPS)
def roster_roles_are_lis_uris(probe: Probe) -> None:
    """Member roles are §7.3's LIS URIs (mock: exactly those of the member's active enrollments)."""
    for listing, members in _rosters(probe):
        allowed = GROUP_ROLES if listing.operation == "listGroupMemberships" else COURSE_ROLES
        for member in members:
            roles = member.get("roles") or []
            odd = [r for r in roles if r not in allowed]
            if not roles or odd or len(roles) != len(set(roles)):
                probe.fail(listing.operation, f"member {member.get('user_id')} has roles {roles}; NRPS lists "
                                              f"each of §7.3's URIs once ({'not ' + str(odd) if odd else 'none given'})")
    users = _users(probe)
    expected: dict[str, set[str]] = {}
    for e in _course_enrollments(probe):
        if e.get("state") == "active" and e["user_id"] in users:
            expected.setdefault(users[e["user_id"]]["lti_id"], set()).update(ROLE_URIS.get(e["type"], ()))
    if not expected or "listCourseMemberships" not in probe.selected:
        return
    for member in probe.reference(probe.course_roster()):
        want = expected.get(member.get("user_id"))
        if want is not None and set(member.get("roles") or []) != want:
            probe.fail("listCourseMemberships", f"member {member.get('user_id')} has roles {member.get('roles')}, "
                                                f"its enrollments give {sorted(want)}")


@semantic_check("§7.2", *ROSTER_OPS)
def roster_context_is_the_one_asked_for(probe: Probe) -> None:
    """The container's ``context`` names the course or group asked for: a course and its group are two
    contexts (two ids); on the mock, each is exactly that context's LTI id and name (and the course's code)."""
    contexts: dict[str, dict[str, Any]] = {}
    for listing in (probe.course_roster(), probe.group_roster()):
        if listing is None or listing.operation not in probe.selected:
            continue
        response = probe.get(listing.path, listing.scopes, limit=1)
        context = (probe.json(response) or {}).get("context") if response.status_code == 200 else None
        if not isinstance(context, dict):
            raise Skip(f"{listing.operation} answered {response.status_code} without a context")
        contexts[listing.operation] = context
    ids = [context.get("id") for context in contexts.values()]
    if len(ids) == 2 and ids[0] == ids[1]:
        probe.fail("listGroupMemberships", f"the group's roster names the course's context {ids[0]!r}, not the group")
    state = probe.mock_state() or {}
    expected = {"listCourseMemberships": [c for c in state.get("courses", []) if c.get("id") == probe.course],
                "listGroupMemberships": [g for g in state.get("groups", []) if g.get("id") in probe.target.sandbox.group_ids[:1]]}
    for operation, context in contexts.items():
        for record in expected[operation][:1]:
            want = {"id": record.get("lti_context_id"), "title": record.get("name")}
            if operation == "listCourseMemberships":
                want["label"] = record.get("course_code")
            wrong = {name: context.get(name) for name, value in want.items() if context.get(name) != value}
            if wrong:
                probe.fail(operation, f"the roster's context has {wrong}; the context asked for has {want}")


def _judge_privacy(probe: Probe, operation: str, members: list[dict[str, Any]], privacy: str, whose: str) -> None:
    allowed = PRIVACY_FIELDS.get(privacy)
    if allowed is None:
        return
    for member in members:
        extra = sorted(set(member) - allowed)
        if extra:
            probe.fail(operation, f"{whose} has privacy level {privacy!r}, yet member {member.get('user_id')} "
                                  f"shows {extra}")
            return


def _own_privacy(probe: Probe) -> str | None:
    """The suite tool's privacy level: from the mock's state, else from the REST API when a token is given."""
    client_id = str(probe.target.creds.client_id)
    state = probe.mock_state()
    if state is not None:
        tools = [t for t in state.get("tools", []) if str(t.get("developer_key_id")) == client_id]
        return tools[0].get("privacy_level") if tools else None
    headers = probe.ctx.api_headers()
    if headers is None:
        return None
    response = probe.target.request("GET", f"/api/v1/courses/{probe.course}/external_tools",
                                    params={"include_parents": "true", "per_page": 100}, headers=headers)
    tools = probe.json(response) if response.status_code == 200 else None
    for tool in tools if isinstance(tools, list) else []:
        if isinstance(tool, dict) and str(tool.get("developer_key_id")) == client_id:
            return tool.get("privacy_level")
    return None


@semantic_check("§7.2", *ROSTER_OPS)
def roster_fields_match_privacy(probe: Probe) -> None:
    """Members carry only the fields the tool's privacy level allows (anonymous: no name, email or picture)."""
    own = _own_privacy(probe)
    if own is not None:
        for listing, members in _rosters(probe):
            _judge_privacy(probe, listing.operation, members, own, "the suite's tool")
    others = _other_roster_tools(probe)
    if own is None and not others:
        raise Skip("the tool's privacy level is unknown (give --api-token)")
    path = f"/api/lti/courses/{probe.course}/names_and_roles"
    for name, creds, privacy in others:
        status, body = probe.token_response((NRPS,), creds)
        if status != 200 or not isinstance(body, dict):
            continue
        response = probe.call("GET", path, token=body.get("access_token"), params={"limit": 50})
        members = (probe.json(response) or {}).get("members") if response.status_code == 200 else None
        if isinstance(members, list):
            _judge_privacy(probe, "listCourseMemberships", members, privacy, f"tool {name!r}")


def _other_roster_tools(probe: Probe) -> list[tuple[str, LtiCredentials, str]]:
    """Other tools of the mock that may read the sandbox roster: (name, credentials, privacy level)."""
    state = probe.mock_state()
    if state is None or "listCourseMemberships" not in probe.selected:
        return []
    response = probe.target.request("GET", "/__mock__/config")
    config = probe.json(response) or {}
    privacy = {str(t.get("developer_key_id")): t.get("privacy_level") for t in state.get("tools", [])}
    found = []
    for tool in config.get("tools", []):
        client_id = str(tool.get("client_id"))
        if client_id == str(probe.target.creds.client_id) or NRPS not in tool.get("scopes", []):
            continue
        if tool.get("binding") != "on" or client_id not in privacy:
            continue
        creds = LtiCredentials(client_id=client_id, private_key_pem=tool["private_key_pem"], kid=tool["kid"],
                               token_url=probe.target.creds.token_url)
        found.append((str(tool.get("name")), creds, str(privacy[client_id])))
    return found
