"""`handleplan serve`: MkDocs' live preview, with the pages regenerated as sources change."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from pathlib import Path

from generator.build import generate_docs, read_site_config
from generator.errors import HandleplanError, NothingToPreview
from generator.history import read_history
from generator.portfolio import PROGRAMME_FILE, PROJECTS_DIR, load_portfolio
from generator.render import TEMPLATES_DIR
from generator.report import format_report

POLL_SECONDS = 1.0


def source_snapshot(root: Path) -> dict[Path, float]:
    """Modification times of every file the pages are made from."""
    sources = [root / PROGRAMME_FILE, *(root / PROJECTS_DIR).glob("*.y*ml"), *(root / TEMPLATES_DIR).rglob("*")]
    return {path: path.stat().st_mtime for path in sources if path.is_file()}


def regenerate(root: Path, today: dt.date, report: Callable[[str], None]) -> bool:
    """Regenerate the pages; on errors report them and keep the last good pages."""
    history = read_history(root, with_changes=True)
    portfolio = load_portfolio(root, today=today, last_changed=history.last_changed)
    if portfolio.error_count:
        report(format_report(portfolio, "text") + "Forhåndsvisningen viser de seneste gode sider.")
        return False
    try:
        # Under the output lock for the writing only: a build may run while the preview does.
        generate_docs(portfolio, read_site_config(root), today, history, on_wait=report)
    except HandleplanError as error:
        report(str(error))
        return False
    return True


def serve_site(root: Path, today: dt.date, dev_addr: str, report: Callable[[str], None]) -> None:
    """Serve a live preview until interrupted.

    Raises:
        NothingToPreview: the portfolio has errors and no earlier pages exist to show.
    """
    root = root.resolve()
    config = read_site_config(root)
    if not regenerate(root, today, report) and not config.docs_dir.is_dir():
        raise NothingToPreview()
    stop = threading.Event()

    def watch() -> None:
        seen = source_snapshot(root)
        while not stop.wait(POLL_SECONDS):
            current = source_snapshot(root)
            if current != seen:
                seen = current
                if regenerate(root, today, report):
                    report("Siderne er opdateret.")

    watcher = threading.Thread(target=watch, name="handleplan-watch", daemon=True)
    watcher.start()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.serve import serve

    try:
        serve(config_file=str(config.config_file), dev_addr=dev_addr, livereload=True)
    finally:
        stop.set()
