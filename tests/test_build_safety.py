"""Builds that never interleave and never half-publish: the output lock, the atomic swap, recovery."""

from __future__ import annotations

import ctypes
import errno
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.synthetic import write_portfolio
from generator import build as build_module
from generator import lock, removal
from generator.build import SITE_MARKER, build_site, recover_site, restore_site
from generator.cli import main
from generator.errors import SiteBuildFailed
from generator.lock import WAITING, output_lock
from generator.portfolio import load_portfolio
from generator.preview import regenerate, serve_site
from generator.removal import remove_later, wait_for_removals
from tests.conftest import REPO, TODAY, dump_project, valid_project
from tests.test_site import copy_repository, tree_digest

HANDLEPLAN = Path(sys.executable).parent / "handleplan"
BUILD_ARGS = ["build", "--today", TODAY.isoformat()]

# Holds the output lock of argv[1] until its stdin closes: another build, as far as the lock can tell.
HOLDER = """
import sys
from pathlib import Path
from generator.lock import output_lock
with output_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""

# `handleplan build`, killed with os._exit(9) at one step of the swap: `before` the Nth
# file-system step of the swap runs, or `after` it. "fallback" makes the exchange
# unavailable, as on a kernel or file system without renameat2's RENAME_EXCHANGE.
KILLER = """
import os
import sys
from generator import build
from generator.cli import run

path, when, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
calls = 0

def interrupted(step):
    def run_step(*args):
        global calls
        calls += 1
        if calls == kill_at and when == "before":
            os._exit(9)
        result = step(*args)
        if calls == kill_at:
            os._exit(9)
        return result
    return run_step

if path == "fallback":
    build._exchange = lambda first, second: False
else:
    build._exchange = interrupted(build._exchange)
build._rename = interrupted(build._rename)
build._discard = interrupted(build._discard)
sys.argv = ["handleplan", *sys.argv[4:]]
run()
"""


def leftovers(root: Path) -> list[str]:
    """Staging and retired folders beside site/."""
    return sorted(path.name for path in root.iterdir() if path.name.startswith((".site.new", ".site.old")))


def leftovers_once_removed(root: Path, timeout: float = 60) -> list[str]:
    """The leftovers once the removals that builds started in the background are done."""
    wait_for_removals()  # those this process started
    deadline = time.monotonic() + timeout
    while leftovers(root) and time.monotonic() < deadline:  # those other processes started
        time.sleep(0.05)
    return leftovers(root)


def invoke_build(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *BUILD_ARGS])
    return result.exit_code, result.stderr


@contextmanager
def lock_held_elsewhere(root: Path) -> Iterator[subprocess.Popen[str]]:
    """The output lock of `root`, held by another process until the block ends (or its stdin closes)."""
    command = [sys.executable, "-c", HOLDER, str(root)]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder


# --- (a) two builds at once -------------------------------------------------------------------------


@pytest.mark.slow
def test_two_builds_at_once_take_turns_and_leave_a_whole_site(tmp_path: Path) -> None:
    reference_root = write_portfolio(tmp_path / "reference", 300, with_site=True)
    root = write_portfolio(tmp_path / "repo", 300, with_site=True)
    # The builds of one round take turns, so one clean build elsewhere can use the idle CPU.
    reference = subprocess.Popen([str(HANDLEPLAN), *BUILD_ARGS], cwd=reference_root, stderr=subprocess.PIPE, text=True)
    expected: dict[str, str] = {}
    waited = []
    for _ in range(3):  # the first round starts with no site at all
        first = subprocess.Popen([str(HANDLEPLAN), *BUILD_ARGS], cwd=root, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        second = subprocess.Popen([str(HANDLEPLAN), *BUILD_ARGS], cwd=root, stderr=subprocess.PIPE, text=True)
        errors = [process.communicate(timeout=300)[1] for process in (first, second)]
        if not expected:
            assert reference.communicate(timeout=300)[1] == "" and reference.returncode == 0
            expected = tree_digest(reference_root / "site")
            assert "index.html" in expected
        assert (first.returncode, second.returncode) == (0, 0), errors
        assert tree_digest(root / "site") == expected
        assert leftovers_once_removed(root) == []
        waited.append(WAITING in errors[1])
    assert any(waited), "the second build never had to wait: the test did not overlap the builds"


# --- (b) a build killed at each step of the swap ----------------------------------------------------


@pytest.fixture(scope="module")
def old_and_new(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], dict[str, str]]:
    """A checkout with a built site whose sources have changed since; the old and the new site's digests."""
    template = copy_repository(tmp_path_factory.mktemp("kill") / "template")
    assert invoke_build(template)[0] == 0
    old = tree_digest(template / "site")
    source = template / "projects" / "aula.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("title: ", "title: Ny ", 1), encoding="utf-8")
    fresh = tmp_path_factory.mktemp("kill") / "new"
    shutil.copytree(template, fresh)
    assert invoke_build(fresh)[0] == 0
    new = tree_digest(fresh / "site")
    assert new != old
    return template, old, new


def exchange_works(folder: Path) -> bool:
    (folder / "a").mkdir()
    (folder / "b").mkdir()
    return build_module._exchange(folder / "a", folder / "b")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "when", "step", "expected"),
    [
        pytest.param("exchange", "before", 1, "old", id="exchange-before-exchanging"),
        pytest.param("exchange", "after", 1, "new", id="exchange-before-removing-the-old-site"),
        pytest.param("exchange", "after", 2, "new", id="exchange-after-discarding-the-old-site"),
        pytest.param("fallback", "before", 1, "old", id="fallback-before-retiring-the-old-site"),
        pytest.param("fallback", "after", 1, "old", id="fallback-between-the-renames"),
        pytest.param("fallback", "after", 2, "new", id="fallback-before-removing-the-old-site"),
        pytest.param("fallback", "after", 3, "new", id="fallback-after-renaming-the-old-site-as-staging"),
        pytest.param("fallback", "after", 4, "new", id="fallback-after-discarding-the-old-site"),
        pytest.param("first", "before", 1, None, id="first-site-before-its-rename"),
        pytest.param("first", "after", 1, "new", id="first-site-after-its-rename"),
    ],
)
def test_a_build_killed_during_the_swap_leaves_a_whole_site(
    tmp_path: Path,
    old_and_new: tuple[Path, dict[str, str], dict[str, str]],
    path: str,
    when: str,
    step: int,
    expected: str | None,
) -> None:
    if path == "exchange" and not exchange_works(tmp_path):
        pytest.skip("this file system cannot exchange folders (renameat2 RENAME_EXCHANGE)")
    template, old, new = old_and_new
    root = tmp_path / "repo"
    shutil.copytree(template, root)
    if path == "first":
        shutil.rmtree(root / "site")
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, path, when, str(step), *BUILD_ARGS], cwd=root, capture_output=True, text=True
    )
    assert killed.returncode == 9, killed.stderr

    site = root / "site"
    whole = {"old": old, "new": new, None: {}}[expected]
    if path != "fallback":
        assert tree_digest(site) == whole  # without any help
    elif not site.exists():
        retired = [name for name in leftovers(root) if name.startswith(".site.old-")]
        assert len(retired) == 1 and tree_digest(root / retired[0]) == old
    assert restore_site(root) == (expected is not None)  # what the next build does first, under the lock
    assert tree_digest(site) == whole
    assert leftovers_once_removed(root) == []

    assert invoke_build(root)[0] == 0
    assert tree_digest(site) == new
    assert leftovers_once_removed(root) == []


def test_the_exchange_falls_back_only_where_the_system_cannot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def refusing(code: int) -> Callable[..., int]:
        def renameat2(*args: object) -> int:
            ctypes.set_errno(code)
            return -1

        return renameat2

    for code in (errno.EINVAL, errno.ENOSYS):
        monkeypatch.setattr(build_module, "_renameat2", lambda code=code: refusing(code))
        assert build_module._exchange(tmp_path / "a", tmp_path / "b") is False
    monkeypatch.setattr(build_module, "_renameat2", lambda: refusing(errno.EACCES))
    with pytest.raises(PermissionError):
        build_module._exchange(tmp_path / "a", tmp_path / "b")
    monkeypatch.setattr(build_module, "_renameat2", lambda: None)  # not Linux, or no renameat2 in the C library
    assert build_module._exchange(tmp_path / "a", tmp_path / "b") is False


def test_the_fallback_swap_builds_the_same_site(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    assert invoke_build(root)[0] == 0
    first = tree_digest(root / "site")
    monkeypatch.setattr(build_module, "_exchange", lambda first, second: False)
    assert invoke_build(root)[0] == 0
    assert tree_digest(root / "site") == first
    assert leftovers_once_removed(root) == []


def test_recovery_removes_only_folders_named_as_its_own(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name in (".site.new", ".site.old", ".site.new-1-ab", ".site.old-2-cd", ".site.newer", "site.new-3"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "page.html").write_text("x", encoding="utf-8")
    (tmp_path / ".site.old-2-cd" / SITE_MARKER).touch()
    assert recover_site(site)  # the retired site is put back, as site/ is missing
    assert (site / "page.html").is_file()
    assert sorted(path.name for path in tmp_path.iterdir()) == [".site.newer", "site", "site.new-3"]
    assert recover_site(site)  # and nothing more happens the second time
    assert (site / "page.html").is_file()


# --- the messages say truly what site is left -------------------------------------------------------


def test_a_portfolio_with_errors_before_any_site_says_there_is_none(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    (root / "projects" / "ny.yaml").write_text(dump_project(valid_project(focus_areas=["ukendt"])), "utf-8")
    code, err = invoke_build(root)
    assert code == 1
    assert "Sitet er ikke bygget: projektfilerne har 1 fejl (se ovenfor). Der er endnu intet site." in err
    assert "uændret" not in err
    assert not (root / "site").exists()


def test_a_portfolio_with_errors_puts_back_the_site_a_killed_build_retired(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    assert invoke_build(root)[0] == 0
    before = tree_digest(root / "site")
    (root / "site").rename(root / ".site.old-1-dead")  # killed between the fallback's renames
    (root / "projects" / "ny.yaml").write_text(dump_project(valid_project(focus_areas=["ukendt"])), "utf-8")
    code, err = invoke_build(root)
    assert code == 1
    assert "Det seneste gode site er uændret." in err
    assert tree_digest(root / "site") == before
    assert leftovers_once_removed(root) == []


def test_a_failing_mkdocs_build_before_any_site_says_there_is_none(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("name: material", "name: no-such-theme"), "utf-8")
    with pytest.raises(SiteBuildFailed) as raised:
        build_site(load_portfolio(root, today=TODAY), TODAY)
    assert str(raised.value).endswith(". Der er endnu intet site.")
    assert not (root / "site").exists()
    assert leftovers_once_removed(root) == []


# --- (c) the lock -----------------------------------------------------------------------------------


def test_a_build_waits_for_the_lock_and_refuses_after_the_timeout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = copy_repository(tmp_path / "repo")
    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.5)
    with lock_held_elsewhere(root):
        started = time.monotonic()
        code, err = invoke_build(root)
        assert time.monotonic() - started >= 0.5
    assert code == 1
    assert err.startswith(WAITING + "\n")
    assert "Der er ikke bygget noget: en anden build i denne mappe er ikke færdig efter 0,5 sekunder" in err
    assert not (root / "site").exists() and not (root / "docs_generated").exists()


def test_a_build_waits_for_the_lock_and_then_builds(tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    with lock_held_elsewhere(root) as holder:
        assert holder.stdin is not None
        threading.Timer(1.0, holder.stdin.close).start()
        code, err = invoke_build(root)
    assert code == 0, err
    assert WAITING in err
    assert (root / "site" / "index.html").is_file()


def test_the_previews_regeneration_takes_the_lock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.3)
    messages: list[str] = []
    with lock_held_elsewhere(root):
        assert not regenerate(root, TODAY, messages.append)
    assert messages[0] == WAITING
    assert messages[1].startswith("Der er ikke bygget noget: en anden build i denne mappe er ikke færdig")
    assert not (root / "docs_generated").exists()
    assert regenerate(root, TODAY, messages.append)
    assert (root / "docs_generated" / "index.md").is_file()


def test_the_preview_leaves_the_lock_free_while_it_serves(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import mkdocs.commands.serve

    root = copy_repository(tmp_path / "repo")
    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.3)
    free: list[bool] = []

    def serving(**options: object) -> None:
        def take_the_lock() -> None:  # another thread: the lock is not re-entered but taken anew
            with output_lock(root):
                free.append(True)

        taker = threading.Thread(target=take_the_lock)
        taker.start()
        taker.join()

    monkeypatch.setattr(mkdocs.commands.serve, "serve", serving)
    serve_site(root, TODAY, "127.0.0.1:0", report=lambda text: None)
    assert free == [True]
    assert (root / "docs_generated" / "index.md").is_file()


def test_nested_locking_in_one_thread_does_not_wait(tmp_path: Path) -> None:
    with output_lock(tmp_path), output_lock(tmp_path, on_wait=pytest.fail):
        pass


def test_the_lock_file_and_staging_folders_are_git_ignored() -> None:
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"/.handleplan.lock", "/.site.new*/", "/.site.old*/"} <= set(ignored)


def test_the_replaced_site_is_removed_by_a_process_of_its_own(tmp_path: Path) -> None:
    folder = tmp_path / ".site.new-1-ab"
    for index in range(50):
        (folder / f"page-{index}").mkdir(parents=True)
        (folder / f"page-{index}" / "index.html").write_text("x", encoding="utf-8")
    started = len(removal._running)
    remove_later(folder)
    assert len(removal._running) == started + 1  # handed over, not removed here
    wait_for_removals()
    assert not folder.exists() and tmp_path.is_dir()


def test_without_another_interpreter_the_replaced_site_is_removed_at_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / ".site.new-1-ab"
    (folder / "page").mkdir(parents=True)
    monkeypatch.setattr(sys, "executable", "")
    remove_later(folder)
    assert not folder.exists()
