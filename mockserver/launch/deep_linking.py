"""Deep linking responses (§11): verify the tool's JWT, then apply its content items.

Verification follows Canvas's ``DeepLinkingJwt``: format, ``alg``, client (``iss``), signature
(stored ``public_jwk`` or fetched ``public_jwk_url``), standard claims with ``jti := nonce`` and
``sub := iss`` (``aud`` must contain the issuer, at most 5 minutes old), then the key's state
and binding. Every failure is a 400 with an errors hash. Accepted items change the world as
Canvas does: resource links, assignments with their (tool-owned) line items, recorded items.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..auth.tokens import ASSERTION_MAX_AGE, claim_errors
from ..canvas.ids import is_digits
from ..canvas.timestamps import api_time
from ..lazy_imports import LazyModule
from ..world import Assignment, ContentItem, Course, DeveloperKey, LineItem, ResourceLink, Tool, World
from . import signing
from .login import DATA_PURPOSE
from .placements import CREATES_ASSIGNMENTS
from .tool_keys import candidate_keys

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
CONTENT_ITEMS = DL + "content_items"

FORMAT_INVALID = "JWT format is invalid"
UNEXPECTED_ALG = "JWT has unexpected alg"
VERIFICATION_FAILURE = "JWT verification failure"
CLIENT_NOT_FOUND = "Client not found"
KEY_INACTIVE = "Developer key inactive"
KEY_INACTIVE_IN_CONTEXT = "Developer key inactive in context"
TOOL_NOT_INSTALLED = "Tool not installed in context"
#: The ``data`` token's errors (``Lti::DeepLinkingData``): absent, or not one this Canvas signed for this context.
DATA_ABSENT = "presence_required"
DATA_INVALID = "invalid_or_malformed"


class DeepLinkingError(Exception):
    """A rejected response: rendered as 400 ``{"errors": {attribute: [messages]}}``."""

    def __init__(self, attribute: str, *messages: str) -> None:
        super().__init__(f"{attribute}: {'; '.join(messages)}")
        self.body = {"errors": {attribute: list(messages)}}


@dataclass
class Verified:
    claims: dict[str, Any]
    key: DeveloperKey
    tool: Tool


def verify_response_jwt(world: World, token: Any, course: Course, now: float,
                        origins: Collection[str] = ()) -> Verified:
    if not isinstance(token, str) or not token:
        raise DeepLinkingError("jwt", FORMAT_INVALID)
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except (jwt.PyJWTError, ValueError, TypeError):
        raise DeepLinkingError("jwt", FORMAT_INVALID) from None
    if header.get("alg") != "RS256":
        raise DeepLinkingError("jwt", UNEXPECTED_ALG)
    key = world.developer_keys.get(str(unverified.get("iss"))) if isinstance(unverified.get("iss"), str | int) else None
    if key is None:  # a deleted key is still found, and is then "inactive" (below)
        raise DeepLinkingError("developer_key", CLIENT_NOT_FOUND)
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    claims: dict[str, Any] | None = None
    for jwk in candidate_keys(key, kid, origins):
        try:
            public = jwt.PyJWK(jwk, algorithm="RS256").key
            claims = jwt.decode(token, public, algorithms=["RS256"], options={
                "verify_exp": False, "verify_iat": False, "verify_aud": False, "verify_nbf": False,
                "verify_iss": False, "verify_sub": False, "verify_jti": False})
            break
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            continue
    if claims is None:
        raise DeepLinkingError("jwt", VERIFICATION_FAILURE)
    checked = {**claims, "jti": claims.get("nonce"), "sub": claims.get("iss")}
    errors = claim_errors(checked, [world.issuer], now, ASSERTION_MAX_AGE)
    if errors:
        raise DeepLinkingError("jwt", *["the JWT has expired" if e == "EXPIRED" else e for e in errors])
    if key.workflow_state != "active":
        raise DeepLinkingError("developer_key", KEY_INACTIVE)
    if not world.key_active_in(key, course.account_id):
        raise DeepLinkingError("developer_key", KEY_INACTIVE_IN_CONTEXT)
    tool = world.tool_for_key(key.id, course)
    if tool is None:
        raise DeepLinkingError("developer_key", TOOL_NOT_INSTALLED)
    return Verified(claims, key, tool)


def verify_data(secret: str, data: str | None, course: Course, now: float) -> dict[str, Any]:
    if not data:
        raise DeepLinkingError("data", DATA_ABSENT)
    claims = signing.verify(secret, DATA_PURPOSE, data, now)
    if claims is None or claims.get("context_id") != course.id:
        raise DeepLinkingError("data", DATA_INVALID)
    return claims


# -- applying the content items ---------------------------------------------------------------------


@dataclass
class Plan:
    """What the items will create, built completely before anything is committed."""

    links: list[ResourceLink] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    line_items: list[LineItem] = field(default_factory=list)
    records: list[ContentItem] = field(default_factory=list)


def _string(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    if value is not None and not isinstance(value, str):
        raise DeepLinkingError("content_items", f"{name} must be a string")
    return value


def _custom(item: dict[str, Any]) -> dict[str, str]:
    custom = item.get("custom")
    if custom is None:
        return {}
    if not isinstance(custom, dict) or not all(isinstance(v, str | int | float | bool) for v in custom.values()):
        raise DeepLinkingError("content_items", "custom must be an object of strings")
    return {str(k): (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in custom.items()}


SCORE_MAXIMUM_REQUIRED = {"lineItem.scoreMaximum": "lineItem.scoreMaximum is a required field"}


def _score_maximum(line_item: Any) -> float | None:
    """The line item's maximum; None when absent (Canvas then reports it on the item, ``validate_line_item!``)."""
    maximum = line_item.get("scoreMaximum") if isinstance(line_item, dict) else None
    if maximum is None:
        return None
    if isinstance(maximum, bool) or not isinstance(maximum, int | float) or not 0 <= maximum < 1e15:
        raise DeepLinkingError("content_items", "lineItem.scoreMaximum must be a non-negative number")
    return float(maximum)


def plan_items(world: World, course: Course, verified: Verified, placement: str | None, now: float) -> Plan:
    raw = verified.claims.get(CONTENT_ITEMS, [])
    if raw is None:
        raw = []
    if not isinstance(raw, list) or not all(isinstance(i, dict) and isinstance(i.get("type"), str) for i in raw):
        raise DeepLinkingError("content_items", "content_items must be an array of objects with a type")
    plan = Plan()
    stamp = datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    link_time = api_time(now)  # the Resource Links API's format
    ids = {table: _peek_id(world, table) for table in ("resource_links", "assignments", "line_items", "content_items")}

    def take(table: str) -> int:
        current = ids[table]
        ids[table] = current + 1
        return current

    tool, key = verified.tool, verified.key
    for item in raw:
        record = ContentItem(id=take("content_items"), course_id=course.id, developer_key_id=key.id, tool_id=tool.id,
                             placement=placement, type=item["type"], item=dict(item), created_at=stamp)
        if item["type"] == "ltiResourceLink":
            url, title, custom = _string(item, "url"), _string(item, "title"), _custom(item)
            line_item = item.get("lineItem")
            link = ResourceLink(id=take("resource_links"), resource_link_uuid=str(uuid.uuid4()), context_type="Course",
                                context_id=course.id, course_id=course.id, tool_id=tool.id, url=url or tool.url,
                                title=title, custom=custom, created_at=link_time, updated_at=link_time)
            if line_item is not None and placement in CREATES_ASSIGNMENTS:
                maximum = _score_maximum(line_item)
                label = _string(line_item, "label") or title or "Untitled"
                if maximum is None:  # nothing is created for the item; the response names the problem
                    record.item = {**record.item, "title": _string(line_item, "label") or title,
                                   "errors": dict(SCORE_MAXIMUM_REQUIRED)}
                    plan.records.append(record)
                    continue
                assignment = Assignment(id=take("assignments"), course_id=course.id, name=label, points_possible=maximum,
                                        submission_types="external_tool", external_tool_id=tool.id,
                                        workflow_state="unpublished",
                                        external_tool_url=link.url,
                                        unlock_at=_nested(item, "available", "startDateTime"),
                                        due_at=_nested(item, "submission", "endDateTime"))
                link.context_type, link.context_id, link.title = "Assignment", assignment.id, title or label
                plan.assignments.append(assignment)
                plan.line_items.append(LineItem(
                    id=take("line_items"), assignment_id=assignment.id, course_id=course.id, label=label,
                    score_maximum=maximum, client_id=key.id, resource_id=_string(line_item, "resourceId"),
                    tag=_string(line_item, "tag"), resource_link_id=link.id, coupled=False))
                record.assignment_id = assignment.id
            plan.links.append(link)
            record.resource_link_id = link.id
            record.item = {**record.item, "lookup_uuid": link.lookup_uuid}  # Canvas answers each link's lookup_uuid
        plan.records.append(record)
    return plan


def _peek_id(world: World, table: str) -> int:
    """The id ``world.next_id`` would give, without taking it (a rejected response takes none)."""
    current = world._next_id.get(table)
    if current is None:
        current = max((int(k) for k in getattr(world, table) if is_digits(str(k))), default=0) + 1
    return current


def _nested(item: dict[str, Any], outer: str, inner: str) -> str | None:
    value = item.get(outer)
    found = value.get(inner) if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


def commit(world: World, plan: Plan) -> None:
    """Write the plan (ids were reserved by ``plan_items`` under the same lock)."""
    for assignment in plan.assignments:
        world.assignments[assignment.id] = assignment
    for link in plan.links:
        world.add_resource_link(link)
    for item in plan.line_items:
        world.add_line_item(item)
    for record in plan.records:
        world.content_items[record.id] = record
    for table, records in (("assignments", plan.assignments), ("resource_links", plan.links),
                           ("line_items", plan.line_items), ("content_items", plan.records)):
        if records:
            world._next_id[table] = max(world._next_id.get(table, 0), max(r.id for r in records) + 1)


def response_message(claims: dict[str, Any], plan: Plan, placement: str | None, base_url: str, course: Course) -> dict[str, Any]:
    """The ``deep_link_response`` postMessage payload of Canvas's success page."""
    def text(name: str) -> str | None:
        value = claims.get(DL + name)
        return value if isinstance(value, str) else None

    return {
        "subject": "LtiDeepLinkingResponse",
        "placement": placement,
        "content_items": [r.item for r in plan.records],
        "service_id": None,
        "msg": text("msg"), "log": text("log"), "errormsg": text("errormsg"), "errorlog": text("errorlog"),
        "ltiEndpoint": f"{base_url}/courses/{course.id}/external_tools/retrieve",
        "reloadpage": bool(plan.assignments),
        "moduleCreated": False,
        "replaceEditorContents": False,
    }
