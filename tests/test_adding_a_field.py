"""Adding an optional field takes the model alone: guide, page, export, diff, editor schema and checks follow.

The test copies the code, adds a field to schema/project.py as a developer would,
and runs the real modules in a fresh interpreter against the copy.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import REPO

# The whole change: one field in the model (as a unified diff would show it).
ANCHOR = (
    '    links: list[Link] = Field(default_factory=list, title="Links", description="Links til mere om projektet.")\n'
)
NEW_FIELD = """    budget_dkk: Amount | None = Field(
        default=None,
        examples=[250000],
        title="Budget (kr.)",
        description="Projektets samlede budget i kroner.",
    )
"""

CHECK = textwrap.dedent(
    """
    import datetime as dt, json, sys
    from pathlib import Path
    from pydantic import ValidationError
    from schema.project import Project
    from schema.reference import field_reference
    from schema.jsonschema import project_json_schema
    from generator.export import COLUMNS
    from generator.history import read_history
    from generator.portfolio import load_portfolio
    from generator.changes import compare_project
    from generator.render import render_site
    from generator.views import build_site_data

    root, day = Path(sys.argv[1]), dt.date(2026, 11, 24)
    aula = root / "projects" / "aula.yaml"
    before = next(f for f in load_portfolio(root, today=day).project_files if f.project_id == "aula")
    aula.write_text(aula.read_text(encoding="utf-8") + "budget_dkk: 250000\\n", encoding="utf-8")
    portfolio = load_portfolio(root, today=day)
    after = next(f for f in portfolio.project_files if f.project_id == "aula")
    assert after.project is not None, after.findings
    data = build_site_data(portfolio, day, read_history(root))
    page = next(p for p in render_site(data, root / "site_templates", "") if p.path == "projekter/aula.md")
    exported = {c.heading: c.value(data.by_id["aula"]) for c in COLUMNS}
    result = {
        "reference": [(d.path, d.title, d.required, d.example) for d in field_reference(Project) if "budget" in d.path],
        "schema": project_json_schema(portfolio.programme)["properties"].get("budget_dkk"),
        "export": exported.get("Budget (kr.)"),
        "diff": [(f.field, f.before, f.after) for f in compare_project("aula", before, after).fields],
        "page": "<dt>Budget (kr.)</dt><dd>250.000</dd>" in str(page.content),
    }
    try:
        Project.model_validate({**after.project.model_dump(), "budget_dkk": "mange"})
    except ValidationError as error:
        result["refused"] = True
    print(json.dumps(result, ensure_ascii=False))
    """
)


def test_an_optional_field_needs_only_the_model(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    for part in ("schema", "generator", "projects", "site_templates"):
        shutil.copytree(REPO / part, copy / part)
    shutil.copy(REPO / "focus_areas.yaml", copy / "focus_areas.yaml")
    model = copy / "schema" / "project.py"
    text = model.read_text(encoding="utf-8")
    assert ANCHOR in text, "the last field of Project moved: update ANCHOR"
    model.write_text(text.replace(ANCHOR, ANCHOR + NEW_FIELD), encoding="utf-8")

    script = copy / "check_field.py"
    script.write_text(CHECK, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(copy)],
        cwd=copy,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["reference"] == [["budget_dkk", "Budget (kr.)", "Nej", "250000"]]
    assert result["schema"]["title"] == "Budget (kr.)"
    assert result["export"] == 250000
    assert result["page"] is True  # listed under its title, before any template names it
    assert result["diff"] == [["Budget (kr.)", "ikke angivet", "250.000"]]
    assert result["refused"] is True
