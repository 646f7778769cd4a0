"""Generate a synthetic portfolio of N projects shaped like the real ones.

Projects vary in status, focus areas, scope, governance and length, refer to
each other, and some carry warnings; none has an error, so both validators do
their full work on every file.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/project.schema.json\n"

STATUSES = ["idea", "startup", "execution", "execution", "benefits", "completed", "paused", "cancelled"]
WORDS = [
    "borger",
    "digital",
    "løsning",
    "data",
    "sag",
    "kommune",
    "velfærd",
    "teknologi",
    "sensor",
    "platform",
    "ansøgning",
    "overblik",
    "fagsystem",
    "integration",
    "selvbetjening",
    "medarbejder",
    "kompetence",
    "klima",
    "vand",
    "affald",
    "skole",
    "ældre",
]
COMPONENTS = ["organisation", "klassifikation", "adgangsstyring", "beskedfordeler", "serviceplatformen"]


def write_portfolio(target: Path, count: int, seed: int = 2021, *, with_site: bool = False) -> Path:
    """Write focus_areas.yaml, schema/ and `count` project files under `target`; return it.

    With `with_site`, mkdocs.yml and site_templates/ come along, so the site can be built.
    """
    rng = random.Random(seed)
    programme = yaml.safe_load((REPO / "focus_areas.yaml").read_text(encoding="utf-8"))
    areas = [area["id"] for area in programme["focus_areas"]]
    anchorings = [programme["central_team"]["id"]] + [d["id"] for d in programme["departments"]]
    projects = target / "projects"
    projects.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "focus_areas.yaml", target / "focus_areas.yaml")
    shutil.copytree(REPO / "schema", target / "schema", dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.py*"))
    if with_site:
        shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
        shutil.copytree(REPO / "site_templates", target / "site_templates", dirs_exist_ok=True)
    ids = [f"projekt-{index:05d}" for index in range(count)]
    for index, project_id in enumerate(ids):
        project = _project(rng, index, ids, areas, anchorings)
        text = SCHEMA_LINE + yaml.safe_dump(project, allow_unicode=True, sort_keys=False)
        (projects / f"{project_id}.yaml").write_text(text, encoding="utf-8")
    return target


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _person(rng: random.Random, role: str) -> dict[str, str]:
    initials = "".join(rng.choice("abcdefghijklmnoprstv") for _ in range(3))
    return {"name": f"{role} {initials.upper()}", "email": f"{initials}@norddjurs.dk"}


def _signoff(rng: random.Random, who: str) -> dict[str, Any]:
    return {"name": who, "date": dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(900))}


def _project(rng: random.Random, index: int, ids: list[str], areas: list[str], anchorings: list[str]) -> dict[str, Any]:
    status = rng.choice(STATUSES)
    start = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(1200))
    scope = rng.choice(["local", "local", "common"])
    project: dict[str, Any] = {
        "title": _sentence(rng, 4).rstrip("."),
        "summary": _sentence(rng, rng.randrange(15, 60)),
        "status": status,
        "focus_areas": rng.sample(areas, rng.randint(1, 3)),
        "scope": scope,
    }
    if scope == "common":
        project["common_initiative"] = {
            "name": "Fælles løsning",
            "body": "KOMBIT",
            "url": "https://kombit.dk/",
        }
    project |= {
        "anchoring": rng.choice(anchorings),
        "owner": _person(rng, "Ejer"),
        "lead": _person(rng, "Leder"),
        "start": start,
        "end": start + dt.timedelta(days=rng.randrange(200, 1500)),
        "milestones": [
            {"title": _sentence(rng, 3), "date": start + dt.timedelta(days=90 * (m + 1)), "done": m == 0}
            for m in range(rng.randint(0, 4))
        ],
    }
    if status != "idea":
        project["signoffs"] = {key: _signoff(rng, key.upper()) for key in ("dpo", "security", "it")}
        if rng.random() < 0.2:
            project["governance"] = {"model": "small_project", "reason": _sentence(rng, 8)}
        else:
            benefits = [
                {
                    "description": _sentence(rng, 6),
                    "amount_dkk_per_year": rng.randrange(10_000, 2_000_000, 1000),
                    "owner": "Gevinstejer",
                    "realisation_date": start + dt.timedelta(days=rng.randrange(300, 2000)),
                }
                for _ in range(rng.randint(1, 3))
            ]
            project["governance"] = {
                "model": "project_model",
                "business_case": {"reference": f"Sag 00.01.00-A00-{index}-24", "benefits": benefits},
            }
        project["infrastructure"] = {"follows": True, "components": rng.sample(COMPONENTS, 2)}
    project["considerations"] = {
        key: _sentence(rng, 10) for key in ("citizens", "coherence", "climate") if rng.random() < 0.9
    }
    project["related"] = sorted({rng.choice(ids) for _ in range(rng.randint(0, 3))} - {ids[index]})
    project["kle"] = [f"{rng.randrange(100):02d}.{rng.randrange(100):02d}.{rng.randrange(100):02d}"]
    project["links"] = [{"title": "Projektside", "url": f"https://intranet.norddjurs.dk/p/{index}"}]
    return project


def timed(command: list[str], cwd: Path, env: Mapping[str, str] | None = None) -> float:
    """Wall-clock seconds of one run of `command`, which must succeed (its stderr is shown if not)."""
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr.decode("utf-8", "replace")[-3000:])
        raise SystemExit(f"{' '.join(command[:4])} … failed with exit {completed.returncode}")
    return elapsed
