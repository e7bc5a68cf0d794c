"""Request body comparison: presence, required-ness, media types and the body schemas."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conformance.drift.context import Context
from conformance.drift.model import pointer
from conformance.drift.normalize import media_key
from conformance.drift.refs import Resolver
from conformance.drift.schemas import diff_schema


def media_types(
    container: dict[str, Any], resolver: Resolver
) -> dict[str, tuple[str, dict[str, Any]]]:
    """``content`` keyed by normalised media type -> (original spelling, media object)."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    content = container.get("content")
    if not isinstance(content, dict):
        return found
    for name, media in content.items():
        resolved = resolver.deref(media)
        found[media_key(name)] = (str(name), resolved if isinstance(resolved, dict) else {})
    return found


def is_json(media_key: str) -> bool:
    """JSON is strongly typed (``1`` is not ``"1"``); other media types carry text."""
    essence = media_key.split(";")[0]
    return essence == "application/json" or essence.endswith("+json")


def diff_content(ctx: Context, old: dict[str, Any], new: dict[str, Any], base: tuple[str, ...], rule: str,
                 nested: str, *, removed: str, added: str) -> None:
    """Media types removed/added under ``content``, and the schemas of those both sides have.
    Request bodies and responses differ only in rule ids, messages and where they sit."""
    old_media, new_media = media_types(old, ctx.old), media_types(new, ctx.new)
    for key in sorted(old_media.keys() - new_media.keys()):
        name = old_media[key][0]
        ctx.emit(f"{rule}-removed", pointer(*base, "content", name), removed.format(name=name))
    for key in sorted(new_media.keys() - old_media.keys()):
        name = new_media[key][0]
        ctx.emit(f"{rule}-added", pointer(*base, "content", name), added.format(name=name))
    for key in sorted(old_media.keys() & new_media.keys()):
        name, new_obj = new_media[key]
        old_obj = old_media[key][1]
        where = pointer(*base, "content", name, "schema")
        if "schema" in old_obj and "schema" in new_obj:
            scoped = ctx if is_json(key) else replace(ctx, weak=True)
            diff_schema(scoped, old_obj["schema"], new_obj["schema"], where, nested)
        elif "schema" in new_obj:
            ctx.emit(f"{rule}-schema-added", where, f"{name} now has a schema")
        elif "schema" in old_obj:
            ctx.emit(f"{rule}-schema-removed", where, f"{name} no longer has a schema")


def diff_request_body(ctx: Context, old_op: dict[str, Any], new_op: dict[str, Any]) -> None:
    old = ctx.old.deref(old_op.get("requestBody"))
    new = ctx.new.deref(new_op.get("requestBody"))
    old = old if isinstance(old, dict) else None
    new = new if isinstance(new, dict) else None
    if old is None and new is None:
        return
    if old is None:
        kind = "required" if new and new.get("required") else "optional"
        ctx.emit(f"request-body-added-{kind}", "/requestBody", f"{kind} request body added")
        return
    if new is None:
        ctx.emit("request-body-removed", "/requestBody", "request body removed")
        return
    if bool(old.get("required")) != bool(new.get("required")):
        if new.get("required"):
            ctx.emit(
                "request-body-became-required",
                "/requestBody/required",
                "request body became required",
            )
        else:
            ctx.emit(
                "request-body-became-optional",
                "/requestBody/required",
                "request body became optional",
            )
    diff_content(ctx, old, new, ("requestBody",), "request-body-media-type", "request-property",
                 removed="request media type {name} no longer accepted", added="request media type {name} added")
