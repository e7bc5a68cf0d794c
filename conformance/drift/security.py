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
    for alt in sorted(old_alts.keys() - new_alts.keys(), key=_label):
        ctx.emit(
            "security-requirement-removed",
            pointer("security", _label(alt)),
            f"security requirement {_label(alt)} removed",
        )
    for alt in sorted(new_alts.keys() - old_alts.keys(), key=_label):
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
        old_flows = old[name].get("flows") or {}
        new_flows = new[name].get("flows") or {}
        for flow in sorted(old_flows.keys() & new_flows.keys()):
            old_url = (old_flows[flow] or {}).get("tokenUrl")
            new_url = (new_flows[flow] or {}).get("tokenUrl")
            if old_url != new_url:
                ctx.emit(
                    "security-scheme-token-url-changed",
                    pointer(*base, name, "flows", flow, "tokenUrl"),
                    f"{name} {flow} tokenUrl changed from {old_url} to {new_url}",
                )
