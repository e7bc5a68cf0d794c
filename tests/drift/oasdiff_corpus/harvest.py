"""Harvest base/revision pairs and their expected verdicts from oasdiff's own checker tests.

Usage: ``python -m tests.drift.oasdiff_corpus.harvest GIT_DIR`` where GIT_DIR is a clone (or a
bare git directory, e.g. the one the ``fetch`` tool gives for ``github:oasdiff/oasdiff``).

Why from the Go tests: a pair's expected verdict is then oasdiff's own, asserted by its authors,
not ours. Each ``checker/*_test.go`` function is read with regular expressions, and kept only
when it is simple enough to trust:

* both documents are loaded from files (``open("…")``, the ``xxxFile("…")`` helpers,
  ``l(t, N)``/``d(t, cfg, a, b)``), changed in Go only by plain assignments that ``replay.py``
  translates to the same YAML edit (``s2.Spec.Paths.Value("/x").Post…Pattern = "^a$"``), diffed
  once with ``diff.NewConfig()``, and checked once with ``singleCheckConfig(check)`` or
  ``allChecksConfig()`` and no other option (severity overrides, deprecation days);
* **breaking** when a rule the test asserts present has level ERR (its level in oasdiff's
  ``checker/rules.go``, or the ``Level:`` the test spells out);
* from the CLI tests (``internal/*_test.go``), ``oasdiff breaking A B --fail-on ERR``: exit 1 is
  breaking, exit 0 not (flags that only normalise the documents are allowed, see ``NEUTRAL_FLAGS``);
* **not breaking** only when every check ran (``allChecksConfig``) at a threshold that includes
  ERR and the test pins the whole result (``require.Empty``, ``require.Len(…, 0)``,
  ``requireSingle…``, ``require.Len(…, N)`` with N asserted ids, ``requireApiChanges``, every
  finding asserted INFO, oasdiff's ``verifyNonBreakingChangeIsChangelogEntry``) with no ERR in it.
  A single-check test that sees only a WARN says nothing about the other rules: such pairs are
  kept with ``breaking: null`` and only reported, never counted.

The pairs' files are copied (with the relative files they ``$ref``) under ``data/`` keeping their
paths in oasdiff's repository, and ``pairs.yaml`` lists every pair with the tests that asserted
its verdict.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from conformance.drift.loader import parse_text
from tests.drift.oasdiff_corpus import replay

HERE = Path(__file__).resolve().parent

FUNC = re.compile(r"^func (Test\w+)\(t \*testing\.T\) \{\n(.*?)^\}", re.M | re.S)
RULE = re.compile(r"newBackwardCompatibilityRule\((\w+), (ERR|WARN|INFO)\b")
ID_CONST = re.compile(r'^\s*(\w+Id)\s*=\s*"([^"]+)"', re.M)
HELPERS = {"deprecationFile": "deprecation", "paramDeprecationFile": "param-deprecation",
           "requiredPropertyFile": "required-properties", "stabilityFile": "stability"}
PATH_EXPR = r'(?:"([^"]+)"|(\w+)\("([^"]+)"\))'
LOAD = re.compile(
    r"\b(\w+), err :?= (?:open\(" + PATH_EXPR + r"(?:, [\w()]+)?\)"
    r"|load\.NewSpecInfo\(\w+, load\.NewSource\(" + PATH_EXPR + r"\)\)"
    r"|\w+\.LoadFromFile\(" + PATH_EXPR + r"\))"
)
LOAD_NUMBERED = re.compile(r"\b(\w+) :?= l\(t, (\d+)(?:, newLoaderWithOriginTracking\(\))?\)")
DIFF = re.compile(r"diff\.GetWithOperationsSourcesMap\(diff\.NewConfig\(\),\s*(?:&load\.SpecInfo\{Spec: )?(\w+)\}?,"
                  r"\s*(?:&load\.SpecInfo\{Spec: )?(\w+)\}?,?\s*\)")
D_HELPER = re.compile(r"\bd\(t, diff\.NewConfig\(\), (\d+), (\d+)\)")
CHECK = re.compile(r"checker\.CheckBackwardCompatibility(UntilLevel)?\((.*?), d, osm(?:, checker\.(ERR|WARN|INFO))?\)")
POSITIVE = [
    re.compile(r"\bId:\s*checker\.(\w+Id)"),
    re.compile(r"require(?:Single)?Change\(t, \w+, checker\.(\w+Id)\)"),
    re.compile(r"require\.Equal\(t, checker\.(\w+Id), [\w\[\]]+\.(?:Id|GetId\(\))\)"),
    re.compile(r"require\.NotNil\(t, findChange\(\w+, checker\.(\w+Id)\)\)"),
    re.compile(r"require\.True\(t, \w+\[checker\.(\w+Id)\]"),
]
STRING_ID = re.compile(r'require\.Equal\(t, "([a-z0-9-]+)", [\w\[\]]+\.(?:Id|GetId\(\))\)')
EXPLICIT_ERR = re.compile(r"Level:\s*checker\.ERR|require\.Equal\(t, checker\.ERR, \w+\[\d+\]\.GetLevel\(\)\)")
WHOLE_EMPTY = re.compile(r"require\.(?:Empty\(t, \w+\)|Len\(t, \w+, 0\))")
WHOLE_LEN = re.compile(r"require\.Len\(t, \w+, (\d+)")
WHOLE_SET = re.compile(r"requireSingle(?:Api)?Change\(|requireApiChanges\(")
DERIVED = ("# Derived from oasdiff's test data (Apache-2.0) by replaying the Go edits its test makes;\n"
           "# see pairs.yaml (go_edits) and README.md in tests/drift/oasdiff_corpus.\n")
ALL_INFO = re.compile(r"for _, (\w+) := range errs \{\s*require\.Equal\(t, checker\.INFO, \1\.GetLevel\(\)\)\s*\}")
LEVELS = {"ERR": 3, "WARN": 2, "INFO": 1}


@dataclass(frozen=True)
class Side:
    """A document as a test builds it: a file, and the Go statements that change it after loading."""

    path: str
    statements: tuple[str, ...] = ()

    def document(self, repo: Repo) -> Any:
        doc = parse_text(repo.show(self.path), self.path)
        replay.replay(doc, list(self.statements), {})
        return doc

    def name(self, test: str, role: str) -> str:
        if not self.statements:
            return self.path
        stem = PurePosixPath(self.path)
        return str(stem.with_name(f"{stem.stem}~{test}-{role}{stem.suffix}"))


@dataclass
class Pair:
    base: Side
    revision: Side
    breaking: bool | None  # None: only a single check ran, and it saw WARN/INFO
    name: str = ""  # the first test that built it (names the derived files)
    documents: tuple[Any, Any] = (None, None)
    tests: list[str] = field(default_factory=list)
    rules: set[str] = field(default_factory=set)


class Repo:
    def __init__(self, git_dir: str) -> None:
        self.git_dir = git_dir
        self.commit = self.git("rev-parse", "HEAD").strip()

    def git(self, *args: str) -> str:
        return subprocess.run(["git", f"--git-dir={self.git_dir}", *args], check=True,
                              capture_output=True, text=True).stdout

    def show(self, path: str) -> str:
        return self.git("show", f"HEAD:{path}")

    def files(self) -> list[str]:
        return self.git("ls-tree", "-r", "HEAD", "--name-only").splitlines()


def rule_levels(repo: Repo) -> dict[str, tuple[str, str]]:
    """Go constant name -> (rule id, default level)."""
    consts: dict[str, str] = {}
    for path in repo.files():
        if path.startswith("checker/") and path.endswith(".go") and not path.endswith("_test.go"):
            consts.update(dict(ID_CONST.findall(repo.show(path))))
    return {name: (consts.get(name, name), level) for name, level in RULE.findall(repo.show("checker/rules.go"))}


def _path(groups: tuple[str | None, ...]) -> str | None:
    for i in range(0, len(groups), 3):
        literal, helper, arg = groups[i:i + 3]
        if literal:
            return literal
        if helper in HELPERS and arg:
            return f"../data/{HELPERS[helper]}/{arg}"
    return None


def _repo_path(go_path: str) -> str:
    return str(PurePosixPath("checker") / go_path).replace("checker/../", "")


def edits(body: str) -> tuple[dict[str, list[str]], dict[str, Any]] | None:
    """The Go statements that change each loaded document (by variable), and the local values they use."""
    statements: dict[str, list[str]] = {}
    for line in body.splitlines():
        line = line.strip()
        if re.search(r"\bs\d\.Spec\b", line) and not line.startswith("require."):
            target = re.search(r"\b(s\d)\.Spec\b", line).group(1)
            statements.setdefault(target, []).append(line)
    variables: dict[str, Any] = {}
    for name, value in re.findall(r"^\s*(\w+) :?= (.+)$", body, re.M):
        try:
            variables[name] = replay._literal(value, {})
        except replay.Unsupported:
            continue
    for lines in statements.values():
        for i, line in enumerate(lines):
            if (m := re.search(r"&(\w+)$", line)) and m.group(1) in variables:
                lines[i] = line[:m.start()] + json.dumps(variables[m.group(1)])
    return statements, variables


def read_test(name: str, body: str, levels: dict[str, tuple[str, str]]) -> tuple[Side, Side, bool | None, set[str]] | None:
    """(base, revision, breaking, rule ids) for a trustworthy test function, else None.
    ``breaking`` is None when only one check ran and it asserted WARN/INFO findings."""
    if re.search(r"\btc\.|checker\.With(?!SingleCheck)|^\s*for (?!_, \w+ := range errs)", body, re.M):
        return None
    # oasdiff's helper: every check at WARN finds nothing, the changelog has one INFO entry.
    body = re.sub(r"verifyNonBreakingChangeIsChangelogEntry\(t, d, osm, checker\.\w+\)",
                  "errs := checker.CheckBackwardCompatibility(allChecksConfig(), d, osm)\n\trequire.Empty(t, errs)", body)
    for var, path in re.findall(r'^\s*(\w+) := "([^"]+\.(?:ya?ml|json))"$', body, re.M):
        body = re.sub(rf"\bopen\({var}\b", f'open("{path}"', body)
    statements, _ = edits(body)
    checks = CHECK.findall(body)
    helper = D_HELPER.findall(body)
    if helper:
        if len(helper) != 1 or checks or "GetWithOperationsSourcesMap" in body:
            return None
        if statements:
            return None
        base, revision = (Side(f"data/openapi-test{n}.yaml") for n in helper[0])
        config, threshold = "allChecksConfig()", "WARN"
    else:
        loads = {m.group(1): _path(m.groups()[1:]) for m in LOAD.finditer(body)}
        loads.update({var: f"../data/openapi-test{n}.yaml" for var, n in LOAD_NUMBERED.findall(body)})
        diffs = DIFF.findall(body)
        if len(diffs) != 1 or len(checks) != 1 or body.count("GetWithOperationsSourcesMap") != 1:
            return None
        old, new = diffs[0]
        if not loads.get(old) or not loads.get(new) or set(statements) - {old, new}:
            return None
        base, revision = (Side(_repo_path(loads[v]), tuple(statements.get(v, ()))) for v in (old, new))
        if base == revision:
            return None
        until, config, level = checks[0]
        threshold = level if until else "WARN"
        if not until and level:
            return None
    single = re.fullmatch(r"singleCheckConfig\(checker\.\w+\)", config)
    if not single and config != "allChecksConfig()":
        return None
    positive = {m for pattern in POSITIVE for m in pattern.findall(body)}
    if re.search(r"require\.True\(t, found\b", body):  # a loop that looks for one id
        positive |= set(re.findall(r"\.GetId\(\) == checker\.(\w+Id)", body))
    by_id = {rule: name for name, (rule, _) in levels.items()}
    positive |= {by_id.get(rule, rule) for rule in STRING_ID.findall(body)}
    if any(m not in levels for m in positive):
        return None
    rules = {levels[m][0] for m in positive}
    breaking = bool(EXPLICIT_ERR.search(body)) or any(levels[m][1] == "ERR" for m in positive)
    if breaking:
        return base, revision, True, rules
    if single and positive:  # one check saw only WARN/INFO: says nothing about the other rules
        return base, revision, None, rules
    if single or LEVELS[threshold] > LEVELS["ERR"]:
        return None
    if ALL_INFO.search(body):  # every finding of every check asserted to be INFO
        return base, revision, False, rules
    pinned = bool(WHOLE_EMPTY.search(body) and not positive) or bool(WHOLE_SET.search(body))
    pinned = pinned or any(int(n) == len(POSITIVE[0].findall(body)) + len(POSITIVE[2].findall(body))
                           for n in WHOLE_LEN.findall(body))
    if not pinned or ("NotEmpty" in body and not positive):
        return None
    return base, revision, False, rules


#: ``oasdiff breaking`` flags that only normalise (our engine merges allOf, path-level parameters
#: and 3.0/3.1 nullability itself), so the verdict holds for the documents as they are.
NEUTRAL_FLAGS = {"--flatten", "--flatten-allof", "--flatten-params", "--auto-upgrade"}
CLI = re.compile(r'require\.(Zero|Equal)\(t, (?:1, )?internal\.Run\(cmdToArgs\("oasdiff breaking (\S+) (\S+)((?: --[\w-]+)*) '
                 r'--fail-on ERR"\)')


def cli_pairs(repo: Repo) -> list[tuple[Side, Side, bool, str]]:
    """Pairs from the CLI tests: ``oasdiff breaking A B --fail-on ERR`` exits 1 exactly when an ERR fires."""
    found = []
    for path in repo.files():
        if not (path.startswith("internal/") and path.endswith("_test.go")):
            continue
        for name, body in FUNC.findall(repo.show(path)):
            for assertion, old, new, flags in CLI.findall(body):
                if old == new or set(flags.split()) - NEUTRAL_FLAGS:
                    continue
                sides = [Side(str(PurePosixPath(*_normal(PurePosixPath("internal") / p)))) for p in (old, new)]
                found.append((sides[0], sides[1], assertion == "Equal", f"{path}:{name}"))
    return found


def harvest(repo: Repo) -> list[Pair]:
    levels = rule_levels(repo)
    pairs: dict[tuple[Side, Side], Pair] = {}
    conflicts: set[tuple[Side, Side]] = set()
    for path in repo.files():
        if not (path.startswith("checker/") and path.endswith("_test.go")) or path.count("/") != 1:
            continue
        for name, body in FUNC.findall(repo.show(path)):
            found = read_test(name, body, levels)
            if found is None:
                continue
            base, revision, breaking, rules = found
            try:
                documents = (base.document(repo), revision.document(repo))
            except (replay.Unsupported, KeyError, IndexError, TypeError, StopIteration,
                    subprocess.CalledProcessError):
                continue
            if documents[0] == documents[1]:
                continue
            pair = pairs.setdefault((base, revision), Pair(base, revision, breaking, name=name, documents=documents))
            if {pair.breaking, breaking} == {True, False}:
                conflicts.add((base, revision))
            if pair.breaking is None or breaking is True:
                pair.breaking = breaking
            pair.tests.append(f"{path}:{name}")
            pair.rules |= rules
    for found in cli_pairs(repo):
        base, revision, breaking, test = found
        pair = pairs.setdefault((base, revision), Pair(base, revision, breaking, name=test.split(":")[1],
                                                       documents=(base.document(repo), revision.document(repo))))
        pair.tests.append(test)
    for key in conflicts:  # a test that pins the whole result wins only if no test saw an ERR
        print(f"conflicting verdicts, kept breaking: {key[0].path} -> {key[1].path}", file=sys.stderr)
    return list(pairs.values())


def refs_of(text: str) -> set[str]:
    return {m for m in re.findall(r"""\$ref:\s*['"]?([^#'"\s]+)""", text) if not m.startswith("http")}


def vendor(repo: Repo, pairs: list[Pair], out: Path) -> None:
    """Copy each pair's files (and what they $ref, transitively); write the documents Go code built."""
    wanted: list[str] = []
    for pair in pairs:
        for side, role, document in zip((pair.base, pair.revision), ("base", "revision"), pair.documents, strict=True):
            wanted.append(side.path)
            if side.statements:
                target = out / "data" / side.name(pair.name, role)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(DERIVED + yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    copied: set[str] = set()
    while wanted:
        path = wanted.pop()
        if path in copied:
            continue
        text = repo.show(path)
        target = out / "data" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        copied.add(path)
        folder = PurePosixPath(path).parent
        wanted += [str(PurePosixPath(*_normal(folder / ref))) for ref in refs_of(text)]


def _normal(path: PurePosixPath) -> list[str]:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return parts


def version_of(text: str) -> str:
    match = re.search(r"""^openapi:\s*['"]?(3\.\d)""", text, re.M)
    return match.group(1) if match else "3.0"


def main(git_dir: str) -> None:
    repo = Repo(git_dir)
    pairs = harvest(repo)
    vendor(repo, pairs, HERE)
    entries = []
    for pair in sorted(pairs, key=lambda p: (p.base.name(p.name, "base"), p.revision.name(p.name, "revision"))):
        entry = {
            "base": pair.base.name(pair.name, "base"),
            "revision": pair.revision.name(pair.name, "revision"),
            "version": max(version_of(yaml.safe_dump(d)) for d in pair.documents),
            "breaking": pair.breaking,
            "rules": sorted(pair.rules),
            "tests": sorted(set(pair.tests)),
        }
        statements = {role: list(side.statements) for role, side in (("base", pair.base), ("revision", pair.revision))
                      if side.statements}
        if statements:
            entry["go_edits"] = statements
        entries.append(entry)
    header = (f"# Harvested by tests/drift/oasdiff_corpus/harvest.py from oasdiff/oasdiff at {repo.commit}.\n"
              "# Each pair's verdict is the one oasdiff's checker tests assert (see README.md here).\n")
    (HERE / "pairs.yaml").write_text(header + yaml.safe_dump(entries, sort_keys=False, width=120))
    verdicts = [e["breaking"] for e in entries]
    print(f"{len(entries)} pairs: {verdicts.count(True)} breaking, {verdicts.count(False)} not, "
          f"{verdicts.count(None)} single-check WARN/INFO (informational)")


if __name__ == "__main__":
    main(sys.argv[1])
