"""Use an installed wheel as a user would, from an empty directory (run by .ci/wheel_smoke.sh).

Checks that the package data ships (spec, fixtures) and that `canvas-lti mock`, `launch`, `drift`
(spec vs spec and --live) and `conform` (in-process) work outside the checkout. Exits non-zero on
the first failure, naming it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import httpx
import yaml

BIN = Path(sys.executable).parent


def run(*args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(BIN / "canvas-lti"), *args], capture_output=True, text=True, timeout=600)
    if result.returncode != expect:
        sys.exit(f"smoke: `canvas-lti {' '.join(args)}` exited {result.returncode}, expected {expect}\n"
                 f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    print(f"ok: canvas-lti {' '.join(args)} (exit {result.returncode})", flush=True)
    return result


def main() -> None:
    import mockserver
    from mockserver.resources import default_fixtures_path, spec_path

    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    for what, path in (("package", Path(mockserver.__file__)), ("spec", spec_path()), ("fixtures", default_fixtures_path())):
        if site not in path.resolve().parents:
            sys.exit(f"smoke: the {what} is not loaded from the installed wheel: {path}")
        print(f"ok: {what} from {path}")
    assert shutil.which("canvas-lti", path=str(BIN)), "no canvas-lti entry point"

    # drift: the bundled spec against a copy with an operation removed
    spec = yaml.safe_load(spec_path().read_text(encoding="utf-8"))
    del spec["paths"]["/api/lti/courses/{course_id}/line_items"]["post"]
    Path("changed.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    run("drift", str(spec_path()), "changed.yaml", "--fail-on", "breaking", "--format", "json", "--output", "drift.json", expect=1)
    assert json.loads(Path("drift.json").read_text())["summary"]["breaking"] >= 1

    # conform, in-process
    run("conform", "--operation", "listLineItems", "--max-examples", "3", "--no-stateful", "--seed", "1", "--quiet")

    # mock, then launch and live drift against it
    mock = subprocess.Popen([str(BIN / "canvas-lti"), "mock", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        banner = mock.stdout.readline()  # type: ignore[union-attr]
        match = re.match(r"Canvas LTI mock on (\S+)", banner)
        if not match:
            mock.kill()
            sys.exit(f"smoke: canvas-lti mock printed no banner: {banner!r} {mock.stderr.read()}")  # type: ignore[union-attr]
        base = match.group(1)
        config = httpx.get(f"{base}/__mock__/config", timeout=30).json()
        assert any(t["name"] == "Mock Grading Tool" for t in config["tools"]), config
        print(f"ok: canvas-lti mock serves the bundled fixtures on {base}")
        page = httpx.get(f"{base}/__mock__/ui/", timeout=30)  # templates and static files are package data
        script = httpx.get(f"{base}/__mock__/ui/static/htmx.min.js", timeout=30) if "htmx" in page.text else None
        assert page.status_code == 200 and "text/html" in page.headers["content-type"], page.text[:300]
        assert script is None or script.status_code == 200, "the console's static files are missing"
        print("ok: the web console renders from the installed templates")
        login = json.loads(run("launch", "--base-url", base, "--tool", "Mock Grading Tool", "--course", "101",
                               "--user", "20").stdout)
        assert login["login_url"] and login["params"]["lti_message_hint"], login
        run("drift", "--live", "--base-url", base, "--fail-on", "breaking", "--output", "live.txt")
    finally:
        mock.terminate()
        mock.wait(timeout=30)
    print("smoke: the installed wheel works")


if __name__ == "__main__":
    main()
