"""Shared fixtures: small portfolios written into tmp_path, and a CLI runner."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import settings

# CI machines are shared and noisy: a slow example is not a failure.
settings.register_profile("handleplan", deadline=None)
settings.load_profile("handleplan")

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 24)

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/project.schema.json\n"

# A project past the idea stage that breaks no rule and triggers no warning.
VALID_PROJECT: dict[str, Any] = {
    "title": "Digital post til virksomheder",
    "summary": "Virksomheder modtager post fra kommunen digitalt.",
    "status": "execution",
    "focus_areas": ["digitale-fundamenter"],
    "scope": "common",
    "common_initiative": {
        "name": "Digital Post",
        "body": "Digitaliseringsstyrelsen",
        "url": "https://digst.dk",
    },
    "anchoring": "central",
    "owner": {"name": "Anne Ejer", "email": "ae@norddjurs.dk"},
    "lead": {"name": "Bo Leder", "email": "bl@norddjurs.dk"},
    "start": dt.date(2025, 1, 1),
    "end": dt.date(2027, 12, 31),
    "milestones": [{"title": "Første breve sendt", "date": dt.date(2025, 6, 1), "done": True}],
    "signoffs": {
        "dpo": {"name": "Dorte DPO", "date": dt.date(2024, 12, 1), "reference": "DPIA sag 1"},
        "security": {"name": "Sune Sikker", "date": dt.date(2024, 12, 2)},
        "it": {"name": "Ida IT", "date": dt.date(2024, 12, 3)},
    },
    "governance": {
        "model": "project_model",
        "business_case": {
            "reference": "Sag 00.01.00-A00-1-24",
            "benefits": [
                {
                    "description": "Sparet porto",
                    "amount_dkk_per_year": 50000,
                    "owner": "Økonomichefen",
                    "realisation_date": dt.date(2027, 12, 31),
                }
            ],
        },
    },
    "infrastructure": {"follows": True, "components": ["digital-post"]},
    "considerations": {
        "citizens": "Testet med borgere.",
        "coherence": "Bruger Digital Post.",
        "climate": "Mindre papir.",
    },
    "related": [],
    "kle": ["00.01.00"],
    "links": [],
}


def valid_project(**changes: Any) -> dict[str, Any]:
    """A deep copy of VALID_PROJECT with top-level keys replaced (None removes a key)."""
    project = copy.deepcopy(VALID_PROJECT)
    for key, value in changes.items():
        if value is None:
            project.pop(key, None)
        else:
            project[key] = value
    return project


def dump_project(project: dict[str, Any]) -> str:
    """Project YAML as a lead would write it: schema line first, keys in model order."""
    return SCHEMA_LINE + yaml.safe_dump(project, allow_unicode=True, sort_keys=False)


PortfolioFactory = Callable[..., Path]


@pytest.fixture
def make_portfolio(tmp_path: Path) -> PortfolioFactory:
    """Write a portfolio root: the real focus_areas.yaml plus the given project files.

    Values may be dicts (dumped as YAML), str (written as is) or bytes.
    """

    def make(projects: dict[str, dict[str, Any] | str | bytes] | None = None) -> Path:
        root = tmp_path / "portfolio"
        (root / "projects").mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "focus_areas.yaml", root / "focus_areas.yaml")
        for name, content in (projects or {}).items():
            path = root / "projects" / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                text = content if isinstance(content, str) else dump_project(content)
                path.write_text(text, encoding="utf-8", newline="")
        return root

    return make


@pytest.fixture
def runner() -> CliRunner:
    """A click runner; stderr is kept apart from stdout."""
    return CliRunner()
