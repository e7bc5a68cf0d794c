"""Security comparison: requirement alternatives, OAuth scopes and declared schemes.

``security`` is a list of alternatives (OR) whose entries are AND-ed schemes; an empty entry
``{}`` means anonymous access is allowed. Removing an alternative or adding a scope locks
existing clients out; adding an alternative only offers a new way in.
"""

from __future__ import annotations

from typing import Any

from conformance.drift.context import Context
from conformance.drift.model import pointer

_Alternatives = dict[frozenset[str], dict[str, frozenset[str]]]


def effective_security(op: dict[str, Any], document: dict[str, Any]) -> list[Any]:
    requirements = op["security"] if "security" in op else document.get("security")
    return requirements if isinstance(requirements, list) else []


def _alternatives(requirements: list[Any]) -> tuple[_Alternatives, bool]:
    """Non-empty alternatives keyed by their scheme set, and whether anonymous is allowed."""
    found: _Alternatives = {}
    anonymous = not requirements
    for requirement in requirements:
        if not isinstance(requirement, dict) or not requirement:
            anonymous = True
            continue
        scopes = {str(k): frozenset(str(s) for s in (v or [])) for k, v in requirement.items()}
        found[frozenset(scopes)] = scopes
    return found, anonymous


def _weaker_alternative(old: dict[str, frozenset[str]], new_alts: _Alternatives) -> frozenset[str] | None:
    """A new alternative that a client satisfying ``old`` satisfies too: a subset of its schemes,
    each needing a subset of its scopes ({A and B} -> {A} locks nobody out)."""
    for alt, scopes in sorted(new_alts.items(), key=lambda item: _label(item[0])):
        if alt <= old.keys() and all(scopes[scheme] <= old[scheme] for scheme in alt):
            return alt
    return None


def _label(alternative: frozenset[str]) -> str:
    return "+".join(sorted(alternative))


def diff_security(ctx: Context, old_reqs: list[Any], new_reqs: list[Any]) -> None:
    old_alts, old_anon = _alternatives(old_reqs)
    new_alts, new_anon = _alternatives(new_reqs)
    if not old_alts and new_alts and not new_anon:
        ctx.emit(
            "security-added",
            "/security",
            "authentication now required: "
            + ", ".join(_label(a) for a in sorted(new_alts, key=_label)),
        )
        return
    if old_alts and not old_anon and not new_alts:
        ctx.emit("security-removed", "/security", "authentication no longer required")
        return
    if old_anon and not new_anon:
        ctx.emit("security-added", "/security", "anonymous access no longer allowed")
    elif new_anon and not old_anon:
        ctx.emit("security-removed", "/security", "anonymous access now allowed")
    relaxing: set[frozenset[str]] = set()
    for alt in sorted(old_alts.keys() - new_alts.keys(), key=_label):
        weaker = _weaker_alternative(old_alts[alt], new_alts)
        if weaker is not None:
            relaxing.add(weaker)
            ctx.emit(
                "security-requirement-relaxed",
                pointer("security", _label(alt)),
                f"security requirement {_label(alt)} relaxed to {_label(weaker)}: its credentials still suffice",
            )
            continue
        ctx.emit(
            "security-requirement-removed",
            pointer("security", _label(alt)),
            f"security requirement {_label(alt)} removed",
        )
    for alt in sorted(new_alts.keys() - old_alts.keys() - relaxing, key=_label):
        ctx.emit(
            "security-requirement-added",
            pointer("security", _label(alt)),
            f"security requirement {_label(alt)} added",
        )
    for alt in sorted(old_alts.keys() & new_alts.keys(), key=_label):
        for scheme in sorted(alt):
            old_scopes, new_scopes = old_alts[alt][scheme], new_alts[alt][scheme]
            where = pointer("security", _label(alt), scheme)
            for scope in sorted(new_scopes - old_scopes):
                ctx.emit("security-scope-added", where, f"scheme {scheme} now needs scope {scope}")
            for scope in sorted(old_scopes - new_scopes):
                ctx.emit(
                    "security-scope-removed",
                    where,
                    f"scheme {scheme} no longer needs scope {scope}",
                )


def _schemes(document: dict[str, Any], ctx_resolver: Any) -> dict[str, dict[str, Any]]:
    schemes = ((document.get("components") or {}).get("securitySchemes")) or {}
    found: dict[str, dict[str, Any]] = {}
    for name, scheme in schemes.items():
        resolved = ctx_resolver.deref(scheme)
        found[str(name)] = resolved if isinstance(resolved, dict) else {}
    return found


def _identity(scheme: dict[str, Any]) -> tuple[str, ...]:
    return (
        str(scheme.get("type", "")),
        str(scheme.get("scheme", "")).lower(),
        str(scheme.get("in", "")),
        str(scheme.get("name", "")),
    )


#: Scheme fields outside its identity whose change clients must follow: (field, rule).
_SCHEME_FIELDS = (
    ("openIdConnectUrl", "security-scheme-open-id-connect-url-changed"),
    ("bearerFormat", "security-scheme-bearer-format-changed"),
)
#: The URLs of an OAuth flow: (field, rule).
_FLOW_URLS = (
    ("tokenUrl", "security-scheme-token-url-changed"),
    ("authorizationUrl", "security-scheme-authorization-url-changed"),
    ("refreshUrl", "security-scheme-refresh-url-changed"),
)


def diff_security_schemes(ctx: Context, old_doc: dict[str, Any], new_doc: dict[str, Any]) -> None:
    old, new = _schemes(old_doc, ctx.old), _schemes(new_doc, ctx.new)
    base = ("components", "securitySchemes")
    for name in sorted(old.keys() - new.keys()):
        ctx.emit("security-scheme-removed", pointer(*base, name), f"security scheme {name} removed")
    for name in sorted(new.keys() - old.keys()):
        ctx.emit("security-scheme-added", pointer(*base, name), f"security scheme {name} added")
    for name in sorted(old.keys() & new.keys()):
        if _identity(old[name]) != _identity(new[name]):
            ctx.emit(
                "security-scheme-type-changed",
                pointer(*base, name),
                f"security scheme {name} changed from {'/'.join(_identity(old[name]))} "
                f"to {'/'.join(_identity(new[name]))}",
            )
            continue
        for field, rule in _SCHEME_FIELDS:
            old_value, new_value = old[name].get(field), new[name].get(field)
            if old_value != new_value:
                ctx.emit(rule, pointer(*base, name, field), f"{name} {field} changed from {old_value} to {new_value}")
        old_flows = old[name].get("flows") or {}
        new_flows = new[name].get("flows") or {}
        for flow in sorted(old_flows.keys() & new_flows.keys()):
            for field, rule in _FLOW_URLS:
                old_url = (old_flows[flow] or {}).get(field)
                new_url = (new_flows[flow] or {}).get(field)
                if old_url != new_url:
                    ctx.emit(rule, pointer(*base, name, "flows", flow, field), f"{name} {flow} {field} changed from {old_url} to {new_url}")
