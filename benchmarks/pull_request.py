"""Time the pull-request workflow's critical path: how long a project lead waits for the annotations.

In a fresh virtual environment, as the workflow's steps run them (pip's cache warm,
as actions/setup-python's cache makes it on GitHub): the core install from the lock,
`handleplan validate --format github` on the repository, the site build; then what a
pull request that changes code adds: the test extras and the test suite (without the
browser tests unless --browser). Quote the figures of one run; the machines are noisy.

    python benchmarks/pull_request.py
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import timed

REPO = Path(__file__).resolve().parent.parent
GOAL_ANNOTATIONS_S = 60  # from a warm cache, before any test extra is installed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--browser", action="store_true", help="include the browser tests in the suite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="handleplan-pr-bench-") as directory:
        work = Path(directory)
        checkout = work / "checkout"
        ignored = shutil.ignore_patterns(".venv", "site", "docs_generated", "node_modules")
        shutil.copytree(REPO, checkout, ignore=ignored)
        venv = work / "venv"
        python = str(venv / "bin" / "python")
        steps: list[tuple[str, float]] = []
        steps.append(("virtual environment", timed([sys.executable, "-m", "venv", str(venv)], checkout)))
        pip = [python, "-m", "pip", "install", "--quiet"]
        core = timed([*pip, "-r", "requirements/main.txt"], checkout) + timed([*pip, "--no-deps", "-e", "."], checkout)
        steps.append(("core install (requirements/main.txt)", core))
        handleplan = [python, "-c", "from generator.cli import run; run()"]
        steps.append(("validate --format github", timed([*handleplan, "validate", "--format", "github"], checkout)))
        annotations = sum(seconds for _, seconds in steps)
        steps.append(("build the site", timed([*handleplan, "build"], checkout)))
        data_only = sum(seconds for _, seconds in steps)
        steps.append(("test extras (requirements/test.txt)", timed([*pip, "-r", "requirements/test.txt"], checkout)))
        marker = [] if args.browser else ["-m", "not browser"]
        steps.append(("test suite", timed([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *marker], checkout)))
        everything = sum(seconds for _, seconds in steps)
    for name, seconds in steps:
        print(f"{name:<40} {seconds:>7.1f} s")
    print(f"{'annotations posted after':<40} {annotations:>7.1f} s (goal at most {GOAL_ANNOTATIONS_S} s)")
    print(f"{'data-only pull request done after':<40} {data_only:>7.1f} s")
    print(f"{'code pull request done after':<40} {everything:>7.1f} s")
    sys.exit(0 if annotations <= GOAL_ANNOTATIONS_S else 1)


if __name__ == "__main__":
    main()
