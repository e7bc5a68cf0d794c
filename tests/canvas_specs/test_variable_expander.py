"""Canvas's ``spec/lib/lti/variable_expander_spec.rb`` (custom parameter substitution), read from the ``custom``
claim of the id_token the mock delivers: each case gives the Mock Grading Tool a custom field whose value is the
variable (through the External Tools API), launches, and reads the field back.

Canvas sends numbers as text to LTI 1.3 tools (``expand_variables!``); booleans stay JSON booleans; a variable
whose guard fails is sent as written, one whose guard holds over an empty value as ``null``. Examples about
LTI 1.1/2 only variables, originality reports, files, terms, masquerading and request-forwarded parameters are
not mined (no launch through the mock reaches them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.launches import LTI, id_token, update_tool
from tests.canvas_specs.services import edit_state, record, state_row

SPEC = "spec/lib/lti/variable_expander_spec.rb"
CODE = "lib/lti/variable_expander.rb"
ASSIGNMENT = {"assignment": "301"}


def expanded(client: Any, value: str, **launch: Any) -> Any:
    """What the custom field ``test`` (set to ``value``) carries in a launch (``launch`` names it)."""
    update_tool(client, custom_fields={"test": value})
    return id_token(client, **launch)[LTI + "custom"]["test"]


def _case(name: str, example: str, value: str, expected: Any, *, setup: Callable[[Any], None] | None = None,
          follows_code: str | None = None, **launch: Any) -> None:
    """Register ``test_<name>``: the variable ``value`` expands to ``expected`` (``…`` stands for "as written")."""
    def test(client: Any) -> None:
        if setup is not None:
            setup(client)
        want = value if expected is ... else expected(client) if callable(expected) else expected
        assert expanded(client, value, **launch) == want

    test.__name__ = test.__qualname__ = f"test_{name}"
    test.__module__ = __name__
    globals()[test.__name__] = canvas_spec(SPEC, example, follows_code=follows_code)(test)


def _edit(table: str, match: dict[str, Any], **fields: Any) -> Callable[[Any], None]:
    return lambda client: edit_state(client, lambda state: record(state, table, **match).update(fields))


COURSE_SIS = _edit("courses", {"id": 101}, sis_source_id="course1")

# -- substring expansion ----------------------------------------------------------------------------
_case("substring", "expands substring variables", "my variable is buried in here ${Canvas.course.id} can you find it?",
      "my variable is buried in here 101 can you find it?")
_case("multiple_substrings", "handles multiple substring variables",
      "my variables ${Canvas.user.id} is buried ${Canvas.account.id} in here ${Canvas.course.id} can you find them?",
      "my variables 20 is buried 2 in here 101 can you find them?")
_case("invalid_substring", "does not expand a substring variable if it is not valid",
      "my variable is buried in here ${tests_expan} can you find it?", ...)
_case("guarded_substring", "echoes substring variable if blacklisted (a guard that fails leaves $Name)",
      "due ${Canvas.assignment.title}!", "due $Canvas.assignment.title!", follows_code=CODE)

# -- message, request, account ----------------------------------------------------------------------
_case("document_target", "#variable expansions / has substitution for Message.documentTarget", "$Message.documentTarget",
      "iframe")
_case("message_locale", "#variable expansions / has substitution for Message.locale", "$Message.locale", "en")
_case("api_domain", "#variable expansions / has substitution for $Canvas.api.domain", "$Canvas.api.domain", "testserver")
_case("api_base_url", "#variable expansions / has substitution for $Canvas.api.baseUrl", "$Canvas.api.baseUrl",
      "http://testserver")
_case("account_id", "#variable expansions / has substitution for $Canvas.account.id", "$Canvas.account.id", "2")
_case("account_name", "#variable expansions / has substitution for $Canvas.account.name", "$Canvas.account.name",
      "School of Science")
_case("root_account_id_camel", "#variable expansions / has substitution for $Canvas.rootAccount.id",
      "$Canvas.rootAccount.id", "1")
_case("root_account_id", "#variable expansions / has substitution for $Canvas.root_account.id", "$Canvas.root_account.id",
      "1")
_case("root_account_uuid", "#variable expansions / has substitution for $Canvas.root_account.uuid",
      "$vnd.Canvas.root_account.uuid", lambda client: state_row(client, "accounts", id=1)["uuid"])
_case("tool_consumer_guid", "#enabled_capability_params / includes ToolConsumerInstance.guid when in enabled capability",
      "$ToolConsumerInstance.guid", lambda client: state_row(client, "accounts", id=1)["lti_guid"])
_case("context_title", "#variable expansions / has a substitution for Context.title", "$Context.title",
      "Computer Science 101")

# -- course -----------------------------------------------------------------------------------------
_case("course_id", "#variable expansions / context is a course / has substitution for $Canvas.course.id",
      "$Canvas.course.id", "101")
_case("context_sourced_id", "#variable expansions / context is a course / has substitution for $Context.sourcedId",
      "$Context.sourcedId", "course1", setup=COURSE_SIS)
_case("course_name", "#variable expansions / context is a course / has substitution for $Canvas.course.name",
      "$Canvas.course.name", "Computer Science 101")
_case("course_workflow_state", "#variable expansions / context is a course / has substitution for "
      "$Canvas.course.workflowState", "$Canvas.course.workflowState", "available")
_case("course_section_sourced_id", "#variable expansions / context is a course / has substitution for "
      "$CourseSection.sourcedId", "$CourseSection.sourcedId", "course1", setup=COURSE_SIS)
_case("course_sis_source_id", "#variable expansions / context is a course / has substitution for "
      "$Canvas.course.sisSourceId", "$Canvas.course.sisSourceId", "course1", setup=COURSE_SIS)
_case("course_sis_source_id_empty", "#variable expansions / context is a course / has substitution for "
      "$Canvas.course.sisSourceId (a course without one: null)", "$Canvas.course.sisSourceId", None, follows_code=CODE)
_case("enrollment_state", "#variable expansions / context is a course / has substitution for "
      "$Canvas.enrollment.enrollmentState", "$Canvas.enrollment.enrollmentState", "active")
_case("enrollment_state_concluded", "#variable expansions / context is a course / has substitution for "
      "$Canvas.enrollment.enrollmentState (a concluded student: inactive)", "$Canvas.enrollment.enrollmentState",
      "inactive", user="24", follows_code="lib/lti/substitutions_helper.rb")
_case("membership_roles", "#variable expansions / context is a course / has substitution for $Canvas.membership.roles",
      "$Canvas.membership.roles", "StudentEnrollment")
_case("context_label", "#variable expansions / context is a course / has a substitution for com.instructure.contextLabel",
      "$com.instructure.contextLabel", "CS-101")
_case("course_group_ids", "#variable expansions / context is a course / when the course has groups / "
      "$com.instructure.Course.groupIds / has substitution", "$com.instructure.Course.groupIds", "501,502")
_case("user_group_context_ids", "#variable expansions / context is a course and there is a user / returns the opaque "
      "identifiers for the active groups the user is a part of", "$Canvas.group.contextIds",
      lambda client: state_row(client, "groups", id=501)["lti_context_id"])
_case("student_view", "#variable expansions / context is a course / $com.instructure.User.student_view / user is not from "
      "student view", "$com.instructure.User.student_view", False)

# -- resource link and assignment -------------------------------------------------------------------
ASSIGNMENT_DATES = _edit("assignments", {"id": 301}, unlock_at="2026-02-01T08:00:00Z", due_at="2026-03-01T10:00:00Z")

_case("resource_link_id", "#variable expansions / has substitutions for ResourceLink variables / when the assignment has "
      "external_tool as a submission_type / when the resource_link_uuid_in_custom_substitution feature flag is on / "
      "substitutes the resource_link_uuid for $ResourceLink.id", "$ResourceLink.id",
      "8a3c6a36-4b0c-4d7e-9c1a-1f2a3b4c5d01", **ASSIGNMENT)
_case("resource_link_title", "#variable expansions / has substitutions for ResourceLink variables / when the assignment "
      "has external_tool as a submission_type / has substitution for $ResourceLink.title", "$ResourceLink.title",
      "Lab Report 1", **ASSIGNMENT)
_case("resource_link_start", "#variable expansions / has substitutions for ResourceLink variables / when the assignment "
      "has external_tool as a submission_type / has substitution for $ResourceLink.available.startDateTime",
      "$ResourceLink.available.startDateTime", "2026-02-01T08:00:00.000Z", setup=ASSIGNMENT_DATES, **ASSIGNMENT)
_case("resource_link_end", "#variable expansions / has substitutions for ResourceLink variables / when the assignment "
      "has external_tool as a submission_type / has substitution for $ResourceLink.submission.endDateTime",
      "$ResourceLink.submission.endDateTime", "2026-03-01T10:00:00.000Z", setup=ASSIGNMENT_DATES, **ASSIGNMENT)
_case("resource_link_id_no_link", "#variable expansions / has substitutions for ResourceLink variables / when there is no "
      "assignment (and no resource link): $ResourceLink.id is left as written", "$ResourceLink.id", ...,
      follows_code=CODE, placement="course_navigation")
_case("resource_link_title_no_assignment", "#variable expansions / has substitutions for ResourceLink variables / when "
      "there is no assignment / has substitution for $ResourceLink.title", "$ResourceLink.title", ...,
      placement="course_navigation")
_case("resource_link_start_no_assignment", "#variable expansions / has substitutions for ResourceLink variables / when "
      "there is no assignment / has substitution for $ResourceLink.available.startDateTime",
      "$ResourceLink.available.startDateTime", ..., placement="course_navigation")
_case("resource_link_end_no_assignment", "#variable expansions / has substitutions for ResourceLink variables / when "
      "there is no assignment / has substitution for $ResourceLink.submission.endDateTime",
      "$ResourceLink.submission.endDateTime", ..., placement="course_navigation")
_case("assignment_id", "#variable expansions / context is a course with an assignment and a user / has substitution for "
      "$Canvas.assignment.id", "$Canvas.assignment.id", "301", **ASSIGNMENT)
_case("assignment_title", "#variable expansions / context is a course with an assignment and a user / has substitution "
      "for $Canvas.assignment.title", "$Canvas.assignment.title", "Lab Report 1", **ASSIGNMENT)
_case("points_whole", "#variable expansions / context is a course with an assignment and a user / "
      "$Canvas.assignment.pointsPossible / has substitution for $Canvas.assignment.pointsPossible; rounds if whole",
      "$Canvas.assignment.pointsPossible", "10", **ASSIGNMENT)
_case("points_fraction", "#variable expansions / context is a course with an assignment and a user / "
      "$Canvas.assignment.pointsPossible / does not round if not whole", "$Canvas.assignment.pointsPossible", "9.5",
      setup=_edit("assignments", {"id": 301}, points_possible=9.5), **ASSIGNMENT)
_case("assignment_published", "#variable expansions / context is a course with an assignment and a user / has "
      "substitution for $Canvas.assignment.published", "$Canvas.assignment.published", True, **ASSIGNMENT)
_case("due_at_iso", "#variable expansions / context is a course with an assignment and a user / iso8601 / has "
      "substitution for $Canvas.assignment.dueAt.iso8601", "$Canvas.assignment.dueAt.iso8601", "2026-03-01T10:00:00Z",
      setup=_edit("assignments", {"id": 301}, due_at="2026-03-01T10:00:00.000Z"), **ASSIGNMENT)
_case("unlock_at_iso", "#variable expansions / context is a course with an assignment and a user / iso8601 / has "
      "substitution for $Canvas.assignment.unlockAt.iso8601", "$Canvas.assignment.unlockAt.iso8601",
      "2026-02-01T08:00:00Z", setup=ASSIGNMENT_DATES, **ASSIGNMENT)
_case("nil_due_at", "#variable expansions / context is a course with an assignment and a user / iso8601 / handles a nil "
      "due_at", "$Canvas.assignment.dueAt.iso8601", ..., **ASSIGNMENT)
_case("nil_unlock_at", "#variable expansions / context is a course with an assignment and a user / iso8601 / handles a "
      "nil unlock_at", "$Canvas.assignment.unlockAt.iso8601", ..., **ASSIGNMENT)
_case("assignment_outside_assignment", "#variable expansions / $Canvas.assignment.id without an assignment is left as "
      "written (ASSIGNMENT_GUARD)", "$Canvas.assignment.id", ..., follows_code=CODE, placement="course_navigation")

# -- user -------------------------------------------------------------------------------------------
LOGGED_IN = "#variable expansions / user is logged in"
_case("person_name_full", f"{LOGGED_IN} / has substitution for $Person.name.full", "$Person.name.full", "Sienna Howell")
_case("person_name_display", f"{LOGGED_IN} / has substitution for $Person.name.display", "$Person.name.display",
      "Sienna Howell")
_case("person_name_family", f"{LOGGED_IN} / has substitution for $Person.name.family", "$Person.name.family", "Howell")
_case("person_name_given", f"{LOGGED_IN} / has substitution for $Person.name.given", "$Person.name.given", "Sienna")
_case("person_email", f"{LOGGED_IN} / has substitution for $Person.email.primary", "$Person.email.primary",
      "showell@example.edu")
_case("user_image", f"{LOGGED_IN} / has substitution for $User.image", "$User.image",
      "https://canvas.instructure.com/images/messages/avatar-20.png")
_case("canvas_user_id", f"{LOGGED_IN} / has substitution for $Canvas.user.id", "$Canvas.user.id", "20")
_case("user_id", f"{LOGGED_IN} / has substitution for $User.id", "$User.id", "20")
_case("root_account_admin", f"{LOGGED_IN} / has substitution for $Canvas.user.isRootAccountAdmin",
      "$Canvas.user.isRootAccountAdmin", True, user="1", course="101",
      setup=lambda client: edit_state(client, lambda state: state["enrollments"].append(
          {"id": 9001, "course_id": 101, "user_id": 1, "type": "TeacherEnrollment", "state": "active"})))
_case("not_root_account_admin", f"{LOGGED_IN} / has substitution for $Canvas.user.isRootAccountAdmin (a student: false)",
      "$Canvas.user.isRootAccountAdmin", False)
_case("membership_role", f"{LOGGED_IN} / has substitution for $Membership.role in LTI 1.3 mode", "$Membership.role",
      "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student,"
      "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner,http://purl.imsglobal.org/vocab/lis/v2/system/person#User")
_case("user_sis_source_id", f"{LOGGED_IN} / pseudonym / has substitution for $Canvas.user.sisSourceId",
      "$Canvas.user.sisSourceId", "1238.8763.00")
_case("person_sourced_id", f"{LOGGED_IN} / pseudonym / has substitution for $Person.sourcedId", "$Person.sourcedId",
      "1238.8763.00")
_case("user_login_id", f"{LOGGED_IN} / pseudonym / has substitution for $Canvas.user.loginId", "$Canvas.user.loginId",
      "showell")
_case("user_username", f"{LOGGED_IN} / pseudonym / has substitution for $User.username", "$User.username", "showell")
_case("login_id_without_login", f"{LOGGED_IN} / pseudonym (a user without a login: PSEUDONYM_GUARD fails)",
      "$Canvas.user.loginId", ..., follows_code=CODE,
      setup=_edit("users", {"id": 20}, login_id=None))
_case("sis_id_without_sis", f"{LOGGED_IN} / pseudonym (a login without a SIS id: null)", "$Person.sourcedId", None,
      follows_code=CODE, user="21")
_case("name_for_anonymous_tool", f"{LOGGED_IN} / has substitution for $Person.name.full (whatever the tool's privacy "
      "level: USER_GUARD only)", "$Person.name.full", "Sienna Howell", follows_code=CODE,
      setup=_edit("tools", {"id": 1}, privacy_level="anonymous"))
_case("email_for_anonymous_tool", f"{LOGGED_IN} / has substitution for $Person.email.primary (whatever the tool's "
      "privacy level)", "$Person.email.primary", "showell@example.edu", follows_code=CODE,
      setup=_edit("tools", {"id": 1}, privacy_level="anonymous"))
_case("unknown_variable", "echoes registered variable if blacklisted (an unknown variable is sent as written)",
      "$Canvas.not.a.variable", ..., follows_code=CODE)

# -- global ids (the mock is shard 1, as its developer key ids say) -----------------------------------
_case("user_global_id", f"{LOGGED_IN} / has substitution for $Canvas.user.globalId", "$Canvas.user.globalId",
      "10000000000020")
_case("tool_global_id", "#variable expansions / context is a course and there is a user / has substitution for "
      "$Canvas.externalTool.global_id", "$Canvas.externalTool.global_id", "10000000000001")
_case("root_account_global_id", "#variable expansions / has substitution for $Canvas.root_account.global_id",
      "$Canvas.root_account.global_id", "10000000000001")
_case("shard_id", "#variable expansions / has substitution for $Canvas.shard.id", "$Canvas.shard.id", "1")

# -- values of a world without observers, pronouns, integration ids or preferences --------------------
_case("observees", "#variable expansions / context is a course / $com.instructure.User.observees / when the current user "
      "is not observing users in the context / is expected to eq \"\"", "$com.instructure.User.observees", "",
      user="25")
_case("observee_sis_ids", "#variable expansions / $com.instructure.Observee.sisIds / when the current user is not "
      "observing students in the course context / return a empty array of student SIS IDs",
      "$com.instructure.Observee.sisIds", "", user="25")
_case("name_sortable", f"{LOGGED_IN} / has substitution for $com.instructure.Person.name_sortable",
      "$com.instructure.Person.name_sortable", "Howell, Sienna")
_case("pronouns", f"{LOGGED_IN} / has substitution for $com.instructure.Person.pronouns (none set: null)",
      "$com.instructure.Person.pronouns", None, follows_code=CODE)
_case("integration_id", "#variable expansions / context is a course / has substitution for "
      "$com.instructure.Course.integrationId (none set: null)", "$com.instructure.Course.integrationId", None,
      follows_code=CODE)
_case("hide_distribution_graphs", "#variable expansions / context is a course / has substitution for "
      "$Canvas.course.hideDistributionGraphs (the default: false)", "$Canvas.course.hideDistributionGraphs", False,
      follows_code=CODE)
_case("high_contrast", f"{LOGGED_IN} / $Canvas.user.prefersHighContrast / substitutes as false",
      "$Canvas.user.prefersHighContrast", "false")
