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


def test_the_tools_tests_run_only_when_code_changes() -> None:
    test = _jobs()["test"]
    assert test["needs"] == "check"
    assert test["if"] == "${{ needs.check.outputs.code == 'true' }}"
    assert _step(test, "Tests")["run"] == "python -m pytest"


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
    root = tmp_path / "repo"
    (root / "projects").mkdir(parents=True)
    (root / "schema").mkdir()
    for name in ("projects/aula.yaml", "schema/rules.yaml", "focus_areas.yaml", "README.md"):
        (root / name).write_text("a\n", encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    for name in changed:
        (root / name).write_text("b\n", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "change")
    output = tmp_path / "github-output"
    script = _step(_jobs()["check"], "Data only")["run"]
    subprocess.run(["bash", "-e", "-c", script], cwd=root, check=True, env={**os.environ, "GITHUB_OUTPUT": str(output)})
    assert output.read_text(encoding="utf-8") == f"code={code}\n"
