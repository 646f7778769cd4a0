"""The live preview regenerates only what a save affects, and gets the same pages as a full regeneration."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import preview as preview_module
from generator.forked import SharedFlag
from generator.preview import Preview, regenerate
from generator.render import Page
from tests.conftest import TODAY
from tests.test_site import copy_repository, tree_digest

DOCS = "docs_generated"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "repo")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stat = path.stat()  # a distinct modification time, however fast the test runs
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def _fresh(root: Path, tmp_path: Path) -> dict[str, str]:
    """What a preview started now would write: every page from scratch."""
    other = tmp_path / "fresh"
    shutil.rmtree(other, ignore_errors=True)
    shutil.copytree(root, other, ignore=shutil.ignore_patterns(DOCS, "site"))
    assert regenerate(other, TODAY, print)
    return tree_digest(other / DOCS)


def test_a_saved_project_gives_the_same_pages_as_a_full_regeneration(root: Path, tmp_path: Path) -> None:
    messages: list[str] = []
    preview = Preview(root, TODAY, messages.append)
    assert preview.regenerate()
    # A title other pages name (related projects, coordination), and a status that moves it between tables.
    _edit(root / "projects" / "borgerblikket.yaml", "title: Borgerblikket", "title: Borgerblikket 2.0")
    _edit(root / "projects" / "os2smartmail.yaml", "status: execution", "status: benefits")
    assert preview.regenerate(), messages
    assert tree_digest(root / DOCS) == _fresh(root, tmp_path)
    assert "Borgerblikket 2.0" in (root / DOCS / "projekter" / "kle-opmaerkning-esdh.md").read_text(encoding="utf-8")


def test_only_the_pages_a_save_affects_are_written(root: Path) -> None:
    preview = Preview(root, TODAY, print)
    assert preview.regenerate()
    docs = root / DOCS
    before = {path: path.stat().st_mtime_ns for path in docs.rglob("*.md")}
    _edit(root / "projects" / "aula.yaml", "Aula", "Aula (ny titel)")
    assert preview.regenerate()
    written = {path.relative_to(docs).as_posix() for path, mtime in before.items() if path.stat().st_mtime_ns != mtime}
    assert "projekter/aula.md" in written and "handleplan/afsluttede.md" in written
    assert "projekter/borgerblikket.md" not in written  # shares nothing with Aula
    assert len(written) < len(before) / 2


def test_the_saved_project_is_written_before_the_lists_are_rendered(
    monkeypatch: pytest.MonkeyPatch, root: Path
) -> None:
    preview = Preview(root, TODAY, print)
    assert preview.regenerate()
    order: list[str] = []
    render_site = preview_module.render_site

    def rendering(*args: Any, **kwargs: Any) -> Iterator[Page]:
        for page in render_site(*args, **kwargs):
            order.append(f"rendered {page.path}")
            yield page

    write_page = preview_module.write_page
    monkeypatch.setattr(preview_module, "render_site", rendering)
    monkeypatch.setattr(
        preview_module, "write_page", lambda docs, page: (order.append(f"wrote {page.path}"), write_page(docs, page))
    )
    _edit(root / "projects" / "aula.yaml", "Aula", "Aula (ny titel)")
    assert preview.regenerate()
    wrote = order.index("wrote projekter/aula.md")
    assert order[wrote - 1].startswith("rendered projekter/")  # right after the last project page
    assert "rendered index.md" in order[wrote:]  # the front page and the lists come after


def test_a_template_change_regenerates_everything(root: Path, tmp_path: Path) -> None:
    preview = Preview(root, TODAY, print)
    assert preview.regenerate()
    _edit(root / "site_templates" / "project.md.j2", "## Overblik", "## Overblik over projektet")
    assert preview.regenerate()
    assert "## Overblik over projektet" in (root / DOCS / "projekter" / "aula.md").read_text(encoding="utf-8")
    assert tree_digest(root / DOCS) == _fresh(root, tmp_path)


def test_an_added_project_is_on_every_list(root: Path, tmp_path: Path) -> None:
    preview = Preview(root, TODAY, print)
    assert preview.regenerate()
    source = (root / "projects" / "aula.yaml").read_text(encoding="utf-8")
    (root / "projects" / "aula-2.yaml").write_text(source.replace("title: Aula", "title: Aula to", 1), encoding="utf-8")
    assert preview.regenerate()
    assert (root / DOCS / "projekter" / "aula-2.md").is_file()
    assert tree_digest(root / DOCS) == _fresh(root, tmp_path)


def test_an_error_keeps_the_last_good_pages_and_the_fix_is_picked_up(root: Path, tmp_path: Path) -> None:
    messages: list[str] = []
    preview = Preview(root, TODAY, messages.append)
    assert preview.regenerate()
    good = tree_digest(root / DOCS)
    path = root / "projects" / "aula.yaml"
    _edit(path, "status: completed", "status: færdig-ish")
    assert not preview.regenerate()
    assert "Forhåndsvisningen viser de seneste gode sider." in messages[-1]
    assert tree_digest(root / DOCS) == good
    _edit(path, "status: færdig-ish", "status: completed")
    assert preview.regenerate()
    assert tree_digest(root / DOCS) == _fresh(root, tmp_path)


def test_with_git_history_the_events_and_the_trend_stay_right(root: Path, tmp_path: Path) -> None:
    import subprocess

    environment = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t"}
    environment |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t", "GIT_COMMITTER_DATE": "2026-10-01T10:00"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "start", "--date", "2026-10-01T10:00"]):
        subprocess.run(["git", *command], cwd=root, check=True, env=environment, capture_output=True)
    preview = Preview(root, TODAY, print)
    assert preview.regenerate()
    path = root / "projects" / "nexus-paa-faelleskommunal-infrastruktur.yaml"
    _edit(path, "end: 2026-06-30", "end: 2027-06-30")  # its warning (a passed end date) goes
    assert preview.regenerate()
    assert tree_digest(root / DOCS) == _fresh(root, tmp_path)


def test_a_changed_mkdocs_yml_has_mkdocs_rebuild_every_page(root: Path) -> None:
    preview = Preview(root, TODAY, print)
    assert preview.regenerate()
    docs = root / DOCS
    before = {path: path.stat().st_mtime_ns for path in docs.rglob("*.md")}
    _edit(root / "mkdocs.yml", "site_name:", "site_name:")  # saved, as an editor saves it
    assert preview.regenerate()
    assert all(path.stat().st_mtime_ns > mtime for path, mtime in before.items())


def test_the_preview_has_mkdocs_serve_build_on_two_cores_project_pages_first_and_gives_its_build_back(
    monkeypatch: pytest.MonkeyPatch, root: Path, tmp_path: Path
) -> None:
    import mkdocs.commands.build
    import mkdocs.commands.serve
    from mkdocs.livereload import LiveReloadServer

    from generator import mkdocs_parallel

    used: list[Any] = []
    made: list[Any] = []
    previews: list[Preview] = []
    monkeypatch.setattr(preview_module, "Preview", lambda *args: previews.append(Preview(*args)) or previews[-1])

    def serving(**options: Any) -> None:
        # As MkDocs' serve does: it makes its live-reload server, then builds with the build it imported.
        made.append(mkdocs.commands.serve.LiveReloadServer(builder=print, host="127.0.0.1", port=0, root=str(tmp_path)))  # type: ignore[attr-defined]
        used.append(mkdocs.commands.serve.build)

    monkeypatch.setattr(mkdocs.commands.serve, "serve", serving)
    preview_module.serve_site(root, TODAY, "127.0.0.1:0", report=lambda text: None)
    (builder,), (server,), (preview,) = used, made, previews
    server.server_close()  # its socket, never bound
    assert isinstance(server, LiveReloadServer)
    # It is told of the preview's pages, so it does not poll for them (it would build them twice).
    server.watch(str(root / DOCS))
    server.watch(str(root / "mkdocs.yml"))
    assert list(server._watched_paths) == [str(root / "mkdocs.yml")]
    assert mkdocs.commands.serve.build is mkdocs.commands.build.build  # given back
    assert mkdocs.commands.serve.LiveReloadServer is LiveReloadServer  # type: ignore[attr-defined]
    # Written pages are built at once: MkDocs' server is asked, not left to find them in its next poll.
    assert server._want_rebuild is False
    preview.wake()
    assert server._want_rebuild is True
    builds: list[dict[str, Any]] = []
    monkeypatch.setattr(mkdocs_parallel, "build", lambda config, **options: builds.append(options))
    monkeypatch.setattr(preview_module.gc, "freeze", lambda: builds.append({"frozen": True}))
    builder("config", serve_url="http://127.0.0.1:0/", dirty=True)
    builder("config", serve_url="http://127.0.0.1:0/", dirty=True)
    first, frozen, second = builds
    assert frozen == {"frozen": True}  # what the first build leaves is frozen, once
    # The first build does every page: MkDocs serves the site only after it, and hears of no change before.
    assert first == {"serve_url": "http://127.0.0.1:0/", "dirty": True, "priority": None}
    assert second["serve_url"] == "http://127.0.0.1:0/" and second["dirty"] is True
    priority = second["priority"]
    assert priority.build_again == preview.wake
    urgent = priority.urgent
    assert urgent("projekter/aula.md")
    assert not any(map(urgent, ["projekter/index.md", "handleplan/index.md", "index.md", "projekter/x/y.md"]))


def test_written_project_pages_stop_a_build_of_the_lists(root: Path) -> None:
    waiting = SharedFlag()
    preview = Preview(root, TODAY, print, waiting=waiting)
    assert preview.regenerate()
    assert not waiting.is_set()  # a fresh preview writes everything: MkDocs builds it all
    _edit(root / "projects" / "aula.yaml", "Aula", "Aula (ny titel)")
    assert preview.regenerate()
    assert waiting.is_set()
