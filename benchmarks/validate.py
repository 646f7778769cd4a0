"""Time `handleplan validate` against `check-jsonschema` on synthetic portfolios.

Both run as fresh processes on the same files, side by side in one run, so the
ratio is what to quote (the machines are noisy; absolute seconds are not).

    python benchmarks/validate.py --sizes 1000,10000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import timed, write_portfolio

GOAL_RATIO = 0.10
GOAL_SIZE = 10_000  # the goal is set at this size; smaller runs are dominated by start-up


def measure(size: int, workdir: Path) -> tuple[float, float]:
    """Seconds for handleplan and for check-jsonschema on a portfolio of `size` projects."""
    root = write_portfolio(workdir / f"portfolio-{size}", size)
    files = sorted(str(p.relative_to(root)) for p in (root / "projects").glob("*.yaml"))
    ours = timed(
        [sys.executable, "-c", "from generator.cli import run; run()", "validate", "--today", "2026-11-24"], root
    )
    theirs = timed(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", "schema/project.schema.json", *files], root
    )
    return ours, theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated portfolio sizes")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"{'projects':>9} {'handleplan':>11} {'check-jsonschema':>17} {'ratio':>7}")
    judged: list[float] = []
    with tempfile.TemporaryDirectory(prefix="handleplan-bench-") as directory:
        for size in sizes:
            ours, theirs = measure(size, Path(directory))
            ratio = ours / theirs
            if size >= GOAL_SIZE:
                judged.append(ratio)
            print(f"{size:>9} {ours:>10.2f}s {theirs:>16.2f}s {ratio:>7.3f}", flush=True)
    if not judged:
        print(f"(the goal of a ratio of at most {GOAL_RATIO:.2f} applies from {GOAL_SIZE:,} projects)")
        return
    worst = max(judged)
    verdict = "meets" if worst <= GOAL_RATIO else "MISSES"
    print(f"ratio {worst:.3f} at {GOAL_SIZE:,}+ projects: {verdict} the goal of at most {GOAL_RATIO:.2f}")
    sys.exit(0 if worst <= GOAL_RATIO else 1)


if __name__ == "__main__":
    main()
