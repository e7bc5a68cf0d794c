"""Load and validate fixture files into a World.

A fixture file is YAML (see ``fixtures/default.yaml``). It is checked in turn as YAML (a key
written twice is refused), against a JSON Schema for shape, for unique ids (a second user 25
would silently replace the first), for text that can be encoded, then for references (a course's
account exists, a tool's key exists …), so a broken file fails at start-up with one line naming
the file, the line and the offending entry.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema

from .auth.keys import PlatformKeys, public_jwk_from_pem
from .canvas.text import first_unencodable, printable, unencodable_message
from .resources import default_fixtures_path
from .world import (
    Account,
    ApiToken,
    Assignment,
    Course,
    DeveloperKey,
    Enrollment,
    Group,
    LineItem,
    Progress,
    ResourceLink,
    Result,
    Submission,
    Tool,
    User,
    World,
    stable_uuid,
)
from .yamlfile import YamlFileError, load_yaml

DEFAULT_FIXTURES = default_fixtures_path()
#: Written in a fixture string, the origin (``scheme://host:port``) of the mock serving the
#: fixtures: how the default ones point the Demo Tool's URLs at the mock itself.
MOCK_URL = "${MOCK_URL}"
#: The origin of an app that is not served on a socket (its in-process clients' ``testserver``).
IN_PROCESS_ORIGIN = "http://testserver"


class FixtureError(ValueError):
    """A fixture file that cannot be loaded; the message (one line) says where and why."""

    def __init__(self, message: str, entry: Any = None) -> None:
        super().__init__(message)
        #: The mapping at fault, when known: its line is added to the message.
        self.entry = entry


_ID = {"type": "integer", "minimum": 1}
_STR = {"type": "string"}
_OPT_STR = {"type": ["string", "null"]}


def _table(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {
            "type": "object",
            "required": required,
            "properties": properties,
            "additionalProperties": False,
        },
    }


FIXTURE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["accounts", "courses", "users"],
    "properties": {
        "platform": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "issuer": _STR,
                "keys": _table(["kid", "private_key_pem"], {
                    "kid": _STR, "private_key_pem": _STR,
                    "status": {"enum": ["past", "current", "future"]},
                }),
            },
        },
        "accounts": _table(["id", "name"], {
            "id": _ID, "name": _STR, "parent_id": {"type": ["integer", "null"]},
        }),
        "courses": _table(["id", "account_id", "name"], {
            "id": _ID, "account_id": _ID, "name": _STR, "course_code": _STR,
            "workflow_state": {"enum": ["available", "completed", "deleted"]},
            "sis_source_id": _OPT_STR,
        }),
        "users": _table(["id", "name"], {
            "id": _ID, "name": _STR, "email": _OPT_STR, "login_id": _OPT_STR,
            "sis_user_id": _OPT_STR, "lti_id": _STR, "locale": _STR,
        }),
        "enrollments": _table(["course_id", "user_id", "type"], {
            "id": _ID, "course_id": _ID, "user_id": _ID,
            "type": {"enum": ["TeacherEnrollment", "TaEnrollment", "StudentEnrollment",
                              "StudentViewEnrollment", "DesignerEnrollment", "ObserverEnrollment"]},
            "state": {"enum": ["active", "invited", "completed", "inactive", "deleted"]},
        }),
        "groups": _table(["id", "course_id", "name"], {
            "id": _ID, "course_id": _ID, "name": _STR,
            "member_ids": {"type": "array", "items": _ID}, "leader_id": {"type": ["integer", "null"]},
        }),
        "developer_keys": _table(["id", "name", "scopes"], {
            "id": {"type": "string", "pattern": "^[0-9]+$"}, "name": _STR,
            "scopes": {"type": "array", "items": _STR}, "kid": _STR,
            "private_key_pem": _STR, "public_jwk": {"type": "object"}, "public_jwk_url": _STR,
            "redirect_uris": {"type": "array", "items": _STR}, "oidc_initiation_url": _STR,
            "workflow_state": {"enum": ["active", "inactive", "deleted"]},
            "bindings": {"type": "object", "additionalProperties": {"enum": ["on", "off", "allow"]}},
            "account_id": _ID,
        }),
        "tools": _table(["id", "context_type", "context_id", "name"], {
            "id": _ID, "developer_key_id": _OPT_STR,
            "context_type": {"enum": ["Course", "Account"]}, "context_id": _ID, "name": _STR,
            "url": _OPT_STR, "domain": _OPT_STR,
            "privacy_level": {"enum": ["public", "name_only", "email_only", "anonymous"]},
            "custom_fields": {"type": "object", "additionalProperties": _STR},
            # External Tools API fields (issue 4)
            "description": _OPT_STR, "consumer_key": _OPT_STR, "icon_url": _OPT_STR, "text": _OPT_STR,
            "not_selectable": {"type": "boolean"},
            "placements": {"type": "object", "additionalProperties": {"type": "object"}},
        }),
        "assignments": _table(["id", "course_id", "name"], {
            "id": _ID, "course_id": _ID, "name": _STR, "points_possible": {"type": "number"},
            "external_tool_id": _ID, "resource_link_uuid": _STR, "created_by_key": _STR,
            "workflow_state": {"enum": ["published", "unpublished", "deleted"]},
        }),
        "results": _table(["assignment_id", "user_id", "activity_progress", "grading_progress",
                           "timestamp"], {
            "assignment_id": _ID, "user_id": _ID, "score_given": {"type": "number"},
            "score_maximum": {"type": "number"}, "activity_progress": _STR,
            "grading_progress": _STR, "timestamp": _STR, "comment": _STR,
        }),
        "api_tokens": _table(["token", "user_id"], {
            "token": _STR, "user_id": _ID, "admin_of": {"type": ["integer", "null"]},
        }),
        # REST APIs around LTI (issue 4): documents for ``config_type=by_url`` (never fetched)
        # and AGS progress records.
        "tool_config_urls": {"type": "object", "additionalProperties": _STR},
        "progresses": _table(["id", "assignment_id", "user_id"], {
            "id": _ID, "assignment_id": _ID, "user_id": _ID, "tag": _STR,
            "workflow_state": {"enum": ["queued", "running", "completed", "failed"]},
            "completion": {"type": "number"}, "message": _OPT_STR,
        }),
    },
}


#: Fixture data that built a world, pickled, by (path, mtime, size): a reset rebuilds from it without
#: parsing and validating the file again (the pytest plugin resets before every test). An edited file
#: has another key, so a reset still picks up the new content.
_CHECKED: dict[tuple[str, int, int], bytes] = {}


def expand_mock_url(data: Any, origin: str) -> Any:
    """``${MOCK_URL}`` in every string of ``data`` replaced by ``origin``, in place (the entries
    stay the same objects, so their source lines are still known)."""
    stack = [data]
    while stack:
        node = stack.pop()
        pairs = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in list(pairs):
            if isinstance(value, str) and MOCK_URL in value:
                node[key] = value.replace(MOCK_URL, origin)
            elif isinstance(value, dict | list):
                stack.append(value)
    return data


def load_fixture_file(path: str | Path | None = None, *, origin: str = IN_PROCESS_ORIGIN) -> tuple[World, PlatformKeys]:
    """Read, validate and build the world described by a fixture file, ``${MOCK_URL}`` written as
    ``origin`` (the mock's own ``scheme://host:port``)."""
    path = Path(path) if path else DEFAULT_FIXTURES
    try:
        stat = path.stat()
        key: tuple[str, int, int] | None = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None  # load_yaml words the error
    if key in _CHECKED:
        return build_world(expand_mock_url(pickle.loads(_CHECKED[key]), origin), checked=True)
    try:
        source = load_yaml(path, "fixture file")
    except YamlFileError as exc:
        raise FixtureError(str(exc)) from None
    pristine = pickle.dumps(source.data, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        built = build_world(expand_mock_url(source.data, origin), source.line_of)
    except FixtureError as exc:
        raise FixtureError(printable(f"{source.where(exc.entry)}: {exc}"), exc.entry) from None
    if key is not None:
        _CHECKED[key] = pristine
    return built


#: Tables whose rows must be unique: ``table -> ((key, what it is), …)``.
UNIQUE: dict[str, tuple[tuple[str, str], ...]] = {
    "accounts": (("id", "account id"),),
    "courses": (("id", "course id"),),
    "users": (("id", "user id"), ("lti_id", "user lti_id")),
    "enrollments": (("id", "enrollment id"),),
    "groups": (("id", "group id"),),
    "developer_keys": (("id", "developer key id"),),
    "tools": (("id", "tool id"),),
    "assignments": (("id", "assignment id"),),
    "results": (("assignment_id+user_id", "result for assignment+user"),),
    "api_tokens": (("token", "API token"),),
    "progresses": (("id", "progress id"),),
}


def _check_unique(data: dict[str, Any], line_of: Callable[[Any], int | None]) -> None:
    """Refuse a second row with the same id (or key) in any table: a world keyed by id would
    keep only the last one, silently."""
    tables = {**{name: data.get(name) or [] for name in UNIQUE}, "platform.keys": (data.get("platform") or {}).get("keys") or []}
    for table, rows in tables.items():
        for key, what in UNIQUE.get(table, (("kid", "platform key kid"),)):
            seen: dict[Any, int] = {}
            for index, row in enumerate(rows):
                value = tuple(row.get(part) for part in key.split("+"))
                if None in value:
                    continue
                if value in seen:
                    shown = "" if key == "token" else " " + "+".join(str(v) for v in value)
                    line = line_of(rows[seen[value]])
                    first = f"{table}[{seen[value]}]" + (f", line {line}" if line else "")
                    raise FixtureError(f"{table}[{index}]: duplicate {what}{shown} (the first is {first})", row)
                seen[value] = index


def _location(data: Any, path: list[Any]) -> tuple[str, Any]:
    """``a[2].b`` for a schema error's path, and the innermost mapping on it (for its line)."""
    where, entry, node = "", None, data
    for part in path:
        if isinstance(node, dict):
            entry = node
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    else:
        if isinstance(node, dict):
            entry = node
    return where.lstrip("."), entry if entry is not data else None


def _check(data: Any, line_of: Callable[[Any], int | None]) -> None:
    """The fixture schema, unique ids and encodable text, each failure naming its entry."""
    errors = sorted(jsonschema.Draft7Validator(FIXTURE_SCHEMA).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where, entry = _location(data, list(first.path))
        raise FixtureError(f"{where or 'top level'}: {' '.join(first.message.split())}", entry)
    _check_unique(data, line_of)
    unencodable = first_unencodable(data)
    if unencodable is not None:
        where, entry = _location(data, [int(p) if p.isdigit() else p for p in unencodable[0].split(".")])
        raise FixtureError(f"{where}: {unencodable_message(unencodable[1])}", entry)


def build_world(data: Any, line_of: Callable[[Any], int | None] = lambda entry: None, *,
                checked: bool = False) -> tuple[World, PlatformKeys]:
    """The world of parsed fixture ``data``; ``line_of`` gives the source line of an entry.
    ``checked``: the same data already built a world once, so its checks are skipped."""
    if not checked:
        _check(data, line_of)
    platform = data.get("platform") or {}
    world = World(issuer=platform.get("issuer", "https://canvas.instructure.com"))
    keys = PlatformKeys.from_fixture(platform.get("keys") or [])

    for row in data["accounts"]:
        world.accounts[row["id"]] = Account(**row)
    for row in data["courses"]:
        _require(row["account_id"] in world.accounts, f"course {row['id']}: unknown account_id {row['account_id']}", row)
        world.courses[row["id"]] = Course(**row)
    for row in data["users"]:
        world.users[row["id"]] = User(**row)
    for row in data.get("enrollments", []):
        _require(row["course_id"] in world.courses, f"enrollment: unknown course_id {row['course_id']}", row)
        _require(row["user_id"] in world.users, f"enrollment: unknown user_id {row['user_id']}", row)
        enrollment_id = row.get("id") or world.next_id("enrollments")
        world.add_enrollment(Enrollment(**{**row, "id": enrollment_id}))
    for row in data.get("groups", []):
        _require(row["course_id"] in world.courses, f"group {row['id']}: unknown course_id", row)
        for member in [*row.get("member_ids", []), *([row["leader_id"]] if row.get("leader_id") else [])]:
            _require(member in world.users, f"group {row['id']}: unknown user {member}", row)
        world.groups[row["id"]] = Group(**row)
    for source in data.get("developer_keys", []):
        row = dict(source)
        if "public_jwk" not in row and "public_jwk_url" not in row:
            _require("private_key_pem" in row, f"developer key {row['id']}: needs public_jwk, public_jwk_url or private_key_pem", source)
            try:
                row["public_jwk"] = public_jwk_from_pem(row["private_key_pem"], row.get("kid", ""))
            except ValueError as exc:
                raise FixtureError(f"developer key {row['id']}: {exc}", source) from None
        row["bindings"] = {str(k): v for k, v in (row.get("bindings") or {}).items()}
        world.developer_keys[row["id"]] = DeveloperKey(**row)
    for row in data.get("tools", []):
        key_id = row.get("developer_key_id")
        _require(key_id is None or key_id in world.developer_keys, f"tool {row['id']}: unknown developer_key_id {key_id}", row)
        table = world.courses if row["context_type"] == "Course" else world.accounts
        _require(row["context_id"] in table, f"tool {row['id']}: unknown {row['context_type']} {row['context_id']}", row)
        world.tools[row["id"]] = Tool(**row)
    for row in data.get("assignments", []):
        _add_fixture_assignment(world, row)
    for row in data.get("results", []):
        _add_fixture_result(world, row)
    for row in data.get("api_tokens", []):
        _require(row["user_id"] in world.users, f"api token: unknown user_id {row['user_id']}", row)
        world.api_tokens[row["token"]] = ApiToken(**row)
    world.tool_config_urls.update(data.get("tool_config_urls") or {})
    for row in data.get("progresses", []):
        assignment = world.assignments.get(row["assignment_id"])
        _require(assignment is not None, f"progress {row['id']}: unknown assignment_id {row['assignment_id']}", row)
        _require(row["user_id"] in world.users, f"progress {row['id']}: unknown user_id {row['user_id']}", row)
        fields = dict(row)
        world.progresses[fields["id"]] = Progress(
            context_type="Assignment", context_id=fields.pop("assignment_id"), course_id=assignment.course_id, **fields)
    world._reindex()
    return world, keys


def _require(condition: bool, message: str, entry: Any = None) -> None:
    if not condition:
        raise FixtureError(message, entry)


def _add_fixture_assignment(world: World, source: dict[str, Any]) -> None:
    """An assignment plus what Canvas would have created with it: for an external-tool
    assignment, its resource link and coupled default line item; for a tool-created one, the
    tool's uncoupled line item."""
    row = dict(source)
    course = world.courses.get(row["course_id"])
    _require(course is not None, f"assignment {row['id']}: unknown course_id {row['course_id']}", source)
    tool_id = row.pop("external_tool_id", None)
    link_uuid = row.pop("resource_link_uuid", None)
    created_by = row.pop("created_by_key", None)
    assignment = Assignment(**row)
    world.assignments[assignment.id] = assignment
    points = float(assignment.points_possible or 0)
    if tool_id is not None:
        tool = world.tools.get(tool_id)
        _require(tool is not None and tool.developer_key_id is not None,
                 f"assignment {row['id']}: external_tool_id {tool_id} is not an LTI 1.3 tool", source)
        assignment.external_tool_id = tool_id
        assignment.external_tool_url = tool.url
        assignment.submission_types = "external_tool"
        link = ResourceLink(
            id=world.next_id("resource_links"),
            resource_link_uuid=link_uuid or stable_uuid("resource_link", assignment.id),
            context_type="Assignment", context_id=assignment.id, course_id=course.id,
            tool_id=tool_id, url=tool.url, title=assignment.name,
        )
        world.add_resource_link(link)
        world.add_line_item(LineItem(
            id=world.next_id("line_items"), assignment_id=assignment.id, course_id=course.id,
            label=assignment.name, score_maximum=points, client_id=tool.developer_key_id,
            resource_link_id=link.id, coupled=True,
        ))
    elif created_by is not None:
        _require(created_by in world.developer_keys, f"assignment {row['id']}: unknown created_by_key {created_by}", source)
        world.add_line_item(LineItem(
            id=world.next_id("line_items"), assignment_id=assignment.id, course_id=course.id,
            label=assignment.name, score_maximum=points, client_id=created_by,
        ))


def _add_fixture_result(world: World, row: dict[str, Any]) -> None:
    line_item_id = world.default_line_item_id(row["assignment_id"])
    _require(line_item_id is not None, f"result: assignment {row['assignment_id']} has no line item", row)
    _require(row["user_id"] in world.users, f"result: unknown user_id {row['user_id']}", row)
    result = Result(
        id=world.next_id("results"), line_item_id=line_item_id, user_id=row["user_id"],
        activity_progress=row["activity_progress"], grading_progress=row["grading_progress"],
        created_at=row["timestamp"], updated_at=row["timestamp"],
        score_given=row.get("score_given"), score_maximum=row.get("score_maximum"),
        comment=row.get("comment"),
    )
    world.add_result(result)
    sub = world.submission_for(row["assignment_id"], row["user_id"])
    if result.score_given is not None:
        sub.score, sub.workflow_state, sub.grader_id = result.score_given, "graded", -1


__all__ = ["DEFAULT_FIXTURES", "IN_PROCESS_ORIGIN", "MOCK_URL", "FixtureError", "Submission", "build_world", "load_fixture_file"]
