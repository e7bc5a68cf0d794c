"""Run the CI recipes of the docs locally, step by step, as the CI service would.

A recipe is a ```yaml block of the README or a docs page whose first line names the file (``# .github/workflows/…``
or ``# .gitlab-ci.yml``). For each job, the steps become shell scripts run in a working copy:

- GitHub Actions: each ``run:`` step is one ``bash -e`` script with the step's ``env`` and the
  ``${{ … }}`` expressions filled in from a context; ``actions/checkout`` is the working copy the
  caller prepared and ``actions/setup-python`` is this interpreter; ``if: failure()`` steps run only
  after a failure; steps that call ``gh`` need GitHub's API and are skipped.
- GitLab CI: the job's ``script`` lines run in one ``bash -e -o pipefail`` session.

``pip install`` (``tests/pip_stub.py``) installs nothing, since the package is installed here already,
but requires a route a vendor can really take (a released wheel, a Git URL or their own index),
``canvas-lti`` and ``python`` are this environment's, and port 8080 becomes a free port. Processes a
step leaves in the background live until the job ends, as on a CI runner.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.readme_runner import markdown_files, with_port

EXPRESSION_RE = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")
FENCE_RE = re.compile(r"^```yaml\s*$")
PIP_STUB = Path(__file__).with_name("pip_stub.py")
PRELUDE = f"""
pip() {{ {sys.executable} {PIP_STUB} "$@"; }}
python() {{ {sys.executable} "$@"; }}
export -f pip python 2>/dev/null || true
"""


@dataclass
class StepResult:
    name: str
    returncode: int | None  # None: skipped
    output: str = ""


@dataclass
class JobResult:
    job: str
    steps: list[StepResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.returncode in (0, None) for step in self.steps)

    def describe(self) -> str:
        lines = [f"job {self.job}: {'passed' if self.ok else 'failed'}"]
        for step in self.steps:
            state = "skipped" if step.returncode is None else f"exit {step.returncode}"
            lines.append(f"--- {step.name}: {state}\n{step.output[-3000:]}")
        return "\n".join(lines)


def recipes() -> dict[str, dict[str, Any]]:
    """File name (``.github/workflows/x.yml``, ``.gitlab-ci.yml``) -> the parsed recipe."""
    found: dict[str, dict[str, Any]] = {}
    for path in markdown_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        for index, line in enumerate(lines):
            if FENCE_RE.match(line) and index + 1 < len(lines) and lines[index + 1].startswith("# ."):
                end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
                name = lines[index + 1][2:].strip()
                assert name not in found, f"two recipes named {name} ({path.name})"
                found[name] = yaml.safe_load("\n".join(lines[index + 1:end]))
    return found


def _environment(port: int, extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CANVAS_MOCK_URL", None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update({key: with_port(str(value), port) for key, value in extra.items()})
    return env


class JobRunner:
    """Runs the steps of one job in ``workdir``; kills what they left running when closed."""

    def __init__(self, workdir: Path, port: int, env: dict[str, str]) -> None:
        self.workdir, self.port, self.env = workdir, port, env
        self.sessions: list[int] = []

    def shell(self, script: str, env: dict[str, str], options: str = "-e") -> tuple[int, str]:
        process = subprocess.Popen(["bash", *options.split(), "-c", PRELUDE + with_port(script, self.port)],
                                   cwd=self.workdir, env=_environment(self.port, {**self.env, **env}),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.sessions.append(process.pid)
        output, _ = process.communicate(timeout=600)
        return process.returncode, output

    def close(self) -> None:
        for session in self.sessions:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(session, signal.SIGTERM)


def run_github_job(workflow: dict[str, Any], job: str, workdir: Path, port: int, context: dict[str, str]) -> JobResult:
    result = JobResult(job)
    runner = JobRunner(workdir, port, {})
    failed = False
    try:
        for number, step in enumerate(workflow["jobs"][job]["steps"], 1):
            name = step.get("name") or step.get("uses") or step.get("run", "").splitlines()[0]
            name = f"{number}. {name}"
            condition = str(step.get("if", "success()"))
            if ("failure()" in condition) != failed or "uses" in step or "gh " in step.get("run", ""):
                result.steps.append(StepResult(name, None))
                continue

            def fill(text: str) -> str:
                return EXPRESSION_RE.sub(lambda m: context.get(m.group(1), ""), text)

            env = {key: fill(str(value)) for scope in (workflow, workflow["jobs"][job], step)
                   for key, value in (scope.get("env") or {}).items()}
            code, output = runner.shell(fill(step["run"]), env)
            result.steps.append(StepResult(name, code, output))
            failed = failed or code != 0
    finally:
        runner.close()
    return result


def run_gitlab_job(pipeline: dict[str, Any], job: str, workdir: Path, port: int, variables: dict[str, str]) -> JobResult:
    spec = pipeline[job]
    declared = {**(pipeline.get("variables") or {}), **(spec.get("variables") or {})}
    runner = JobRunner(workdir, port, {**variables, **{key: str(value) for key, value in declared.items()}})
    try:
        script = "\n".join([*spec.get("before_script", []), *spec["script"]])
        code, output = runner.shell(script, {}, options="-e -o pipefail")
    finally:
        runner.close()
    return JobResult(job, [StepResult("script", code, output)])


__all__ = ["JobResult", "recipes", "run_github_job", "run_gitlab_job"]
