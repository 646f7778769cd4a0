"""Time `handleplan build` against plain `mkdocs build` on the same generated docs.

For each size: a synthetic portfolio is written, `handleplan build` runs in a
fresh process (validate, render the Markdown, build with MkDocs, swap the site
in), then plain `mkdocs build` rebuilds the same generated docs in a fresh
process. Each pair is a first build, as in CI: the docs and both sites are removed
before it (untimed). With --repeat, the pairs alternate and the median ratio is the
result, every pair's shown: a single MkDocs run varies by a few percent on these
machines, as much as the margin measured. Quote ratios from one run.

    python benchmarks/build.py --sizes 1000,3000 --repeat 3
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import timed, write_portfolio

GOAL_VS_MKDOCS = 1.1  # issue 12; was 1.3
GOAL_SCALING = 3.6  # 3x the projects may take at most 3.6x the time
GOAL_BYTES_PER_PROJECT = 100_000
ENVIRONMENT = {"NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1795478400"}


def folder_bytes(folder: Path) -> int:
    """The size of every file under `folder`."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def measure(size: int, workdir: Path, repeat: int) -> tuple[list[tuple[float, float]], int]:
    """[(handleplan seconds, mkdocs seconds)] per pair, and the site's bytes per project, for `size` projects."""
    root = write_portfolio(workdir / f"portfolio-{size}", size, with_site=True)
    plain_site = workdir / f"plain-{size}"
    pairs = []
    for _ in range(repeat):
        for folder in (root / "docs_generated", root / "site", plain_site):
            shutil.rmtree(folder, ignore_errors=True)
        ours = timed(
            [sys.executable, "-c", "from generator.cli import run; run()", "build", "--today", "2026-11-24"],
            root,
            ENVIRONMENT,
        )
        plain = timed([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(plain_site)], root, ENVIRONMENT)
        pairs.append((ours, plain))
    return pairs, folder_bytes(root / "site") // size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,3000", help="comma-separated portfolio sizes")
    parser.add_argument("--repeat", type=int, default=1, help="alternating pairs per size; the median ratio counts")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"{'projects':>9} {'handleplan':>11} {'mkdocs':>8} {'ratio':>6} {'KB/project':>11}  pairs")
    results: dict[int, float] = {}
    failures = []
    with tempfile.TemporaryDirectory(prefix="handleplan-build-bench-") as directory:
        for size in sizes:
            pairs, per_project = measure(size, Path(directory), max(1, args.repeat))
            ours, plain = sorted(pairs, key=lambda pair: pair[0] / pair[1])[len(pairs) // 2]  # the median pair
            results[size] = ours
            ratio = ours / plain
            shown = ", ".join(f"{o:.1f}/{p:.1f}={o / p:.2f}" for o, p in pairs)
            row = f"{size:>9} {ours:>10.2f}s {plain:>7.2f}s {ratio:>6.2f} {per_project / 1000:>11.1f}"
            print(f"{row}  {shown}", flush=True)
            if ratio > GOAL_VS_MKDOCS:
                failures.append(f"{size}: {ratio:.2f}x plain mkdocs (goal {GOAL_VS_MKDOCS}x)")
            if per_project > GOAL_BYTES_PER_PROJECT:
                failures.append(f"{size}: {per_project / 1000:.0f} KB per project (goal 100 KB)")
    if 1000 in results and 3000 in results:
        scaling = results[3000] / results[1000]
        print(f"3,000 vs 1,000 projects: {scaling:.2f}x the time (goal at most {GOAL_SCALING}x)")
        if scaling > GOAL_SCALING:
            failures.append(f"scaling {scaling:.2f}x")
    print("meets the goals" if not failures else "MISSES: " + "; ".join(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
