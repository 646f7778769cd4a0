"""Time the live preview: from saving a project file to its page showing the change.

For each size: a synthetic portfolio is written, `handleplan serve` starts on a free
port and builds everything once; then, a few times, one project's title is changed and
its page is fetched from the preview until the new title is there, then the list of all
projects (MkDocs builds the long lists in a second pass). Prints each latency and the
slowest; the goal is the project page's. Quote the figures of one run; the machines are noisy.

    python benchmarks/preview.py --sizes 1000
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_portfolio

GOAL_SECONDS = 2.0
EDITS = 5
STARTUP_TIMEOUT = 600.0
EDIT_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, timeout: float) -> float:
    """Seconds until the page at `url` holds `text`."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        page = fetch(url)
        if page is not None and text in page:
            return time.perf_counter() - started
        time.sleep(0.05)
    raise SystemExit(f"{url} did not show {text!r} within {timeout:.0f} s")


def measure(size: int, workdir: Path) -> tuple[list[float], list[float]]:
    """Seconds from each save to the project's page showing it, and to the list of all projects showing it."""
    root = write_portfolio(workdir / f"portfolio-{size}", size, with_site=True)
    projects = sorted((root / "projects").glob("*.yaml"))
    port = free_port()
    command = [sys.executable, "-c", "from generator.cli import run; run()", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(command, cwd=root, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    latencies: list[float] = []
    lists: list[float] = []
    try:
        first = projects[0]
        wait_for(f"http://127.0.0.1:{port}/projekter/{first.stem}/", "<h1", STARTUP_TIMEOUT)
        time.sleep(2)  # the exports of the first regeneration, and MkDocs settling
        for number, path in enumerate(projects[1 : EDITS + 1], start=1):
            text = path.read_text(encoding="utf-8")
            marker = f"Rettet i forhåndsvisningen {number}"
            title_line = next(line for line in text.splitlines() if line.startswith("title:"))
            path.write_text(text.replace(title_line, f"title: {marker}", 1), encoding="utf-8")
            latencies.append(wait_for(f"http://127.0.0.1:{port}/projekter/{path.stem}/", marker, EDIT_TIMEOUT))
            # The long lists follow in MkDocs' next pass; the next save comes once they show the change too.
            lists.append(latencies[-1] + wait_for(f"http://127.0.0.1:{port}/projekter/", marker, EDIT_TIMEOUT))
            time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return latencies, lists


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000", help="comma-separated portfolio sizes")
    args = parser.parse_args()
    failures = []
    with tempfile.TemporaryDirectory(prefix="handleplan-preview-bench-") as directory:
        for size in (int(s) for s in args.sizes.split(",")):
            latencies, lists = measure(size, Path(directory))
            shown = ", ".join(f"{seconds:.2f}" for seconds in latencies)
            print(f"{size} projects: save to project page {shown} s; slowest {max(latencies):.2f} s", flush=True)
            print(f"{size} projects: save to the lists {', '.join(f'{s:.2f}' for s in lists)} s", flush=True)
            if max(latencies) > GOAL_SECONDS:
                failures.append(f"{size}: {max(latencies):.2f} s (goal {GOAL_SECONDS} s)")
    print("meets the goal" if not failures else "MISSES: " + "; ".join(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
