"""The work a build shares out: a forked worker, MkDocs in a process of its own; the same result either way."""

from __future__ import annotations

import functools
import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator import background, forked, mkdocs_process, portfolio
from generator.build import build_site, mkdocs_started, read_site_config
from generator.cli import main
from generator.docs_folder import NewFileWriter
from generator.errors import TemplateFailed
from generator.mkdocs_process import MkDocsFailed, MkDocsProcess
from generator.portfolio import load_portfolio
from generator.render import Page
from generator.report import format_report
from generator.views import build_site_data
from tests.conftest import REPO, TODAY
from tests.test_site import build, copy_repository, tree_digest


def test_the_worker_maps_its_share_in_order_and_says_how_much() -> None:
    items = list(range(1000))
    told: list[int] = []
    assert forked.map_shared(lambda n: n * n, items, done=told.append) == [n * n for n in items]
    assert sum(told) == 1000
    assert told[-1] == 450 if forked.can_fork() else told == [1] * 1000


def test_a_share_of_nothing_forks_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "forked", lambda job: pytest.fail("forked for nothing"))
    assert forked.map_shared(str, [1, 2, 3], worker_share=0) == ["1", "2", "3"]


@pytest.mark.skipif(not forked.can_fork(), reason="a worker only with a second core and fork")
@pytest.mark.parametrize("worker", ["stuck", "dead"])
def test_a_share_from_a_stuck_or_dead_worker_is_mapped_here(monkeypatch: pytest.MonkeyPatch, worker: str) -> None:
    monkeypatch.setattr(forked, "_map_job", failing_task(worker))
    monkeypatch.setattr(forked, "PATIENCE_SECONDS", 0.5)
    told: list[int] = []
    assert forked.map_shared(str, list(range(100)), done=told.append) == [str(n) for n in range(100)]
    assert sum(told) == 100
    assert not multiprocessing.active_children()


@pytest.mark.skipif(not forked.can_fork(), reason="a worker only with a second core and fork")
def test_an_error_here_does_not_wait_for_ever_for_a_stuck_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "PATIENCE_SECONDS", 0.5)
    started = time.monotonic()
    with pytest.raises(ValueError, match="her"), forked.forked(None) as worker:
        assert worker is not None
        worker(failing_task("stuck"))
        raise ValueError("fejl her")
    assert time.monotonic() - started < 30 and not multiprocessing.active_children()


def test_the_worker_is_given_a_minute_or_four_times_this_process_own_part() -> None:
    assert forked.patience(0.2) == forked.PATIENCE_SECONDS == 60
    assert forked.patience(100.0) == 400.0


def failing_task(how: str) -> functools.partial[Any]:
    """A worker task that never ends, or one that kills the worker; either pickles, so it is run."""
    return functools.partial(time.sleep, 3600) if how == "stuck" else functools.partial(os._exit, 3)


@pytest.mark.skipif(not forked.can_fork(), reason="a worker only with a second core and fork")
def test_a_shared_flag_is_seen_across_the_fork_and_outlives_a_killed_worker() -> None:
    # A multiprocessing Event deadlocked here: its set() waited for a killed worker to wake up.
    flag = forked.SharedFlag()
    context = multiprocessing.get_context("fork")
    watcher = context.Process(target=_watch_flag, args=(flag,))
    watcher.start()
    time.sleep(0.1)
    watcher.kill()
    watcher.join()
    setter = context.Process(target=flag.set)
    setter.start()
    setter.join(10)
    assert setter.exitcode == 0 and flag.is_set()
    flag.clear()
    assert not flag.is_set()


def _watch_flag(flag: forked.SharedFlag) -> None:
    while not flag.is_set():
        time.sleep(0.001)


def test_an_error_in_the_worker_reaches_the_caller() -> None:
    def fails_in_the_tail(n: int) -> int:
        if n == 9:
            raise ValueError("nine")
        return n

    with pytest.raises(ValueError, match="nine"):
        forked.map_shared(fails_in_the_tail, list(range(10)))


@pytest.mark.skipif(not forked.can_fork(), reason="the exports are made meanwhile only with a second core and fork")
@pytest.mark.parametrize("worker", ["stuck", "dead"])
def test_exports_from_a_stuck_or_dead_worker_are_made_here(monkeypatch: pytest.MonkeyPatch, worker: str) -> None:
    # The preview forks the exports' worker from its watcher thread while MkDocs' threads run.
    data = build_site_data(load_portfolio(REPO, today=TODAY), TODAY)
    expected = background.make_exports(data)
    monkeypatch.setattr(background, "_exports_of_job", failing_task(worker))
    monkeypatch.setattr(forked, "PATIENCE_SECONDS", 0.5)
    started = time.monotonic()
    with background.exports_in_background(data) as exports:
        assert exports() == expected
        assert exports() is exports()  # made once
    assert time.monotonic() - started < 30
    assert not multiprocessing.active_children()


def test_files_checked_by_two_processes_give_the_same_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    (root / "projects" / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    (root / "projects" / "cpr.yaml").write_text("title: Borger 010203-1234\n", encoding="utf-8")
    alone = format_report(load_portfolio(root, today=TODAY), "json")
    monkeypatch.setattr(portfolio, "SHARED_FROM", 1)
    advanced: list[int] = []
    shared = load_portfolio(root, today=TODAY, progress=advanced.append)
    assert format_report(shared, "json") == alone
    assert sum(advanced) == len(shared.project_files)


def test_the_site_is_the_same_without_a_second_core(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    shared = tree_digest(build(copy_repository(tmp_path / "shared")))
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    monkeypatch.setattr(portfolio, "SHARED_FROM", 1)
    monkeypatch.setattr(mkdocs_process, "_start", _no_processes)  # MkDocs builds in this process
    alone = tree_digest(build(copy_repository(tmp_path / "alone")))
    assert alone == shared


def _no_processes(*args: object, **kwargs: object) -> None:
    raise OSError("no processes here")


def test_mkdocs_never_asked_to_build_writes_nothing_and_ends(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    config = read_site_config(root)
    with mkdocs_started(config, TODAY) as mkdocs:
        process = mkdocs._process
        assert process is not None and process.poll() is None  # getting ready meanwhile
    assert process.returncode == 0
    assert not mkdocs.site_dir.exists()


@pytest.mark.parametrize("where", ["its process", "here"])
def test_mkdocs_says_why_it_failed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, where: str) -> None:
    # Its exception says only "Aborted with a configuration error!"; the reason is what it logged.
    if where == "here":
        monkeypatch.setattr(mkdocs_process, "_start", _no_processes)
    root = copy_repository(tmp_path / "repo")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("name: material", "name: no-such-theme"), "utf-8")
    mkdocs = MkDocsProcess(config, root / ".site.new-test", {"NO_MKDOCS_2_WARNING": "1"})
    with pytest.raises(MkDocsFailed, match=r"^Config value 'theme': Unrecognised theme name: 'no-such-theme'"):
        mkdocs.build()


def test_a_failed_mkdocs_is_told_in_danish_with_its_own_words_marked(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("name: material", "name: no-such-theme"), "utf-8")
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--today", TODAY.isoformat()])
    assert result.exit_code != 0
    lead = "MkDocs kunne ikke bygge sitet: fejlen er i mkdocs.yml. MkDocs' egen forklaring (på engelsk): "
    assert lead in result.stderr
    assert "'no-such-theme'" in result.stderr and "Der er endnu intet site." in result.stderr
    assert "Aborted" not in result.stderr and "Traceback" not in result.output


def test_a_killed_mkdocs_process_is_replaced_by_a_build_here(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    expected = tree_digest(build(root))
    mkdocs = MkDocsProcess(root / "mkdocs.yml", root / ".site.new-test", {"SOURCE_DATE_EPOCH": "1795478400"})
    assert mkdocs._process is not None
    mkdocs._process.kill()
    mkdocs._process.wait()
    assert mkdocs.build() == []
    assert (root / ".site.new-test" / "index.html").is_file()
    assert set(tree_digest(root / ".site.new-test")) == {k for k in expected if not k.startswith(".handleplan")}


def test_a_theme_template_mkdocs_cannot_read_is_named_with_its_line(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    override = root / "site_templates" / "overrides" / "main.html"
    override.write_text('{% extends "base.html" %}\n{% block content %}{{ \n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--today", TODAY.isoformat()])
    assert result.exit_code != 0
    assert f"{override}, linje 2: unexpected 'end of template'" in result.stderr
    assert "Traceback" not in result.output


def test_mkdocs_warnings_come_back_from_its_process(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    (root / "site_templates" / "rules.md.j2").write_text("[brudt](findes-ikke.md)\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "MkDocs: " in result.stderr and "findes-ikke.md" in result.stderr


def test_a_row_template_without_a_column_names_the_template(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    row = root / "site_templates" / "_project_row.html.j2"
    row.write_text(row.read_text(encoding="utf-8").replace("{% set lead %}", "{% set leader %}"), encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--today", TODAY.isoformat()])
    assert result.exit_code == 1
    assert "_project_row.html.j2 sætter ikke 'lead'" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("template", ["project.md.j2", "action_plan.md.j2"])
def test_a_failing_template_leaves_the_docs_as_they_were(tmp_path: Path, template: str) -> None:
    # The worker renders the project pages, this process the lists: neither writes until both rendered.
    root = copy_repository(tmp_path / "repo")
    build(root)
    before = tree_digest(root / "docs_generated")
    (root / "projects" / "borgerblikket.yaml").write_text(
        (root / "projects" / "borgerblikket.yaml").read_text(encoding="utf-8").replace("title: ", "title: Ny ", 1),
        encoding="utf-8",
    )
    (root / "site_templates" / template).write_text("{{ view.no_such_field.deeper }}", encoding="utf-8")
    with pytest.raises(TemplateFailed, match=template):
        build_site(load_portfolio(root, today=TODAY), TODAY)
    assert tree_digest(root / "docs_generated") == before


def test_new_files_are_written_meanwhile_and_existing_ones_refused(tmp_path: Path) -> None:
    (tmp_path / "projekter").mkdir()
    (tmp_path / "projekter" / "gammel.md").write_text("før", encoding="utf-8")
    writer = NewFileWriter(tmp_path)
    assert not writer.offer(Page("projekter/gammel.md", "efter"))  # changed only once every page rendered
    assert writer.offer(Page("projekter/ny.md", "ny"))
    assert writer.offer(Page("andet/dybt/ny.md", "ny"))
    writer.finish()
    assert (tmp_path / "projekter" / "gammel.md").read_text(encoding="utf-8") == "før"
    assert (tmp_path / "projekter" / "ny.md").read_text(encoding="utf-8") == "ny"
    assert (tmp_path / "andet" / "dybt" / "ny.md").is_file() and writer.written == 2


def test_a_new_file_that_cannot_be_written_is_reported_by_finish(tmp_path: Path) -> None:
    (tmp_path / "optaget").write_text("en fil, ikke en mappe", encoding="utf-8")
    writer = NewFileWriter(tmp_path)
    assert writer.offer(Page("optaget/side.md", "x"))
    with pytest.raises(OSError):
        writer.finish()
