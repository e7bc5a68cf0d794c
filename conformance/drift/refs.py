"""Lazy ``$ref`` resolution with cycle protection.

References are followed on demand rather than inlined up front: inlining a recursive schema
never terminates, and inlining shared components multiplies the work on big specs. Local
references (``#/...``) and, after :func:`conformance.drift.bundle.bundle`, references into other
files are followed; anything unresolvable is kept as an opaque marker so two identical dangling
references still compare equal.
"""

from __future__ import annotations

from typing import Any

from conformance.drift.bundle import BASE_KEY, DOCUMENTS_KEY

UNRESOLVED = "x-drift-unresolved-ref"


class Resolver:
    """Follows local JSON-pointer references inside one document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._cache: dict[str, Any] = {}
        #: OpenAPI 3.1 (JSON Schema 2020-12): keywords beside a ``$ref`` apply too; in 3.0
        #: they are ignored, as that specification says.
        self.ref_siblings = str(document.get("openapi", "")).startswith("3.1")

    def _root(self, source: str) -> Any:
        """The document a ref's part before ``#`` names (see :mod:`conformance.drift.bundle`)."""
        if not source or source == self.document.get(BASE_KEY):
            return self.document
        documents = self.document.get(DOCUMENTS_KEY)
        return documents.get(source) if isinstance(documents, dict) else None

    def lookup(self, ref: str) -> Any:
        if ref in self._cache:
            return self._cache[ref]
        source, hash_, fragment = ref.partition("#")
        node: Any = self._root(source) if hash_ or not source else None
        for raw in fragment.split("/")[1:] if node is not None else []:
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                node = None
                break
        if node is None:
            node = {UNRESOLVED: ref}
        self._cache[ref] = node
        return node

    def resolve(self, node: Any) -> tuple[Any, str | None]:
        """Follow a chain of ``$ref``s; returns the target and the last ref followed (if any)."""
        ref: str | None = None
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:  # a ref chain pointing at itself
                return {UNRESOLVED: ref}, ref
            seen.add(ref)
            node = self.lookup(ref)
        return node, ref

    def deref(self, node: Any) -> Any:
        return self.resolve(node)[0]


#: Keys whose value maps names (chosen by the author) to objects: below them, a key such as
#: ``example`` or ``x-id`` is a name, not a keyword.
_NAME_MAPS = frozenset({
    "properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "paths", "webhooks",
    "responses", "content", "headers", "links", "callbacks", "encoding", "schemas", "parameters",
    "examples", "requestBodies", "securitySchemes", "pathItems", "variables",
})  # fmt: skip
#: Keywords whose value is data, never a reference (a ``$ref`` key inside an example is a value).
_LITERALS = frozenset({"example", "default", "enum", "const", "value"})


def dangling_refs(document: dict[str, Any]) -> list[tuple[str, str]]:
    """Every ``$ref`` (and discriminator ``mapping`` reference) that resolves to nothing, as
    ``(reference, where it is used)``; ``where`` is a JSON pointer, prefixed by the file for
    references met in another file of a bundle."""
    resolver = Resolver(document)
    found: list[tuple[str, str]] = []
    roots: list[tuple[str, Any]] = [("#", document)]
    documents = document.get(DOCUMENTS_KEY)
    if isinstance(documents, dict):
        roots += [(f"{source}#", loaded) for source, loaded in documents.items()]
    for root, node in roots:
        stack: list[tuple[Any, str, bool]] = [(node, root, False)]
        while stack:
            current, where, names = stack.pop()
            if isinstance(current, list):
                stack.extend((item, f"{where}/{index}", False) for index, item in enumerate(current))
                continue
            if not isinstance(current, dict):
                continue
            ref = current.get("$ref")
            if not names and isinstance(ref, str) and UNRESOLVED in _as_dict(resolver.lookup(ref)):
                found.append((ref, where))
            for key, value in current.items():
                key = str(key)
                if not names and (key in _LITERALS or key == "$ref" or (key.startswith("x-") and key != DOCUMENTS_KEY)):
                    continue
                if not names and key == "mapping" and isinstance(value, dict):
                    found += [(target, f"{where}/mapping/{_escape(name)}") for name, target in value.items()
                              if isinstance(target, str) and "#" in target and UNRESOLVED in _as_dict(resolver.lookup(target))]
                    continue
                if key == DOCUMENTS_KEY:
                    continue  # walked as roots of their own
                if not names and key == "examples" and isinstance(value, list):
                    continue  # JSON Schema's examples: a list of values
                stack.append((value, f"{where}/{_escape(key)}", not names and key in _NAME_MAPS))
    return sorted(found, key=lambda item: item[1])


def _as_dict(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
