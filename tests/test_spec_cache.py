"""The parsed spec is kept on disk (``mockserver/spec.py``), as Python keeps bytecode: building an
app then skips parsing the YAML, most of its cost. What it holds must be the spec itself, a change
to the spec must be seen at once, and a cache that is damaged or cannot be written is passed by."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from mockserver import spec


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    spec._load.cache_clear()
    yield tmp_path / "cache" / "canvas-lti-contract"
    spec._load.cache_clear()


def parsed(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_kept_spec_is_the_spec_and_a_change_is_seen(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    shutil.copy(spec.SPEC_PATH, path)
    assert spec.load_spec(path) == parsed(path)
    assert len(list(cache.glob("spec-*.marshal"))) == 1
    spec._load.cache_clear()
    assert spec.load_spec(path) == parsed(path)  # from the kept form
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "title: changed", 1), encoding="utf-8")
    spec._load.cache_clear()
    assert spec.load_spec(path) == parsed(path) and spec.load_spec(path)["info"]["title"].startswith("changed")
    assert len(list(cache.glob("spec-*.marshal"))) == 2


def test_a_damaged_cache_is_parsed_again_and_replaced(cache: Path, tmp_path: Path) -> None:
    spec.load_spec()
    [kept] = cache.glob("spec-*.marshal")
    for damage in (b"", kept.read_bytes()[:1000], b"\x00not marshal"):
        kept.write_bytes(damage)
        spec._load.cache_clear()
        assert spec.load_spec() == parsed(spec.SPEC_PATH)
        assert kept.read_bytes() != damage


def test_a_cache_that_cannot_be_written_is_passed_by(cache: Path) -> None:
    cache.parent.mkdir(parents=True)
    cache.write_text("a file where the directory would be", encoding="utf-8")
    assert spec.load_spec() == parsed(spec.SPEC_PATH)


def test_only_the_newest_parsed_specs_are_kept(cache: Path, tmp_path: Path) -> None:
    for version in range(spec.CACHE_KEPT + 3):
        path = tmp_path / f"spec{version}.yaml"
        path.write_text(f"openapi: 3.0.3\ninfo: {{title: t, version: '{version}'}}\npaths: {{}}\n", encoding="utf-8")
        assert spec.load_spec(path)["info"]["version"] == str(version)
    assert len(list(cache.glob("spec-*.marshal"))) == spec.CACHE_KEPT
