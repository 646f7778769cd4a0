"""The pull-request workflow: annotations before any test extra, data-only pull requests skip the tool's tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "pull-request.yml"


def _jobs() -> dict[str, Any]:
    jobs: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    return jobs


def _step(job: dict[str, Any], name: str) -> dict[str, Any]:
    return next(step for step in job["steps"] if step.get("name", "").startswith(name))


def _position(job: dict[str, Any], name: str) -> int:
    return next(i for i, step in enumerate(job["steps"]) if step.get("name", "").startswith(name))


def test_annotations_come_first_with_the_core_install_only() -> None:
    check = _jobs()["check"]
    install = _step(check, "Install handleplan (core")
    assert "requirements/main.txt" in install["run"] and "requirements/test.txt" not in install["run"]
    assert _position(check, "Validate projects") == _position(check, "Install handleplan") + 1
    setup = next(step for step in check["steps"] if step.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip" and setup["with"]["cache-dependency-path"] == "requirements/main.txt"
    assert "pytest" not in WORKFLOW.read_text(encoding="utf-8").split("  test:")[0]


def test_every_pull_request_builds_the_site_and_gets_the_diff() -> None:
    check = _jobs()["check"]
    assert _step(check, "Build the site")["run"] == "handleplan build"
    assert _step(check, "Portfolio diff")["if"] == "${{ !cancelled() }}"  # also when validation failed
    assert _jobs()["comment"]["needs"] == "check"


def test_the_tools_tests_run_only_when_code_changes_and_beside_the_check() -> None:
    test = _jobs()["test"]
    # Not after the check: a code change whose projects fail validation still gets its tests, and sooner.
    assert test["needs"] == "changes"
    assert test["if"] == "${{ needs.changes.outputs.code == 'true' }}"
    assert _step(test, "Tests")["run"] == "python -m pytest"
    changes = _jobs()["changes"]
    assert changes["outputs"]["code"] == "${{ steps.changed.outputs.code }}"
    assert [step.get("uses", "").split("@")[0] for step in changes["steps"]] == ["actions/checkout", ""]  # no Python
    assert changes["steps"][0]["with"]["fetch-depth"] == 2  # the merge commit and both its parents


def _git(root: Path, *args: str) -> None:
    environment = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    environment["GIT_COMMITTER_EMAIL"] = "t@t"
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=environment)


@pytest.mark.parametrize(
    ("changed", "code"),
    [
        (["projects/aula.yaml"], "false"),
        (["projects/aula.yaml", "projects/ny.yaml"], "false"),
        (["projects/aula.yaml", "schema/rules.yaml"], "true"),
        (["focus_areas.yaml"], "true"),
        (["README.md"], "true"),
    ],
    ids=["one-project", "two-projects", "project-and-code", "programme", "readme"],
)
def test_the_change_detection_step(tmp_path: Path, changed: list[str], code: str) -> None:
    # As on GitHub: the pull request's merge commit into a base branch that moved on (a code change
    # there, which the pull request did not make), checked out two commits deep.
    root = tmp_path / "repo"
    (root / "projects").mkdir(parents=True)
    (root / "schema").mkdir()
    for name in ("projects/aula.yaml", "schema/rules.yaml", "focus_areas.yaml", "README.md"):
        (root / name).write_text("a\n", encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    _git(root, "checkout", "-qb", "pull-request")
    for name in changed:
        (root / name).write_text("b\n", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "change")
    _git(root, "checkout", "-q", "main")
    (root / "schema" / "new.py").write_text("a\n", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "main moves on")
    _git(root, "checkout", "-qb", "merge")
    _git(root, "merge", "-q", "--no-ff", "--no-edit", "pull-request")
    assert _detected(root, tmp_path / "checkout", depth=2) == (0, f"code={code}\n")


def _detected(root: Path, checkout: Path, depth: int) -> tuple[int, str]:
    """The change-detection step run as GitHub runs it, in a clone of `root`'s merge branch: exit code, output."""
    _git(root.parent, "clone", "-q", "--depth", str(depth), "--branch", "merge", root.as_uri(), str(checkout))
    output = checkout.parent / f"github-output-{depth}"
    output.touch()
    script = _step(_jobs()["changes"], "Data only")["run"]
    shell = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script]  # GitHub's `shell: bash`
    done = subprocess.run(shell, cwd=checkout, env={**os.environ, "GITHUB_OUTPUT": str(output)}, capture_output=True)
    return done.returncode, output.read_text(encoding="utf-8")


def test_the_change_detection_fails_rather_than_skip_the_tests_when_git_cannot_tell(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "projects").mkdir(parents=True)
    (root / "projects" / "aula.yaml").write_text("a\n", encoding="utf-8")
    _git(root, "init", "-q", "-b", "merge")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    (root / "schema.py").write_text("a\n", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "code")
    code, output = _detected(root, tmp_path / "checkout", depth=1)  # HEAD^1 is not there
    assert code != 0 and output == ""
