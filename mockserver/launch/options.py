"""The launch editor: what a person changes in a launch before it is sent (saLTIre's platform options).

Nothing here is Canvas behaviour: Canvas builds every claim itself. The editor changes the claims
the mock built the Canvas way, after they are built, so whatever is left alone keeps Canvas's
value: a role set replaces the roles claim, custom parameters are merged over the tool's (and
expanded like Canvas's, so ``$Canvas.course.id`` works), a locale sets both locale claims, and
extra claims (a JSON object) are merged last, over anything.

Form posts carry every option as text (``custom`` as ``name=value`` lines, ``claims`` as JSON);
JSON requests may use arrays and objects. Bad input is a :class:`OptionError` with a sentence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .id_token import INSTITUTION, INSTITUTION_ROLE, LTI, SYSTEM
from .substitutions import LaunchContext, expand_custom

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
#: Role sets by label: Canvas's roles claim for a user whose one enrollment is of that type.
ROLE_SET_ENROLLMENTS = {"Teacher": "TeacherEnrollment", "TA": "TaEnrollment", "Student": "StudentEnrollment",
                        "Designer": "DesignerEnrollment", "Observer": "ObserverEnrollment",
                        "Test student": "StudentViewEnrollment"}
ADMIN_SET = "Account admin"
ROLE_SPLIT = re.compile(r"[\s,]+")
MAX_OPTION_TEXT = 16 * 1024
#: Claims a person may not replace: the signature's own bookkeeping.
FIXED_CLAIMS = frozenset({"nonce"})


class OptionError(ValueError):
    """An editor field that cannot be used; the message is a sentence a person can act on."""


@dataclass(frozen=True)
class LaunchOptions:
    roles: tuple[str, ...] | None = None
    custom: dict[str, str] | None = None
    locale: str | None = None
    claims: dict[str, Any] | None = None

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> LaunchOptions:
        return cls(roles=_roles(data.get("role_set"), data.get("roles")), custom=_custom(data.get("custom")),
                   locale=_text(data.get("locale"), "locale") or None, claims=_claims(data.get("claims")))

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.roles, self.custom, self.locale, self.claims))

    def apply(self, claims: dict[str, Any], lc: LaunchContext) -> dict[str, Any]:
        """The claims with the edits made (a new dict; ``claims`` is left as it was)."""
        out = dict(claims)
        if self.roles is not None:
            out[LTI + "roles"] = list(self.roles)
        if self.custom:
            out[LTI + "custom"] = {**out.get(LTI + "custom", {}), **expand_custom(self.custom, lc)}
        if self.locale:
            out["locale"] = self.locale
            out[LTI + "launch_presentation"] = {**out.get(LTI + "launch_presentation", {}), "locale": self.locale}
        if self.claims:
            out.update(self.claims)
        return out

    def as_json(self) -> dict[str, Any]:
        return {name: value for name, value in (("roles", list(self.roles) if self.roles is not None else None),
                                                ("custom", self.custom), ("locale", self.locale),
                                                ("claims", self.claims)) if value is not None}


def role_sets() -> dict[str, tuple[str, ...]]:
    """Each role set as Canvas's ``roles_for`` builds it (institution role, context roles, ``#User``)."""
    from ..handlers.names_and_roles import ROLE_URIS  # here: the handlers package imports this module

    sets = {label: (*([INSTITUTION + INSTITUTION_ROLE[kind]] if kind in INSTITUTION_ROLE else []),
                    *ROLE_URIS[kind], SYSTEM + "User") for label, kind in ROLE_SET_ENROLLMENTS.items()}
    sets[ADMIN_SET] = (INSTITUTION + "Administrator", SYSTEM + "User")
    return sets


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise OptionError(f"The {name} must be text.")
    if len(value) > MAX_OPTION_TEXT:
        raise OptionError(f"The {name} is longer than {MAX_OPTION_TEXT} characters.")
    return value.strip()


def _role_uri(role: str) -> str:
    """A full role URI, or a short LIS context role (``Instructor``) made one."""
    return role if "://" in role or role.startswith("urn:") else f"{MEMBERSHIP}#{role}"


def _roles(role_set: Any, roles: Any) -> tuple[str, ...] | None:
    named = _text(role_set, "role set")
    if isinstance(roles, list):
        if not all(isinstance(r, str) and r.strip() for r in roles):
            raise OptionError("Each role must be a non-empty text.")
        listed = [r.strip() for r in roles]
    else:
        listed = [r for r in ROLE_SPLIT.split(_text(roles, "roles")) if r]
    sets = role_sets()
    if named and named not in sets:
        raise OptionError(f"The role set {named!r} is not one of: {', '.join(sets)}.")
    if not named and not listed:
        return None
    chosen = list(sets[named]) if named else []
    for role in map(_role_uri, listed):
        if role not in chosen:
            chosen.append(role)
    return tuple(chosen)


def _custom(value: Any) -> dict[str, str] | None:
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        pairs = value
    else:
        text = _text(value, "custom parameters")
        if text.startswith("{"):
            pairs = _json_object(text, "custom parameters")
        else:
            pairs = {}
            for number, line in enumerate(text.splitlines(), 1):
                if not line.strip():
                    continue
                name, sep, val = line.partition("=")
                if not sep or not name.strip():
                    raise OptionError(f"Custom parameter line {number} is not name=value: {line.strip()!r}.")
                pairs[name.strip()] = val.strip()
    if not all(isinstance(v, str | int | float | bool) for v in pairs.values()):
        raise OptionError("Custom parameter values must be text, numbers or booleans.")
    return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in pairs.items()} or None


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise OptionError(f"The {what} are not valid JSON: {exc}.") from None
    if not isinstance(value, dict):
        raise OptionError(f"The {what} must be a JSON object, {{\"name\": value}}.")
    return value


def _claims(value: Any) -> dict[str, Any] | None:
    if value is None or value == "":
        return None
    claims = value if isinstance(value, dict) else _json_object(_text(value, "extra claims"), "extra claims")
    fixed = sorted(FIXED_CLAIMS & claims.keys())
    if fixed:
        raise OptionError(f"The {', '.join(fixed)} claim is the tool's own and cannot be set here.")
    return claims or None
