"""Git features on throwaway repositories: diff, history pages, feed, stale warning, shallow clones."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import REPO, dump_project, valid_project
from tests.test_site import SITE_SOURCES

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


class Repo:
    """A throwaway git repository holding a small portfolio."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        for name in SITE_SOURCES:
            if name == "projects":
                (root / name).mkdir()
            elif (REPO / name).is_dir():
                shutil.copytree(REPO / name, root / name)
            else:
                shutil.copy(REPO / name, root / name)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test")
        self.git("config", "user.email", "test@example.org")

    def git(self, *args: str, date: str = "2026-01-15T12:00:00") -> str:
        environment = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        completed = subprocess.run(
            ["git", *args], cwd=self.root, env=environment, capture_output=True, text=True, check=True
        )
        return completed.stdout

    def write(self, project_id: str, project: dict[str, Any]) -> None:
        (self.root / "projects" / f"{project_id}.yaml").write_text(dump_project(project), encoding="utf-8")

    def commit(self, message: str, date: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, date=date)

    def invoke(self, *args: str) -> Any:
        return CliRunner().invoke(main, ["--root", str(self.root), *args])


NO_DPO = valid_project(signoffs={k: v for k, v in valid_project()["signoffs"].items() if k != "dpo"})


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.write("digital-post", valid_project(status="startup"))
    repo.write("aula", valid_project(title="Aula", status="execution"))
    repo.write("gammel-portal", valid_project(title="Gammel portal", status="execution"))
    repo.commit("Første projekter", "2026-01-15T12:00:00")
    repo.git("tag", "start")
    repo.write("digital-post", valid_project(status="execution"))  # status transition
    repo.write("aula", dict(NO_DPO, title="Aula"))  # breaks HP104
    (repo.root / "projects" / "gammel-portal.yaml").rename(repo.root / "projects" / "ny-portal.yaml")
    repo.write("chatbot", valid_project(title="Chatbot", status="idea"))
    repo.commit("Status, godkendelse, omdøbning og nyt projekt", "2026-03-02T09:00:00")
    repo.git("tag", "second")
    repo.write("aula", valid_project(title="Aula", status="execution"))  # fixes HP104
    repo.commit("Godkendelse tilbage", "2026-04-10T09:00:00")
    return repo


def test_diff_names_added_renamed_and_status_transitions(repo: Repo) -> None:
    result = repo.invoke("diff", "start", "second")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "## Ændringer i handleplanen (`start` → `second`)" in out
    assert "- **Chatbot** (`chatbot`), status: Idé" in out
    assert "- `gammel-portal` → `ny-portal`" in out
    assert "  - Status: Opstart → Gennemførelse" in out
    assert "  - Godkendelser (Databeskyttelsesrådgiver): Dorte DPO, 1. december 2024, DPIA sag 1 → ikke angivet" in out
    assert "  - Nye regelbrud: HP104" in out


def test_diff_reads_git_objects_without_checking_out(repo: Repo) -> None:
    (repo.root / "projects" / "aula.yaml").unlink()  # the working tree no longer matches HEAD
    result = repo.invoke("diff", "start", "second", "--format", "json")
    report = json.loads(result.stdout)
    assert report["schema_version"] == 1
    assert report["added"] == [{"id": "chatbot", "title": "Chatbot", "status": "Idé"}]
    assert report["renamed"] == [{"from": "gammel-portal", "to": "ny-portal"}]
    changed = {c["id"]: c for c in report["changed"]}
    assert changed["digital-post"]["status_from"] == "Opstart"
    assert changed["digital-post"]["status_to"] == "Gennemførelse"
    assert changed["aula"]["rules_broken"] == ["HP104"]


def test_diff_against_the_working_tree_by_default(repo: Repo) -> None:
    repo.write("chatbot", valid_project(title="Chatbot", status="startup"))
    (repo.root / "projects" / "aula.yaml").unlink()
    result = repo.invoke("diff", "HEAD")
    assert "(`HEAD` → arbejdskopien)" in result.stdout
    assert "- **Aula** (`aula`)" in result.stdout.split("### Fjernede projekter")[1]
    assert "  - Status: Idé → Opstart" in result.stdout


@pytest.mark.parametrize("args", [["diff", "no-such-revision"], ["diff", "start", "nope"]])
def test_an_unknown_revision_is_a_usage_error(repo: Repo, args: list[str]) -> None:
    result = repo.invoke(*args)
    assert result.exit_code == 2
    assert "findes ikke" in result.stderr


def test_diff_outside_git_is_a_usage_error(tmp_path: Path, make_portfolio: Any) -> None:
    root = make_portfolio({"p.yaml": dump_project(valid_project())})
    result = CliRunner().invoke(main, ["--root", str(root), "diff", "HEAD"])
    assert result.exit_code == 2
    assert "er ikke et git-repositorium" in result.stderr


def _build(repo: Repo) -> Path:
    result = repo.invoke("build", "--today", "2026-11-24")
    assert result.exit_code == 0, result.output
    return repo.root / "site"


def test_the_changes_page_and_feed_tell_the_history(repo: Repo) -> None:
    site = _build(repo)
    page = (site / "aendringer" / "index.html").read_text(encoding="utf-8")
    assert page.index("2026-04") < page.index("2026-03") < page.index("2026-01")  # newest month first
    assert "Status: Opstart → Gennemførelse." in page
    assert "Overholdelse: nye regelbrud HP104." in page
    assert "Overholdelse: rettet HP104." in page
    assert "Nyt projekt med status Idé." in page
    assert "Projektet er fjernet." in page  # gammel-portal, as git saw the rename
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert feed.startswith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"')
    assert "<updated>2026-04-10T00:00:00Z</updated>" in feed
    assert '<link rel="alternate" type="text/html" href="projekter/digital-post/"/>' in feed


def test_each_project_page_has_its_change_log_and_last_change(repo: Repo) -> None:
    site = _build(repo)
    page = (site / "projekter" / "digital-post" / "index.html").read_text(encoding="utf-8")
    assert "Senest ændret 2. marts 2026" in page
    log = page[page.rindex("Ændringslog") :]
    assert log.index("2026-03-02") < log.index("2026-01-15")


def test_an_active_project_unchanged_for_six_months_is_stale(repo: Repo) -> None:
    result = repo.invoke("validate", "--today", "2026-11-24")
    assert "projects/digital-post.yaml:2:1: HP205 advarsel: Projektet er aktivt, men dets fil er ikke ændret" in (
        result.stdout
    )
    assert "chatbot.yaml:2:1: HP205" not in result.stdout  # an idea is not active
    fresh = repo.invoke("validate", "--today", "2026-06-01")
    assert "HP205" not in fresh.stdout


def test_the_stale_limit_is_read_from_the_programme(repo: Repo) -> None:
    programme = repo.root / "focus_areas.yaml"
    programme.write_text(
        programme.read_text(encoding="utf-8").replace("stale_after_months: 6", "stale_after_months: 12"), "utf-8"
    )
    assert "HP205" not in repo.invoke("validate", "--today", "2026-11-24").stdout


def test_a_shallow_clone_builds_with_a_note(repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True, capture_output=True
    )
    result = CliRunner().invoke(main, ["--root", str(clone), "build", "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    page = (clone / "site" / "aendringer" / "index.html").read_text(encoding="utf-8")
    assert "Historikken er ufuldstændig" in page
    unknown = CliRunner().invoke(main, ["--root", str(clone), "diff", "start"])
    assert unknown.exit_code == 2


def test_outside_git_the_site_builds_without_history(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    shutil.copytree(REPO / "projects", root / "projects")
    for name in ("focus_areas.yaml", "mkdocs.yml"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    page = (root / "site" / "aendringer" / "index.html").read_text(encoding="utf-8")
    assert "Ingen historik: handleplanen er ikke bygget fra et git-repositorium." in page


def test_files_in_subfolders_of_projects_are_no_projects(repo: Repo) -> None:
    archive = repo.root / "projects" / "arkiv"
    archive.mkdir()
    (archive / "aula.yaml").write_text(dump_project(valid_project(title="Aula", status="cancelled")), "utf-8")
    repo.commit("Arkiv", "2026-05-01T09:00:00")
    site = _build(repo)
    assert "Stoppet" not in (site / "aendringer" / "index.html").read_text(encoding="utf-8")
    assert "Senest ændret 10. april 2026" in (site / "projekter" / "aula" / "index.html").read_text(encoding="utf-8")
    assert repo.invoke("diff", "second", "HEAD", "--format", "json").exit_code == 0
    report = json.loads(repo.invoke("diff", "second", "HEAD", "--format", "json").stdout)
    assert [c["id"] for c in report["changed"]] == ["aula"]  # the HP104 fix only
    assert report["changed"][0]["rules_fixed"] == ["HP104"]


def test_the_root_may_be_a_folder_inside_the_repository(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    repo = Repo(outer / "handleplan")
    repo.write("digital-post", valid_project(status="startup"))
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=outer, check=True)
    shutil.rmtree(repo.root / ".git")
    subprocess.run(["git", "add", "-A"], cwd=outer, check=True)
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "x"], cwd=outer, check=True
    )
    repo.write("digital-post", valid_project(status="execution"))
    result = repo.invoke("diff", "HEAD")
    assert result.exit_code == 0, result.output
    assert "Status: Opstart → Gennemførelse" in result.stdout
    assert "HP003" not in result.stdout


def test_a_failing_git_log_is_said_not_swallowed(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_git = shutil.which("git")
    assert real_git is not None
    wrapper = tmp_path / "bin" / "git"
    wrapper.parent.mkdir()
    wrapper.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do [ "$arg" = log ] && { echo "fatal: simulated failure" >&2; exit 128; }; done\n'
        f'exec "{real_git}" "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    result = repo.invoke("validate")
    assert result.exit_code == 0, result.output
    assert "Historikken kunne ikke læses fra git" in result.stderr
    assert "HP205" in result.stderr and "simulated failure" in result.stderr
    result = repo.invoke("build")
    assert result.exit_code == 0, result.output
    changes_page = (repo.root / "site" / "aendringer" / "index.html").read_text(encoding="utf-8")
    assert "Historikken kunne ikke læses fra git" in changes_page
