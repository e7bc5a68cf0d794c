"""The in-memory Canvas world: typed records, indices, one lock, snapshot and restore.

Canvas rules that span resources live here (which tool a developer key reaches from a course,
line item ↔ assignment coupling, result storage), so handlers only ask questions and commit
changes. Every mutating method validates first and writes last, under the lock, so a failed
request never leaves half-written state behind.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import hashlib
import threading
import uuid
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from .canvas.ids import is_digits
from .canvas.timestamps import api_time

STATE_FORMAT = "canvas-lti-mock-state/1"

_T = TypeVar("_T")

STUDENT_TYPES = frozenset({"StudentEnrollment", "StudentViewEnrollment"})


def opaque_id(kind: str, record_id: int) -> str:
    """Canvas's 40-hex opaque identifier (``Lti::Asset.opaque_identifier_for``), made stable."""
    return hashlib.sha1(f"canvas-lti-mock:{kind}:{record_id}".encode()).hexdigest()


def stable_uuid(kind: str, record_id: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"canvas-lti-mock:{kind}:{record_id}"))


@dataclass
class Account:
    id: int
    name: str
    parent_id: int | None = None
    uuid: str = ""
    lti_guid: str = ""

    def __post_init__(self) -> None:
        self.uuid = self.uuid or stable_uuid("account", self.id)
        self.lti_guid = self.lti_guid or f"{opaque_id('account', self.id)}:canvas-lms"


@dataclass
class Course:
    id: int
    account_id: int
    name: str
    course_code: str = ""
    workflow_state: str = "available"  # available | completed | deleted
    lti_context_id: str = ""
    sis_source_id: str | None = None

    def __post_init__(self) -> None:
        self.lti_context_id = self.lti_context_id or opaque_id("course", self.id)


@dataclass
class User:
    id: int
    name: str
    email: str | None = None
    login_id: str | None = None
    sis_user_id: str | None = None
    given_name: str = ""
    family_name: str = ""
    lti_id: str = ""
    lti11_id: str = ""
    avatar_url: str = ""
    locale: str = "en"

    def __post_init__(self) -> None:
        first, _, last = self.name.partition(" ")
        self.given_name = self.given_name or first
        self.family_name = self.family_name or last
        self.lti_id = self.lti_id or stable_uuid("user", self.id)
        self.lti11_id = self.lti11_id or opaque_id("user", self.id)
        self.avatar_url = self.avatar_url or f"https://canvas.instructure.com/images/messages/avatar-{self.id}.png"


@dataclass
class Enrollment:
    id: int
    course_id: int
    user_id: int
    type: str
    state: str = "active"  # active | invited | completed | inactive | deleted


@dataclass
class Group:
    id: int
    course_id: int
    name: str
    member_ids: list[int] = field(default_factory=list)
    leader_id: int | None = None
    lti_context_id: str = ""

    def __post_init__(self) -> None:
        self.lti_context_id = self.lti_context_id or opaque_id("group", self.id)


@dataclass
class DeveloperKey:
    id: str  # global id, e.g. "10000000000001"
    name: str
    scopes: list[str]
    public_jwk: dict[str, Any] | None = None
    kid: str = ""
    private_key_pem: str | None = None  # TEST ONLY: kept so /__mock__/config can hand it out
    public_jwk_url: str | None = None
    redirect_uris: list[str] = field(default_factory=list)
    oidc_initiation_url: str | None = None
    workflow_state: str = "active"  # active | inactive | deleted
    bindings: dict[str, str] = field(default_factory=dict)  # root account id -> on|off|allow
    #: REST APIs around LTI (issue 4): owning account (None: the root/site-admin level), when made.
    account_id: int | None = None
    created_at: str = "2026-01-01T00:00:00Z"
    #: What an admin records on the key (tool configurations API), shown in the developer key JSON.
    email: str | None = None
    notes: str | None = None
    test_cluster_only: bool = False


@dataclass
class Tool:
    id: int
    developer_key_id: str | None
    context_type: str  # Course | Account
    context_id: int
    name: str
    url: str | None = None
    domain: str | None = None
    privacy_level: str = "public"  # public | name_only | email_only | anonymous
    workflow_state: str = "active"
    custom_fields: dict[str, str] = field(default_factory=dict)
    #: External Tools API fields (issue 4). The shared secret is stored, never serialized.
    description: str | None = None
    consumer_key: str | None = None
    shared_secret: str | None = None
    icon_url: str | None = None
    text: str | None = None
    selection_width: int | None = None
    selection_height: int | None = None
    not_selectable: bool = False
    oauth_compliant: bool = False
    is_rce_favorite: bool = False
    allow_membership_service_access: bool = False
    #: tool-level settings Canvas shows as they are stored (``settings["prefer_sis_email"]``)
    prefer_sis_email: str | None = None
    #: placement name -> its settings (``course_navigation`` → ``{"text": …, "enabled": true}``)
    placements: dict[str, dict[str, Any]] = field(default_factory=dict)
    created_at: str = "2026-01-01T00:00:00Z"
    updated_at: str = "2026-01-01T00:00:00Z"


@dataclass
class Assignment:
    id: int
    course_id: int
    name: str
    points_possible: float | None = None
    submission_types: str = "none"
    workflow_state: str = "published"  # published | unpublished | deleted
    external_tool_id: int | None = None
    external_tool_url: str | None = None
    unlock_at: str | None = None
    due_at: str | None = None


@dataclass
class ResourceLink:
    id: int
    resource_link_uuid: str
    context_type: str  # Assignment | Course
    context_id: int
    course_id: int
    tool_id: int | None
    url: str | None = None
    title: str | None = None
    workflow_state: str = "active"
    #: Link-level custom parameters (from a deep linking ``ltiResourceLink`` item), merged into
    #: the ``custom`` claim of later launches of this link.
    custom: dict[str, str] = field(default_factory=dict)
    #: Resource Links API fields (issue 4); ``lookup_uuid`` is derived from the id when empty.
    lookup_uuid: str = ""
    resource_type: str = ""  # assignment | module_item | collaboration | rich_content ("" = from context)
    lti_1_1_id: str | None = None
    created_at: str = "2026-01-01T00:00:00Z"
    updated_at: str = "2026-01-01T00:00:00Z"

    def __post_init__(self) -> None:
        self.lookup_uuid = self.lookup_uuid or stable_uuid("resource_link_lookup", self.id)


@dataclass
class LineItem:
    id: int
    assignment_id: int
    course_id: int
    label: str
    score_maximum: float
    client_id: str
    resource_id: str | None = None
    tag: str | None = None
    resource_link_id: int | None = None
    coupled: bool = False
    extensions: dict[str, Any] = field(default_factory=dict)
    workflow_state: str = "active"
    #: ``startDateTime``/``endDateTime`` as the tool sent them (echoed in the line item JSON).
    start_date_time: str | None = None
    end_date_time: str | None = None


@dataclass
class Result:
    id: int
    line_item_id: int
    user_id: int
    activity_progress: str
    grading_progress: str
    created_at: str
    updated_at: str
    score_given: float | None = None
    score_maximum: float | None = None
    comment: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)
    workflow_state: str = "active"


@dataclass
class Submission:
    id: int
    assignment_id: int
    user_id: int
    score: float | None = None
    grade: str | None = None
    attempt: int = 0
    submitted_at: str | None = None
    submission_type: str | None = None
    workflow_state: str = "unsubmitted"  # unsubmitted | submitted | graded | pending_review
    grader_id: int | None = None
    comments: list[str] = field(default_factory=list)
    #: Files of an ``online_upload`` (AGS file content items): ``{id, display_name, url, content_type}``.
    attachments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ContentItem:
    """A content item a tool returned in a deep linking response (every type is recorded)."""

    id: int
    course_id: int
    developer_key_id: str
    tool_id: int | None
    placement: str | None
    type: str  # ltiResourceLink | link | html | file | image | …
    item: dict[str, Any] = field(default_factory=dict)
    resource_link_id: int | None = None
    assignment_id: int | None = None
    created_at: str = ""


@dataclass
class ImsRegistration:
    """Canvas's ``Lti::IMS::Registration``: what a tool sent to dynamic registration (§12.2)."""

    id: int
    developer_key_id: str
    account_id: int
    guid: str  # the registration token's uuid
    client_name: str
    redirect_uris: list[str] = field(default_factory=list)
    initiate_login_uri: str = ""
    jwks_uri: str = ""
    scopes: list[str] = field(default_factory=list)
    tool_configuration: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)  # logo_uri, client_uri, tos_uri …
    privacy_level: str = "anonymous"
    placements: list[str] = field(default_factory=list)
    user_id: int | None = None
    created_at: str = ""


@dataclass
class Registration:
    """Canvas's ``Lti::Registration`` (issue 4): one per LTI developer key, with its Canvas-style
    tool configuration, the admin overlay and its version history."""

    id: int
    developer_key_id: str
    account_id: int
    name: str
    admin_nickname: str | None = None
    vendor: str | None = None
    description: str | None = None
    icon_url: str | None = None
    configuration: dict[str, Any] = field(default_factory=dict)
    overlay: dict[str, Any] = field(default_factory=dict)
    overlay_versions: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    unified_tool_id: str | None = None
    workflow_state: str = "active"  # active | deleted
    created_by: int | None = None
    updated_by: int | None = None
    created_at: str = "2026-01-01T00:00:00Z"
    updated_at: str = "2026-01-01T00:00:00Z"
    binding_created_at: str = "2026-01-01T00:00:00Z"
    binding_updated_at: str = "2026-01-01T00:00:00Z"


@dataclass
class RegistrationUpdateRequest:
    """A pending change to a registration (from a dynamic re-registration), applied or rejected
    through the Registrations API."""

    id: int
    registration_id: int
    configuration: dict[str, Any] = field(default_factory=dict)
    overlay: dict[str, Any] | None = None
    workflow_state: str = "pending"  # pending | accepted | rejected
    created_at: str = "2026-01-01T00:00:00Z"


@dataclass
class DataSubscription:
    """A live-events subscription made through the LTI data services API."""

    id: str
    account_id: int
    developer_key_id: str
    data: dict[str, Any] = field(default_factory=dict)
    workflow_state: str = "active"  # active | deleted
    created_at: str = "2026-01-01T00:00:00Z"
    updated_at: str = "2026-01-01T00:00:00Z"


@dataclass
class Progress:
    """An AGS ``Progress`` (file score uploads), shown at ``/api/lti/courses/:id/progress/:id``."""

    id: int
    context_type: str  # Assignment | Course | …
    context_id: int
    course_id: int
    user_id: int | None = None
    tag: str = "upload_via_url"
    completion: float = 100.0
    workflow_state: str = "completed"  # queued | running | completed | failed
    message: str | None = None
    results: dict[str, Any] = field(default_factory=dict)
    created_at: str = "2026-01-01T00:00:00Z"
    updated_at: str = "2026-01-01T00:00:00Z"
    #: A file upload queued by a score: the attachment it makes and the mock-clock epoch it is done.
    attachment_id: int | None = None
    completes_at: float | None = None

    def settle(self, now: float) -> None:
        """Finish a queued upload once the mock clock has reached ``completes_at`` (Canvas's job
        fetches the file meanwhile); its results then name the attachment, as Canvas's do."""
        if self.workflow_state == "queued" and self.completes_at is not None and now >= self.completes_at:
            self.workflow_state, self.completion = "completed", 100.0
            self.results = {"id": self.attachment_id}
            self.updated_at = api_time(self.completes_at)


@dataclass
class ApiToken:
    token: str
    user_id: int
    admin_of: int | None = None  # account id the user administers, if any


class World:
    """All records of one mock instance. Owned by its app; never module-global."""

    TABLES: ClassVar[dict[str, type]] = {
        "accounts": Account,
        "courses": Course,
        "users": User,
        "enrollments": Enrollment,
        "groups": Group,
        "developer_keys": DeveloperKey,
        "tools": Tool,
        "assignments": Assignment,
        "resource_links": ResourceLink,
        "line_items": LineItem,
        "results": Result,
        "submissions": Submission,
        "api_tokens": ApiToken,
        "content_items": ContentItem,
        "ims_registrations": ImsRegistration,
        "registrations": Registration,
        "registration_update_requests": RegistrationUpdateRequest,
        "data_subscriptions": DataSubscription,
        "progresses": Progress,
    }

    def __init__(self, issuer: str = "https://canvas.instructure.com") -> None:
        self.lock = threading.RLock()
        self.issuer = issuer
        self.accounts: dict[int, Account] = {}
        self.courses: dict[int, Course] = {}
        self.users: dict[int, User] = {}
        self.enrollments: dict[int, Enrollment] = {}
        self.groups: dict[int, Group] = {}
        self.developer_keys: dict[str, DeveloperKey] = {}
        self.tools: dict[int, Tool] = {}
        self.assignments: dict[int, Assignment] = {}
        self.resource_links: dict[int, ResourceLink] = {}
        self.line_items: dict[int, LineItem] = {}
        self.results: dict[int, Result] = {}
        self.submissions: dict[int, Submission] = {}
        self.api_tokens: dict[str, ApiToken] = {}
        self.content_items: dict[int, ContentItem] = {}
        self.ims_registrations: dict[int, ImsRegistration] = {}
        self.registrations: dict[int, Registration] = {}
        self.registration_update_requests: dict[int, RegistrationUpdateRequest] = {}
        self.data_subscriptions: dict[str, DataSubscription] = {}
        self.progresses: dict[int, Progress] = {}
        #: ``config_type=by_url`` documents the mock resolves (it never fetches): url -> XML text.
        self.tool_config_urls: dict[str, str] = {}
        self._next_id: dict[str, int] = {}
        self._reindex()

    # -- ids and indices ---------------------------------------------------------------------

    def next_id(self, table: str) -> int:
        current = self._next_id.get(table)
        if current is None:
            records = getattr(self, table)
            current = max((int(k) for k in records if is_digits(str(k))), default=0) + 1
        self._next_id[table] = current + 1
        return current

    @property
    def attachments(self) -> dict[int, dict[str, Any]]:
        """Submission files by id (they live on their submissions; ``next_id`` numbers new ones)."""
        return {a["id"]: a for s in self.submissions.values() for a in s.attachments}

    def next_developer_key_id(self) -> str:
        """Developer keys have Canvas global ids (shard × 10^13 + local id), kept as strings."""
        return str(max((int(k) for k in self.developer_keys if is_digits(k)), default=10000000000000) + 1)

    def _reindex(self) -> None:
        """Rebuild the secondary indices after a bulk load (fixtures, restore).

        The indices keep the hot paths (a page of line items or results, a score) independent
        of the store's size: a page is a slice, a lookup is a dict hit.
        """
        self.line_items_by_course: dict[int, list[int]] = {}
        #: (course id, owner key) -> ids of active line items on active assignments, ascending.
        self.visible_line_items: dict[tuple[int, str], list[int]] = {}
        #: assignment id -> its line item ids, ascending (the first is the default line item).
        self.line_items_by_assignment: dict[int, list[int]] = {}
        for item in sorted(self.line_items.values(), key=lambda li: li.id):
            self.line_items_by_course.setdefault(item.course_id, []).append(item.id)
            self.line_items_by_assignment.setdefault(item.assignment_id, []).append(item.id)
            assignment = self.assignments.get(item.assignment_id)
            if item.workflow_state == "active" and assignment is not None and assignment.workflow_state != "deleted":
                self.visible_line_items.setdefault((item.course_id, item.client_id), []).append(item.id)
        self.enrollments_by_course: dict[int, list[Enrollment]] = {}
        for enrollment in sorted(self.enrollments.values(), key=lambda e: e.id):
            self.enrollments_by_course.setdefault(enrollment.course_id, []).append(enrollment)
        #: What :meth:`from_enrollments` built, until the enrollments change.
        self._from_enrollments: dict[Hashable, Any] = {}
        self.results_by_line_item: dict[int, dict[int, int]] = {}
        self.results_order: dict[int, list[int]] = {}
        for result in sorted(self.results.values(), key=lambda r: r.id):
            self.results_by_line_item.setdefault(result.line_item_id, {})[result.user_id] = result.id
            self.results_order.setdefault(result.line_item_id, []).append(result.id)
        self.submission_index: dict[tuple[int, int], int] = {
            (s.assignment_id, s.user_id): s.id for s in self.submissions.values()
        }
        self.link_by_uuid: dict[str, int] = {
            link.resource_link_uuid: link.id for link in self.resource_links.values()
        }
        self.user_by_lti_id: dict[str, int] = {u.lti_id: u.id for u in self.users.values()}

    # -- snapshot / restore ------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            dump: dict[str, Any] = {"format": STATE_FORMAT, "issuer": self.issuer}
            for table in self.TABLES:
                dump[table] = [dataclasses.asdict(r) for r in getattr(self, table).values()]
            dump["next_ids"] = dict(self._next_id)
            return dump

    @classmethod
    def from_snapshot(cls, dump: dict[str, Any]) -> World:
        """Build a world from a dump; raises ValueError with a readable message when invalid."""
        if not isinstance(dump, dict) or dump.get("format") != STATE_FORMAT:
            raise ValueError(f"state dump must be an object with format {STATE_FORMAT!r}")
        world = cls(issuer=str(dump.get("issuer") or "https://canvas.instructure.com"))
        for table, record_type in cls.TABLES.items():
            rows = dump.get(table, [])
            if not isinstance(rows, list):
                raise ValueError(f"{table}: expected a list")
            target = getattr(world, table)
            for index, row in enumerate(rows):
                if not isinstance(row, dict):
                    raise ValueError(f"{table}[{index}]: expected an object")
                try:
                    record = record_type(**copy.deepcopy(row))
                except TypeError as exc:
                    raise ValueError(f"{table}[{index}]: {exc}") from None
                _check_types(record, f"{table}[{index}]")
                key = record.token if isinstance(record, ApiToken) else record.id
                target[key] = record
        next_ids = dump.get("next_ids", {})
        if not isinstance(next_ids, dict) or not all(isinstance(v, int) for v in next_ids.values()):
            raise ValueError("next_ids: expected an object of integers")
        world._next_id = dict(next_ids)
        world._reindex()
        return world

    def replace_with(self, other: World) -> None:
        """Swap in another world's records (reset / PUT state) without changing identity."""
        with self.lock:
            for table in self.TABLES:
                setattr(self, table, getattr(other, table))
            self.issuer = other.issuer
            self._next_id = dict(other._next_id)
            if other.tool_config_urls:
                self.tool_config_urls = dict(other.tool_config_urls)
            self._reindex()

    # -- accounts and contexts ---------------------------------------------------------------

    def account_chain(self, account_id: int) -> Iterator[Account]:
        """The account and its ancestors, nearest first."""
        seen: set[int] = set()
        current = self.accounts.get(account_id)
        while current is not None and current.id not in seen:
            seen.add(current.id)
            yield current
            current = self.accounts.get(current.parent_id) if current.parent_id else None

    def root_account_id(self, account_id: int) -> int:
        root = account_id
        for account in self.account_chain(account_id):
            root = account.id
        return root

    def tool_for_key(self, key_id: str, course: Course) -> Tool | None:
        """The active 1.3 tool of ``key_id`` reachable from the course (§14): course first,
        then up the account chain; sibling and child accounts do not count."""
        candidates = [
            t for t in self.tools.values()
            if t.developer_key_id == key_id and t.workflow_state == "active"
        ]
        for tool in candidates:
            if tool.context_type == "Course" and tool.context_id == course.id:
                return tool
        for account in self.account_chain(course.account_id):
            for tool in candidates:
                if tool.context_type == "Account" and tool.context_id == account.id:
                    return tool
        return None

    def key_active_in(self, key: DeveloperKey, account_id: int) -> bool:
        """Canvas requires the key's binding for the context's root account to be ``on``."""
        root = self.root_account_id(account_id)
        return key.bindings.get(str(root)) == "on"

    # -- enrollments -------------------------------------------------------------------------

    def add_enrollment(self, enrollment: Enrollment) -> None:
        self.enrollments[enrollment.id] = enrollment
        self.enrollments_by_course.setdefault(enrollment.course_id, []).append(enrollment)
        self._from_enrollments.clear()

    def from_enrollments(self, key: Hashable, build: Callable[[], _T]) -> _T:
        """What ``build`` derives from the enrollments and their users (a course's NRPS roster),
        built once and kept until the enrollments change (``add_enrollment``; ``replace_with`` on
        reset or a state upload reindexes): a roster page then costs the page, not the course.
        Callers must not mutate what they get."""
        try:
            return self._from_enrollments[key]  # type: ignore[no-any-return]
        except KeyError:
            built = self._from_enrollments[key] = build()
            return built

    def active_enrollments(self, course_id: int) -> list[Enrollment]:
        return [e for e in self.enrollments_by_course.get(course_id, ()) if e.state == "active"]

    def is_student(self, user_id: int, course_id: int, states: tuple[str, ...] = ("active",)) -> bool:
        """``Course#user_is_student?``: a student (or test student) enrollment in one of ``states`` (by
        default only an active one, as scores require; an invited student is not yet one)."""
        return any(
            e.user_id == user_id and e.type in STUDENT_TYPES and e.state in states
            for e in self.enrollments_by_course.get(course_id, ())
        )

    def find_user(self, user_ref: str) -> User | None:
        """Resolve a score/result ``userId``: LTI id first, then a numeric Canvas id (§4.3)."""
        user_id = self.user_by_lti_id.get(user_ref)
        if user_id is None and is_digits(user_ref) and len(user_ref) < 19:
            user_id = int(user_ref)
        return self.users.get(user_id) if user_id is not None else None

    # -- line items --------------------------------------------------------------------------

    def default_line_item_id(self, assignment_id: int) -> int | None:
        """The assignment's earliest-created line item (``assignment_line_item?``)."""
        ids = self.line_items_by_assignment.get(assignment_id)
        return ids[0] if ids else None

    def active_line_item(self, line_item_id: int, course_id: int) -> LineItem | None:
        item = self.line_items.get(line_item_id)
        if item is None or item.workflow_state != "active" or item.course_id != course_id:
            return None
        return item

    def add_line_item(self, item: LineItem) -> None:
        """Ids only grow, so appending keeps every index sorted."""
        self.line_items[item.id] = item
        self.line_items_by_course.setdefault(item.course_id, []).append(item.id)
        self.line_items_by_assignment.setdefault(item.assignment_id, []).append(item.id)
        self.visible_line_items.setdefault((item.course_id, item.client_id), []).append(item.id)

    def add_result(self, result: Result) -> None:
        self.results[result.id] = result
        self.results_by_line_item.setdefault(result.line_item_id, {})[result.user_id] = result.id
        self.results_order.setdefault(result.line_item_id, []).append(result.id)

    def add_resource_link(self, link: ResourceLink) -> None:
        self.resource_links[link.id] = link
        self.link_by_uuid[link.resource_link_uuid] = link.id

    def submission_for(self, assignment_id: int, user_id: int) -> Submission:
        """The (assignment, user) submission, created on first use as Canvas does."""
        sub_id = self.submission_index.get((assignment_id, user_id))
        if sub_id is not None:
            return self.submissions[sub_id]
        sub = Submission(id=self.next_id("submissions"), assignment_id=assignment_id, user_id=user_id)
        self.submissions[sub.id] = sub
        self.submission_index[(assignment_id, user_id)] = sub.id
        return sub

    def destroy_assignment(self, assignment: Assignment) -> None:
        """Soft-delete an assignment with its line items, results and resource links."""
        assignment.workflow_state = "deleted"
        for item_id in self.line_items_by_assignment.get(assignment.id, ()):
            if self.line_items[item_id].workflow_state == "active":
                self.destroy_line_item(self.line_items[item_id])
        for link in self.resource_links.values():
            if link.context_type == "Assignment" and link.context_id == assignment.id:
                link.workflow_state = "deleted"

    def destroy_line_item(self, item: LineItem) -> None:
        item.workflow_state = "deleted"
        visible = self.visible_line_items.get((item.course_id, item.client_id), [])
        index = bisect.bisect_left(visible, item.id)
        if index < len(visible) and visible[index] == item.id:
            del visible[index]
        for result_id in self.results_by_line_item.get(item.id, {}).values():
            self.results[result_id].workflow_state = "deleted"


def _check_types(record: Any, where: str) -> None:
    """Reject dumps whose scalar fields have the wrong JSON type (a dump is user input)."""
    hints = {f.name: f.type for f in dataclasses.fields(record)}
    for name, hint in hints.items():
        value = getattr(record, name)
        text = str(hint)
        if value is None:
            if "None" not in text:
                raise ValueError(f"{where}.{name}: must not be null")
            continue
        expected: tuple[type, ...]
        if text.startswith("int"):
            expected = (int,)
        elif text.startswith("float"):
            expected = (int, float)
        elif text.startswith("str"):
            expected = (str,)
        elif text.startswith("bool"):
            expected = (bool,)
        elif text.startswith("list"):
            expected = (list,)
        elif text.startswith("dict"):
            expected = (dict,)
        else:
            continue
        if isinstance(value, bool) and bool not in expected:
            raise ValueError(f"{where}.{name}: wrong type")
        if not isinstance(value, expected):
            raise ValueError(f"{where}.{name}: wrong type")
