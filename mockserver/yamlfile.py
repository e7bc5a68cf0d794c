"""Reading the YAML (or JSON) files a user hands the mock: fixtures and ``--faults``.

Every failure is one line that starts ``FILE[:LINE[:COLUMN]]:`` — as compilers write it, so
editors jump to it — instead of PyYAML's multi-line report. A key written twice in one mapping
(which PyYAML silently resolves to the last) is an error too, and the line of every mapping is
kept so later checks (a duplicate id, a schema error) can point at the entry they refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class YamlFileError(ValueError):
    """A file that cannot be read as YAML; the message is one line naming file, line and column."""


@dataclass
class YamlFile:
    path: Path
    data: Any
    #: ``id(mapping)`` -> its 1-based line, for every mapping in ``data``.
    lines: dict[int, int] = field(default_factory=dict)

    def line_of(self, mapping: Any) -> int | None:
        return self.lines.get(id(mapping))

    def where(self, mapping: Any = None) -> str:
        """``FILE:LINE`` of ``mapping`` (``FILE`` alone when it is not a mapping of this file)."""
        line = self.line_of(mapping) if mapping is not None else None
        return f"{self.path}:{line}" if line else str(self.path)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (its C parser when built: a reset reloads the fixtures), plus:
    duplicate keys refused, mapping lines recorded."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines: dict[int, int] = {}

    def construct_yaml_map(self, node: yaml.MappingNode) -> Any:
        data: dict[Any, Any] = {}
        self.lines[id(data)] = node.start_mark.line + 1
        yield data
        data.update(self.construct_mapping(node))

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # ``<<: *anchor`` keys may be overridden, by design
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: PyYAML's own error follows
                continue
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first at line {first})", key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)


def _position(mark: Any) -> str:
    return f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""


def _decode_error(path: Path, raw: bytes, exc: UnicodeDecodeError) -> YamlFileError:
    before = raw[:exc.start]
    line, column = before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1
    return YamlFileError(f"{path}:{line}:{column}: not UTF-8 text (byte 0x{raw[exc.start]:02x})")


def load_yaml(path: str | Path, what: str = "file") -> YamlFile:
    """Read and parse ``path``; raise :class:`YamlFileError` (one line) when that fails."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlFileError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _decode_error(path, raw, exc) from None
    loader = None
    try:
        loader = _Loader(text)  # the reader checks every character here
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        problem = " ".join(str(exc.problem or exc.context or "invalid").split())
        raise YamlFileError(f"{path}{_position(exc.problem_mark or exc.context_mark)}: not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:  # a ReaderError (a control character …) has a position, not a mark
        where = f":{text.count(chr(10), 0, exc.position) + 1}" if isinstance(getattr(exc, "position", None), int) else ""
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        raise YamlFileError(f"{path}{where}: not valid YAML: {reason}") from None
    finally:
        if loader is not None:
            loader.dispose()
    return YamlFile(path, data, loader.lines)
