"""External Tools (§16.1): what is written reads back, a deleted tool is gone, filters filter.

Checks run in the sandbox course (and its account when known) on a tool of their own, an LTI 1.1
tool with a test-only secret, deleted again when the check ends.
"""

from __future__ import annotations

import uuid
from typing import Any

from . import not_checked, semantic_check
from .probe import Probe, Skip
from .rest import collect, created, differences, listed_ids, update_reads_back

TOOL_URL = "https://conform.example.com/launch"
#: (create, show, update, delete, list) operationIds per context kind.
OPERATIONS = {
    "courses": ("createCourseExternalTool", "getCourseExternalTool", "updateCourseExternalTool",
                "deleteCourseExternalTool", "listCourseExternalTools"),
    "accounts": ("createAccountExternalTool", "getAccountExternalTool", "updateAccountExternalTool",
                 "deleteAccountExternalTool", "listAccountExternalTools"),
}


def _contexts(probe: Probe) -> list[tuple[str, str]]:
    """(kind, collection path) of the sandbox course and, when known, its account, as selected."""
    contexts = [("courses", f"/api/v1/courses/{probe.course}/external_tools")]
    account = probe.target.sandbox.account_id
    if account:
        contexts.append(("accounts", f"/api/v1/accounts/{account}/external_tools"))
    chosen = [(kind, path) for kind, path in contexts if probe.selected & set(OPERATIONS[kind])]
    if not chosen:
        raise Skip("no external tool operation of a known context is selected")
    return chosen


#: What a created tool is sent beyond its identity, and reads back (dotted: a member of a placement).
CREATED = {"url": TOOL_URL, "privacy_level": "public", "description": "Made by canvas-lti conform",
           "custom_fields": {"conform_id": "$Canvas.user.id", "conform_text": "created"}, "not_selectable": True}
CREATED_PLACEMENT = {"enabled": True, "text": "Conform navigation", "visibility": "admins"}
#: An update of every one of them.
UPDATED = {"privacy_level": "anonymous", "description": "Updated by canvas-lti conform",
           "custom_fields": {"conform_text": "updated"}, "not_selectable": False}
UPDATED_PLACEMENT = {"enabled": True, "text": "Conform navigation renamed", "visibility": "members"}


def _placement(settings: dict[str, Any]) -> dict[str, Any]:
    """The members of ``course_navigation`` compared on reading back (``enabled`` is answered in more than one form)."""
    return {f"course_navigation.{name}": value for name, value in settings.items() if name != "enabled"}


def _new_tool(probe: Probe, kind: str, path: str, name: str, **extra: Any) -> dict[str, Any]:
    body = {"name": name, "consumer_key": "conform", "shared_secret": "TEST-ONLY-conform-secret",
            "url": TOOL_URL, "privacy_level": "public", **extra}
    return created(probe, OPERATIONS[kind][0], probe.api("POST", path, json_body=body), (200,), path)


@semantic_check("§16.1", *OPERATIONS["courses"][:3], *OPERATIONS["accounts"][:3], writes=True)
def external_tool_reads_back(probe: Probe) -> None:
    """A created, then updated, tool reads back as sent: name, URL, privacy level, description, custom
    fields (replaced, not merged, by an update), ``not_selectable`` and a placement's text and visibility."""
    for kind, path in _contexts(probe):
        show, update = OPERATIONS[kind][1:3]
        name = f"canvas-lti conform {uuid.uuid4().hex[:8]}"
        tool = _new_tool(probe, kind, path, name, **CREATED, course_navigation=CREATED_PLACEMENT)
        sent = {"name": name, **CREATED, **_placement(CREATED_PLACEMENT)}
        problems = differences(sent, probe.json(probe.api("GET", f"{path}/{tool['id']}")))
        if problems:
            probe.fail(show, "the created tool does not read back as created: " + "; ".join(problems))
        change = {"name": f"{name} renamed", **UPDATED, "course_navigation": UPDATED_PLACEMENT}
        expected = {"name": change["name"], **UPDATED, **_placement(UPDATED_PLACEMENT)}
        update_reads_back(probe, update, show, f"{path}/{tool['id']}", change, expected)


@semantic_check("§16.1", *OPERATIONS["courses"][3:], *OPERATIONS["accounts"][3:], writes=True)
def external_tool_delete_removes(probe: Probe) -> None:
    """A deleted tool answers 404 and leaves its context's list (with and without ``include_parents``)."""
    for kind, path in _contexts(probe):
        _create, show, _update, delete, listing = OPERATIONS[kind]
        tool = _new_tool(probe, kind, path, f"canvas-lti conform deleted {uuid.uuid4().hex[:8]}")
        response = probe.api("DELETE", f"{path}/{tool['id']}")
        if not probe.expect_status(delete, response, (200,), "deleting the check's own tool"):
            continue
        probe.expect_status(show, probe.api("GET", f"{path}/{tool['id']}"), (404,), "the tool was deleted")
        for params in ({}, {"include_parents": "true"}):
            if tool["id"] in listed_ids(probe, path, **params):
                probe.fail(listing, f"deleted tool {tool['id']} is still listed" + (" with include_parents" if params else ""))


@semantic_check("§16.1", "listCourseExternalTools")
def external_tool_include_parents(probe: Probe) -> None:
    """``include_parents=true`` adds the tools of the accounts above to the course's own; without
    it the course lists only its own (none of its account's)."""
    account = probe.target.sandbox.account_id
    if not account:
        raise Skip("no sandbox account known")
    path = f"/api/v1/courses/{probe.course}/external_tools"
    own = listed_ids(probe, path)
    inherited = listed_ids(probe, f"/api/v1/accounts/{account}/external_tools")
    if not inherited:
        raise Skip("the sandbox account has no tool to inherit")
    with_parents = listed_ids(probe, path, include_parents="true")
    if not own <= with_parents or not inherited <= with_parents:
        probe.fail("listCourseExternalTools", "include_parents=true must list the course's tools and its account's: "
                                              f"missing {sorted(map(str, (own | inherited) - with_parents))}")
    if own & inherited:
        probe.fail("listCourseExternalTools", f"without include_parents the course lists its account's tools "
                                              f"{sorted(map(str, own & inherited))}")


@semantic_check("§16.1", "listCourseExternalTools")
def external_tool_search_term(probe: Probe) -> None:
    """``search_term`` returns exactly the tools whose name contains it (ignoring case)."""
    path = f"/api/v1/courses/{probe.course}/external_tools"
    everything = collect(probe, path, include_parents="true")
    names = [str(t.get("name") or "") for t in everything]
    if not names:
        raise Skip("the course reaches no tool")
    term = max(names, key=len)[:6].upper()
    for value in (term, "canvas-lti-conform-matches-nothing"):
        expected = sorted(str(t.get("id")) for t, name in zip(everything, names, strict=True) if value.lower() in name.lower())
        got = sorted(str(i) for i in listed_ids(probe, path, include_parents="true", search_term=value))
        if got != expected:
            probe.fail("listCourseExternalTools", f"search_term={value!r} must list exactly the tools whose name contains "
                                                  f"it: expected {expected}, got {got}")


not_checked("listCourseExternalTools", "`selectable`, `placement` and `include_personal` filters",
            "the sandbox has no tool that is not selectable, and no personal tool; placement is only shape-checked")
not_checked("listAccountExternalTools", "its filters", "the same parameters as the course list, judged there")


@semantic_check("§16.1", "listGroupExternalTools")
def group_tools_include_the_course_s(probe: Probe) -> None:
    """With ``include_parents=true`` a group lists its course's tools and those above (the course's own
    list with parents), plus any of its own; without it, none of the course's."""
    groups = probe.target.sandbox.group_ids
    if not groups:
        raise Skip("the sandbox course has no group")
    path = f"/api/v1/groups/{groups[0]}/external_tools"
    course = listed_ids(probe, f"/api/v1/courses/{probe.course}/external_tools", include_parents="true")
    if not course:
        raise Skip("the course reaches no tool")
    own, with_parents = listed_ids(probe, path), listed_ids(probe, path, include_parents="true")
    if with_parents != course | own:
        probe.fail("listGroupExternalTools", f"group {groups[0]} with include_parents=true must list its course's tools "
                                             f"and its own: missing {sorted(map(str, (course | own) - with_parents))}, "
                                             f"extra {sorted(map(str, with_parents - course - own))}")
    if own & course:
        probe.fail("listGroupExternalTools", f"without include_parents group {groups[0]} lists its course's tools "
                                             f"{sorted(map(str, own & course))}")
