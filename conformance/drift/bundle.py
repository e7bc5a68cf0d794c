"""Making references to other files resolvable (``other.yaml#/components/schemas/X``).

Descriptions split across files are common; the lazy resolver only understands one document,
so at load time every external file is loaded once, stored under the root's
``x-drift-documents`` extension (extensions are never compared; ``x-drift-base`` names the
root), and every ``$ref`` is rewritten to an absolute ``source#pointer`` form. Local refs
inside an external file are rewritten to point into that file, so each ref means the same
thing wherever it ends up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from conformance.drift.loader import LoadError, is_url, parse_text, read_source

DOCUMENTS_KEY = "x-drift-documents"
BASE_KEY = "x-drift-base"
MAX_DOCUMENTS = 200


def absolute(base: str, target: str) -> str:
    """``target`` (relative to the document at ``base``) as an absolute path or URL."""
    if is_url(target):
        return target
    if is_url(base):
        return urljoin(base, target)
    return str((Path(base).resolve().parent / target).resolve())


def _rewrite(node: Any, base: str, pending: list[str]) -> None:
    """Rewrite refs below ``node`` to absolute form; collect the external sources they name."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                source, _, fragment = ref.partition("#")
                target = absolute(base, source) if source else base
                current["$ref"] = f"{target}#{fragment}"
                if source:
                    pending.append(target)
            stack.extend(v for k, v in current.items() if k != "$ref")
        elif isinstance(current, list):
            stack.extend(current)


def has_external_refs(document: Any) -> bool:
    stack = [document]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return True
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return False


def bundle(document: dict[str, Any], base: str) -> dict[str, Any]:
    """Load every file ``document`` references (transitively); refs become absolute."""
    if not has_external_refs(document):
        return document  # the common case: leave local refs exactly as written
    base = base if is_url(base) else str(Path(base).resolve())
    pending: list[str] = []
    _rewrite(document, base, pending)
    documents: dict[str, Any] = {base: document}
    while pending:
        source = pending.pop()
        if source in documents:
            continue
        if len(documents) > MAX_DOCUMENTS:
            raise LoadError(f"{base}: more than {MAX_DOCUMENTS} referenced files")
        try:
            loaded = parse_text(read_source(source), source)
        except LoadError as exc:
            raise LoadError(f"referenced file: {exc}") from exc
        _rewrite(loaded, source, pending)
        documents[source] = loaded
    del documents[base]
    document[DOCUMENTS_KEY] = documents
    document[BASE_KEY] = base  # refs into the root itself name it by this absolute source
    return document
