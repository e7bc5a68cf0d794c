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
