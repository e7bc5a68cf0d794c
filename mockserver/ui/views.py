"""What each console page shows, read from the app's state: plain dicts for the templates.

Every function here only reads (under the world's lock) and returns data; nothing is cached and
nothing is written, so the console holds no state of its own and two apps never share any.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .. import scenario
from ..canvas.ids import is_digits
from ..canvas.text import echo
from ..context import AppState
from ..control import deployment_id
from ..launch.id_token import DEEP_LINKING_REQUEST, MESSAGE_TYPES, RESOURCE_LINK_REQUEST
from ..launch.options import role_sets
from ..launch.placements import DEEP_LINKING, RESOURCE_LINK
from ..world import STUDENT_TYPES, Course, Tool, World
from .curl import curl_command
from .inspector import status_text, summary

ROLE_NAMES = {
    "TeacherEnrollment": "Teacher", "TaEnrollment": "TA", "StudentEnrollment": "Student",
    "StudentViewEnrollment": "Test student", "DesignerEnrollment": "Designer", "ObserverEnrollment": "Observer",
}
#: Placement settings that make Canvas open a launch in a new window instead of its iframe.
WINDOW_TARGETS = frozenset({"_blank"})
WINDOW_DISPLAY_TYPES = frozenset({"new_window", "window"})
SCORE_OPERATION = "createScore"
REQUEST_ROWS = 200


def _enrollments(world: World, course_id: int) -> list[Any]:
    return [e for e in world.enrollments_by_course.get(course_id, ()) if e.state != "deleted"]


def tool_context(world: World, tool: Tool) -> str:
    if tool.context_type == "Course":
        course = world.courses.get(tool.context_id)
        return f"course {course.name if course else tool.context_id}"
    account = world.accounts.get(tool.context_id)
    return f"account {account.name if account else tool.context_id}"


# -- home ----------------------------------------------------------------------------------------


def home(state: AppState) -> dict[str, Any]:
    world, keys = state.world, state.keys
    with world.lock:
        accounts = [{"id": a.id, "name": a.name, "parent": world.accounts[a.parent_id].name if a.parent_id in world.accounts else None}
                    for a in world.accounts.values()]
        courses = [{"id": c.id, "name": c.name, "code": c.course_code, "state": c.workflow_state,
                    "account": world.accounts[c.account_id].name if c.account_id in world.accounts else c.account_id,
                    "members": len(_enrollments(world, c.id))}
                   for c in world.courses.values() if c.workflow_state != "deleted"]
        developer_keys = []
        for key in world.developer_keys.values():
            installs = [t for t in world.tools.values() if t.developer_key_id == key.id and t.workflow_state != "deleted"]
            developer_keys.append({
                "id": key.id, "name": key.name, "kid": key.kid, "state": key.workflow_state,
                "scopes": list(key.scopes), "bindings": dict(key.bindings), "private_key_pem": key.private_key_pem,
                "oidc_initiation_url": key.oidc_initiation_url, "redirect_uris": list(key.redirect_uris),
                "tools": [{"id": t.id, "name": t.name, "context": tool_context(world, t), "state": t.workflow_state,
                           "deployment_id": deployment_id(world, t.id), "placements": sorted(t.placements)}
                          for t in installs],
            })
        other_tools = [{"id": t.id, "name": t.name, "context": tool_context(world, t), "state": t.workflow_state}
                       for t in world.tools.values() if t.developer_key_id is None and t.workflow_state != "deleted"]
        tokens = [{"token": t.token, "user": world.users[t.user_id].name if t.user_id in world.users else t.user_id}
                  for t in world.api_tokens.values()]
        # openid-configuration needs a registration token, which an admin's API token can get.
        admin = next((t for t in world.api_tokens.values() if t.admin_of is not None), None)
        registration = {"account_id": world.root_account_id(admin.admin_of), "api_token": admin.token} if admin else None
        issuer = world.issuer
    platform_keys = {name: getattr(keys, name).kid if getattr(keys, name) else None for name in ("past", "current", "future")}
    return {"accounts": accounts, "courses": courses, "developer_keys": developer_keys, "other_tools": other_tools,
            "api_tokens": tokens, "issuer": issuer, "platform_keys": platform_keys, "registration": registration}


# -- course --------------------------------------------------------------------------------------


def find_course(world: World, course_id: int) -> Course | None:
    course = world.courses.get(course_id)
    return None if course is None or course.workflow_state == "deleted" else course


def members(world: World, course_id: int) -> list[dict[str, Any]]:
    out = []
    for enrollment in _enrollments(world, course_id):
        user = world.users.get(enrollment.user_id)
        if user is not None:
            out.append({"user_id": user.id, "name": user.name, "login_id": user.login_id, "email": user.email,
                        "sis_user_id": user.sis_user_id, "lti_id": user.lti_id, "type": enrollment.type, "locale": user.locale,
                        "role": ROLE_NAMES.get(enrollment.type, enrollment.type), "state": enrollment.state})
    return out


def acting_user(people: list[dict[str, Any]], requested: int | None) -> dict[str, Any] | None:
    """The requested member, else the first active teacher (who Canvas shows a course to), else anyone."""
    chosen = next((m for m in people if m["user_id"] == requested), None)
    return chosen or next((m for m in people if m["type"] == "TeacherEnrollment" and m["state"] == "active"),
                          people[0] if people else None)


def launch_placement(tool: Tool, name: str, settings: dict[str, Any]) -> dict[str, Any]:
    """How Canvas opens one placement: its label, message type and window (iframe or new window)."""
    message = settings.get("message_type")
    if message not in MESSAGE_TYPES:
        message = RESOURCE_LINK_REQUEST
    window = settings.get("windowTarget") in WINDOW_TARGETS or settings.get("display_type") in WINDOW_DISPLAY_TYPES
    return {"name": name, "label": str(settings.get("text") or settings.get("label") or tool.name),
            "message_type": message, "deep_linking": message == DEEP_LINKING_REQUEST,
            "target": "window" if window else "iframe"}


def course_tools(world: World, course: Course) -> list[dict[str, Any]]:
    """The LTI 1.3 tools installed in the course or an account above it, with their placements."""
    chain = [a.id for a in world.account_chain(course.account_id)]
    out = []
    for tool in world.tools.values():
        if tool.workflow_state == "deleted" or tool.developer_key_id is None:
            continue
        here = (tool.context_type == "Course" and tool.context_id == course.id) or (
            tool.context_type == "Account" and tool.context_id in chain)
        if not here:
            continue
        key = world.developer_keys.get(tool.developer_key_id)
        links = [{"uuid": link.resource_link_uuid, "title": link.title or link.url or link.resource_link_uuid}
                 for link in world.resource_links.values()
                 if link.course_id == course.id and link.workflow_state == "active" and link.tool_id is not None
                 and link.tool_id in world.tools and world.tools[link.tool_id].developer_key_id == tool.developer_key_id]
        placements = [launch_placement(tool, name, settings) for name, settings in sorted(tool.placements.items())
                      if str(settings.get("enabled", True)).lower() != "false"]
        out.append({"id": tool.id, "name": tool.name, "description": tool.description, "context": tool_context(world, tool),
                    "client_id": tool.developer_key_id, "deployment_id": deployment_id(world, tool.id),
                    "binding_on": key is not None and world.key_active_in(key, course.account_id),
                    "placements": placements, "links": links})
    return out


def course_assignments(world: World, course: Course) -> list[dict[str, Any]]:
    out = []
    for assignment in world.assignments.values():
        if assignment.course_id != course.id or assignment.workflow_state == "deleted":
            continue
        link = next((lk for lk in world.resource_links.values() if lk.context_type == "Assignment"
                     and lk.context_id == assignment.id and lk.workflow_state == "active"), None)
        tool = world.tools.get(link.tool_id) if link is not None and link.tool_id is not None else None
        out.append({"id": assignment.id, "name": assignment.name, "points": assignment.points_possible,
                    "state": assignment.workflow_state, "tool_id": tool.id if tool else None,
                    "tool": tool.name if tool else None})
    return out


def deep_linking_results(world: World, course: Course) -> list[dict[str, Any]]:
    """What tools sent back from deep linking launches in this course, newest first."""
    out = []
    for item in sorted((c for c in world.content_items.values() if c.course_id == course.id),
                       key=lambda c: c.id, reverse=True):
        tool = world.tools.get(item.tool_id) if item.tool_id is not None else None
        link = world.resource_links.get(item.resource_link_id) if item.resource_link_id is not None else None
        assignment = world.assignments.get(item.assignment_id) if item.assignment_id is not None else None
        out.append({
            "id": item.id, "type": item.type, "placement": item.placement, "created_at": item.created_at,
            "tool": tool.name if tool else item.developer_key_id,
            "title": item.item.get("title") or item.item.get("text") or "", "url": item.item.get("url") or "",
            "item_json": json.dumps(item.item, indent=2, sort_keys=True),
            "resource_link": {"id": link.id, "uuid": link.resource_link_uuid, "title": link.title, "url": link.url} if link else None,
            "assignment": {"id": assignment.id, "name": assignment.name, "points": assignment.points_possible} if assignment else None,
        })
    return out


RECENT_LAUNCHES = 10


def course_launches(state: AppState, course_id: int) -> list[dict[str, Any]]:
    """The newest launches started in the course, for its page (each links to its inspector)."""
    lines = [summary(r, state.world) for r in state.launch_log.newest()
             if (r["course"] or {}).get("id") == course_id or (r["course"] is None and str(r["request"].get("course")) == str(course_id))]
    return [{**line, "status": status_text(line)} for line in lines[:RECENT_LAUNCHES]]


def course_page(state: AppState, course_id: int, acting_as: int | None) -> dict[str, Any] | None:
    world = state.world
    launches = course_launches(state, course_id)
    with world.lock:
        course = find_course(world, course_id)
        if course is None:
            return None
        people = members(world, course.id)
        return {
            "course": {"id": course.id, "name": course.name, "code": course.course_code, "state": course.workflow_state},
            "members": people, "acting": acting_user(people, acting_as), "tools": course_tools(world, course),
            "assignments": course_assignments(world, course), "deep_linking": deep_linking_results(world, course),
            "launches": launches,
            "placements": sorted(RESOURCE_LINK | set(DEEP_LINKING)), "deep_linking_placements": sorted(DEEP_LINKING),
            "message_types": list(MESSAGE_TYPES), "role_sets": list(role_sets()),
        }


# -- gradebook -----------------------------------------------------------------------------------


def _score_history(state: AppState, course_id: int) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """(line item id, user id) -> the score requests the journal holds for it, newest first."""
    world = state.world
    prefix = f"/api/lti/courses/{course_id}/line_items/"
    history: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for entry in reversed(state.journal.query(operation_id=SCORE_OPERATION, path_prefix=prefix)):
        body = entry.get("body") if isinstance(entry.get("body"), dict) else {}
        item_id = entry["path"][len(prefix):].split("/", 1)[0]
        user = world.find_user(str(body.get("userId"))) if body.get("userId") is not None else None
        if user is None or not is_digits(item_id):
            continue
        history.setdefault((int(item_id), user.id), []).append({
            "time": entry.get("time_iso"), "status": entry.get("status"), "given": body.get("scoreGiven"),
            "maximum": body.get("scoreMaximum"), "activity": body.get("activityProgress"),
            "grading": body.get("gradingProgress"), "comment": body.get("comment"), "seq": entry.get("seq"),
        })
    return history


def gradebook(state: AppState, course_id: int) -> dict[str, Any] | None:
    world = state.world
    with world.lock:
        course = find_course(world, course_id)
        if course is None:
            return None
        history = _score_history(state, course.id)
        items = []
        for item_id in world.line_items_by_course.get(course.id, ()):
            item = world.line_items[item_id]
            assignment = world.assignments.get(item.assignment_id)
            if item.workflow_state != "active" or assignment is None or assignment.workflow_state == "deleted":
                continue
            key = world.developer_keys.get(item.client_id)
            items.append({"id": item.id, "label": item.label, "maximum": item.score_maximum,
                          "assignment": assignment.name, "assignment_id": assignment.id,
                          "tool": key.name if key else item.client_id, "resource_id": item.resource_id, "tag": item.tag,
                          "default": world.default_line_item_id(assignment.id) == item.id})
        students = [m for m in members(world, course.id) if m["type"] in STUDENT_TYPES]
        rows = []
        for student in students:
            cells = []
            for item in items:
                result_id = world.results_by_line_item.get(item["id"], {}).get(student["user_id"])
                result = world.results.get(result_id) if result_id is not None else None
                if result is not None and result.workflow_state != "active":
                    result = None
                submitted = None
                if item["default"]:
                    sub_id = world.submission_index.get((item["assignment_id"], student["user_id"]))
                    submitted = world.submissions[sub_id].submitted_at if sub_id is not None else None
                cells.append({
                    "line_item": item["id"], "user_id": student["user_id"],
                    "result": None if result is None else {
                        "given": result.score_given, "maximum": result.score_maximum, "comment": result.comment,
                        "activity": result.activity_progress, "grading": result.grading_progress,
                        "updated_at": result.updated_at},
                    "submitted_at": submitted,
                    "history": history.get((item["id"], student["user_id"]), []),
                })
            rows.append({"student": student, "cells": cells})
        return {"course": {"id": course.id, "name": course.name}, "line_items": items, "rows": rows}


# -- roster --------------------------------------------------------------------------------------


def roster(state: AppState, course_id: int) -> dict[str, Any] | None:
    world = state.world
    with world.lock:
        course = find_course(world, course_id)
        if course is None:
            return None
        names = {u.id: u.name for u in world.users.values()}
        groups = [{"id": g.id, "name": g.name, "leader": names.get(g.leader_id) if g.leader_id else None,
                   "members": [names.get(m, f"user {m}") for m in g.member_ids]}
                  for g in world.groups.values() if g.course_id == course.id]
        return {"course": {"id": course.id, "name": course.name}, "members": members(world, course.id), "groups": groups}


# -- requests ------------------------------------------------------------------------------------


def _pretty(value: Any) -> str:
    if value in (None, "", {}, []):
        return ""
    return value if isinstance(value, str) else json.dumps(value, indent=2, sort_keys=True)


def request_rows(entries: Iterable[dict[str, Any]], key_names: dict[str, str], base_url: str) -> list[dict[str, Any]]:
    rows = []
    for entry in entries:
        rows.append({
            "seq": entry.get("seq"), "time": entry.get("time_iso"), "method": entry.get("method"),
            "path": entry.get("path"), "query": entry.get("query") or {}, "status": entry.get("status"),
            "operation": entry.get("operation_id"), "client_id": entry.get("client_id"),
            "tool": key_names.get(str(entry.get("client_id")), entry.get("client_id")),
            "duration_ms": entry.get("duration_ms"), "fault": entry.get("fault"), "throttle": entry.get("throttle"),
            "request_headers": _pretty(entry.get("headers")), "auth": _pretty(entry.get("auth")),
            "request_body": _pretty(entry.get("body")), "body_format": entry.get("body_format"),
            "response_headers": _pretty(entry.get("response_headers")),
            "response_body": _pretty(entry.get("response_body")), "curl": curl_command(entry, base_url),
            "launch_id": entry.get("launch_id"),
        })
    return rows


def requests_page(state: AppState, base_url: str, *, tool: str | None, operation: str | None,
                  status: int | None, launch: int | None = None) -> dict[str, Any]:
    world = state.world
    with world.lock:
        key_names = {k.id: k.name for k in world.developer_keys.values()}
    everything = state.journal.entries()
    matching = state.journal.query(client_id=tool or None, operation_id=operation or None, status=status,
                                   launch_id=launch)
    newest = list(reversed(matching))[:REQUEST_ROWS]
    return {
        "filters": {"tool": tool or "", "operation": operation or "", "status": "" if status is None else str(status),
                    "launch": "" if launch is None else str(launch)},
        "tools": sorted(key_names.items(), key=lambda kv: kv[1]),
        "operations": sorted({op for e in everything if (op := e.get("operation_id"))} | ({operation} if operation else set())),
        "statuses": sorted({s for e in everything if isinstance(s := e.get("status"), int)}),
        "rows": request_rows(newest, key_names, base_url), "matching": len(matching), "total": len(everything),
        "capacity": state.journal.capacity, "evicted": state.journal.evicted, "shown": len(newest),
    }


def unknown_filter(state: AppState, *, tool: str | None, operation: str | None, launch: int | None) -> str | None:
    """What a journal filter names that does not exist (developer key, operation, launch), or None."""
    with state.world.lock:
        key_known = not tool or tool in state.world.developer_keys
    if not key_known:
        return f"developer key {echo(tool)}"
    if operation and operation not in state.operations:
        return f"operation {echo(operation)}"
    if launch is not None and state.launch_log.get(launch) is None:
        return f"launch {launch}"
    return None


# -- scenario ------------------------------------------------------------------------------------


def scenario_page(state: AppState) -> dict[str, Any]:
    keys = state.keys
    throttle = state.throttle.dump(state.clock.now())
    buckets = {name: {k: round(v, 1) if isinstance(v, float) else v for k, v in bucket.items() if k != "last"}
               for name, bucket in throttle.pop("buckets").items()}
    return {
        "clock": scenario.clock_body(state), "faults": state.faults.dump()["sets"],
        "throttle": throttle, "buckets": buckets,
        "settings": {name: throttle.get(name) for name in ("enabled", "hwm", "maximum", "outflow")},
        "platform_keys": {name: getattr(keys, name).kid if getattr(keys, name) else None
                          for name in ("past", "current", "future")},
        "operations": sorted(op for op, info in state.operations.items() if not info.mock_only),
    }
