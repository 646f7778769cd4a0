"""Time the compliance trend on a synthetic git history: N projects, one commit a month for M months.

Each month's commit changes a share of the projects (a new summary, now and then a new
status), so the history holds many versions. Timed in one process: reading the history,
checking today's files, the trend (each version read once, the rules rerun per month),
the same trend with nothing cached between months, and the Ændringer page's events.

    python benchmarks/trend.py --projects 200 --months 24
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from synthetic import SCHEMA_LINE, STATUSES, _sentence, write_portfolio

from generator import trend
from generator.changes import history_events
from generator.history import read_history
from generator.portfolio import load_portfolio
from generator.versions import VersionChecker

TODAY = dt.date(2026, 12, 3)
T = TypeVar("T")


def write_history(root: Path, months: int, share: float, seed: int = 2026) -> int:
    """Commit the portfolio, then change `share` of its projects once a month; return the commits made."""
    rng = random.Random(seed)
    environment = {**os.environ, "GIT_AUTHOR_NAME": "B", "GIT_AUTHOR_EMAIL": "b@example.org"}
    environment |= {"GIT_COMMITTER_NAME": "B", "GIT_COMMITTER_EMAIL": "b@example.org"}

    def git(*args: str, day: dt.date | None = None) -> None:
        env = environment
        if day is not None:
            stamp = f"{day.isoformat()}T12:00:00"
            env = {**environment, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    paths = sorted((root / "projects").glob("*.yaml"))
    first = dt.date(TODAY.year, TODAY.month, 1)
    for month in range(months, 0, -1):
        year, index = divmod(first.year * 12 + first.month - 1 - month, 12)
        day = dt.date(year, index + 1, rng.randint(1, 28))
        if month != months:
            for path in rng.sample(paths, int(len(paths) * share)):
                project = yaml.safe_load(path.read_text(encoding="utf-8"))
                project["summary"] = _sentence(rng, rng.randrange(15, 60))
                if rng.random() < 0.2 and project["status"] != "idea":
                    project["status"] = rng.choice([s for s in STATUSES if s != "idea"])
                path.write_text(SCHEMA_LINE + yaml.safe_dump(project, allow_unicode=True, sort_keys=False), "utf-8")
        git("add", "-A")
        git("commit", "-q", "-m", f"Måned {month}", day=day)
    return months


def timed(function: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--share", type=float, default=0.2, help="share of the projects changed each month")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="handleplan-trend-bench-") as directory:
        root = write_portfolio(Path(directory) / "portfolio", args.projects)
        write_history(root, args.months, args.share)
        history, reading = timed(lambda: read_history(root, with_changes=True))
        portfolio, checking = timed(lambda: load_portfolio(root, today=TODAY, last_changed=history.last_changed))
        found, trending = timed(lambda: trend.compliance_trend(portfolio, history, TODAY))
        assert found is not None and portfolio.programme is not None
        programme = portfolio.programme
        ends = [m.counts.day for m in found.months[:-1]]
        _, uncached = timed(
            lambda: [next(trend._replay(history.changes, programme, [day], VersionChecker())) for day in ends]
        )
        _, events = timed(lambda: history_events(history.changes, programme, portfolio.projects))
        print(f"{args.projects} projects, {len(found.months)} months, {len(history.changes)} file versions")
        print(f"read history (git)          {reading:7.3f} s")
        print(f"check today's files         {checking:7.3f} s")
        print(f"compliance trend            {trending:7.3f} s")
        print(f"  … with no cache           {uncached:7.3f} s")
        print(f"Ændringer events (existing) {events:7.3f} s")
        last = found.months[-1].counts
        print(f"this month: {last.errors} with errors, {last.warnings} with warnings, {last.ok} OK")


if __name__ == "__main__":
    main()
