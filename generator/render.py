"""Render the site's Markdown pages from jinja2 templates in site_templates/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from generator import charts
from generator.changes import newest_events
from generator.coordination import Coordination, coordinate
from generator.errors import TemplateFailed
from generator.example_project import example_project
from generator.export import FORMATS as EXPORT_FORMATS
from generator.export import export
from generator.markup import front_matter_title, markdown_text, summary_html
from generator.project_yaml import project_text
from generator.status_report import default_since, report_by_area, trend_rows
from generator.trend import change_since
from generator.views import ACTIVE_STATUSES, CLOSED_STATUSES, Compliance, ProjectView, SiteData
from schema.catalogue import Severity, rule_catalogue
from schema.dates import danish_date, danish_month, short_date
from schema.field_values import field_title
from schema.programme import Programme
from schema.project import Project, Scope, Signoffs, Status
from schema.reference import field_reference

TEMPLATES_DIR = "site_templates"
ASSETS_DIR = "assets"
TIMELINE_LIMIT = 40
FEED_ENTRIES = 50


@dataclass
class RenderCache:
    """Project rows and project pages kept between the live preview's regenerations, keyed by what they show.

    A project whose fingerprint (generator/views.py) and surroundings are unchanged is not rendered again.
    """

    rows: dict[tuple[object, ...], Any] = field(default_factory=dict)  # project cells, matrix rows
    pages: dict[str, tuple[tuple[object, ...], str]] = field(default_factory=dict)
    environment: jinja2.Environment | None = None  # the compiled templates: a template change starts a new cache


@dataclass(frozen=True)
class Page:
    """One generated file: where it goes in docs_dir and what it holds."""

    path: str
    content: str | bytes

    @property
    def data(self) -> bytes:
        """The content as written to disk (text as UTF-8)."""
        return self.content.encode("utf-8") if isinstance(self.content, str) else self.content


EXPORTS_DIR = "eksport/"
PROJECT_PAGES = "projekter"  # projekter/<id>.md, one page per project; projekter/index.md lists them


def export_path(output_format: str) -> str:
    """Where an export lies in the site: 'eksport/handleplan.xlsx'."""
    return f"{EXPORTS_DIR}handleplan.{output_format}"


def make_environment(templates: Path) -> jinja2.Environment:
    """The jinja2 environment: autoescaped, strict about undefined values."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters |= {
        "md": markdown_text,
        "summary": summary_html,
        "front_matter_title": front_matter_title,
        "dkk": charts.format_dkk,
        "key_path": _breakable_key_path,
        "da_date": danish_date,
        "da_month": danish_month,
        "short_date": short_date,
    }
    environment.globals |= {
        "Compliance": Compliance,
        "Severity": Severity,
        "Status": Status,
        "Scope": Scope,
        "signoff_titles": {key: info.title for key, info in Signoffs.model_fields.items()},
        "label": field_title,  # a field's Danish title from the model, so a page names it as the guide does
    }
    return environment


def _breakable_key_path(path: str) -> Markup:
    """A key path that a narrow column breaks after its dots, never inside a key."""
    return Markup(".<wbr>").join(escape(part) for part in path.split("."))


def render_site(
    data: SiteData,
    templates: Path,
    edit_url: str,
    new_project_url: str = "",
    exports: Callable[[], Mapping[str, bytes]] | None = None,
    cache: RenderCache | None = None,
    parts: str = "all",
) -> Iterator[Page]:
    """Every page and asset of the site, in a stable order.

    `parts`: "all"; "projects", the project pages alone; or "rest", everything but them and the
    exports (a build renders the two in parallel and makes the exports while MkDocs runs).

    `exports` gives the export files when they are made elsewhere (generator/background.py);
    they are asked for last, after every page. With a `cache`, the live preview's, rows and
    project pages whose content cannot have changed are taken from it.

    Raises:
        TemplateFailed: a template is missing or fails; names it and the page.
    """
    if cache is None:
        environment = make_environment(templates)
    else:
        environment = cache.environment = cache.environment or make_environment(templates)
    earlier = cache.rows if cache is not None else {}
    rows: dict[tuple[object, ...], Any] = {}
    row_template = environment.get_template("_project_row.html.j2")
    matrix_template = environment.get_template("_matrix_row.html.j2")

    def once(template: jinja2.Template, view: ProjectView, key: tuple[object, ...], make: Callable[[], Any]) -> Any:
        # Made once per key, and kept by the preview from one save to the next while the project is unchanged.
        key = (template.name, view.fingerprint if cache is not None else view.id, *key)
        if key not in rows:
            known = earlier.get(key)
            rows[key] = known if known is not None else make()
        return rows[key]

    def project_row(view: ProjectView, base: str, columns: list[str]) -> Markup:
        # A project stands in many tables (action plan, groupings, dashboards), each with its own columns:
        # its cells are rendered once per page depth, and each table joins the ones it shows.
        cells = once(row_template, view, (base,), lambda: row_template.make_module({"view": view, "base": base}))
        try:
            # The cells are Markup already: a plain join spares escaping them again.
            return Markup("".join([cells.start, *(getattr(cells, column) for column in columns), "</tr>"]))
        except AttributeError as missing:
            raise jinja2.TemplateRuntimeError(f"{row_template.name} sætter ikke {missing.name!r}") from None

    rule_cells: dict[tuple[str, Compliance], str] = {}

    def matrix_row(view: ProjectView, base: str, rules: list[Any]) -> Markup:
        def make() -> Markup:
            matrix = matrix_template.module  # made once, when the globals below are set
            parts = [matrix.start(view, base)]  # type: ignore[attr-defined]
            for r in rules:
                state = view.rule_states[r.rule.code]
                if (r.rule.code, state) not in rule_cells:
                    rule_cells[r.rule.code, state] = matrix.cell(r, state)  # type: ignore[attr-defined]
                parts.append(rule_cells[r.rule.code, state])
            return Markup("".join([*parts, "</tr>"]))  # Markup already, each part

        return once(matrix_template, view, (base,), make)  # type: ignore[no-any-return]

    environment.globals["project_row"] = project_row
    environment.globals["matrix_row"] = matrix_row
    yield from _pages(environment, data, templates, edit_url, new_project_url, cache, parts)
    if cache is not None:
        cache.rows = rows  # what this regeneration used; the rest is stale
    if parts != "all":
        return
    made = exports() if exports is not None else {f: export(data, f) for f in EXPORT_FORMATS}
    for output_format in EXPORT_FORMATS:
        yield Page(export_path(output_format), made[output_format])


def _pages(
    environment: jinja2.Environment,
    data: SiteData,
    templates: Path,
    edit_url: str,
    new_project_url: str,
    cache: RenderCache | None,
    parts: str,
) -> Iterator[Page]:
    def page(path: str, template: str, **values: Any) -> Page:
        base = "../" * _url_of(path).count("/")
        return Page(path, _render(environment, template, path, data=data, base=base, **values))

    programme = data.programme
    coordination = coordinate({view.id: view.project for view in data.projects})
    # The project pages first: the live preview writes them before the long lists (generator/preview.py).
    for view in data.projects if parts != "rest" else ():
        path = f"{PROJECT_PAGES}/{view.id}.md"
        key = _project_page_key(view, data, coordination) if cache is not None else ()
        known = cache.pages.get(path) if cache is not None else None
        if known is None or known[0] != key:
            made = page(
                path, "project.md.j2", view=view, edit_url=f"{edit_url}{view.id}.yaml", coordination=coordination
            )
            assert isinstance(made.content, str)
            known = (key, made.content)
            if cache is not None:
                cache.pages[path] = known
        yield Page(path, known[1])
    if parts == "projects":
        return
    active = data.with_status(*ACTIVE_STATUSES)
    yield page(
        "index.md", "index.md.j2", charts=_front_page_charts(data), recent_events=newest_events(data.events)[:10]
    )
    yield page("handleplan/index.md", "action_plan.md.j2", projects=active)
    yield page("handleplan/fokusomraader.md", "by_focus_area.md.j2")
    yield page("handleplan/initiativer.md", "by_initiative.md.j2", groups=data.grouped_by_initiative())
    yield page("handleplan/forankring.md", "by_anchoring.md.j2", groups=data.grouped_by_anchoring())
    yield page("handleplan/idebank.md", "ideas.md.j2", projects=data.with_status(Status.IDEA))
    yield page("handleplan/afsluttede.md", "closed.md.j2", projects=data.with_status(*CLOSED_STATUSES))
    yield page("fokusomraader/index.md", "focus_areas.md.j2")
    for area in programme.focus_areas_by_id.values():
        projects = data.in_focus_area(area.id)
        yield page(
            f"fokusomraader/{area.id}.md",
            "focus_area.md.j2",
            area=area,
            projects=projects,
            charts=_focus_area_charts(area.id, projects, data.today),
        )
    yield from _programme_pages(page, data)
    yield page("overholdelse.md", "compliance.md.j2", trend_chart=_trend_chart(data))
    yield page("aendringer.md", "changes.md.j2")
    yield page(
        "koordinering/index.md",
        "coordination.md.j2",
        coordination=coordination,
        suggestions=[(s, [data.by_id[i] for i in s.members]) for s in coordination.suggestions],
    )
    yield page("rapport.md", "report.md.j2", for_site=True, **_report_values(data, default_since(data.today)))
    newest_first = newest_events(data.events)[:FEED_ENTRIES]
    updated = newest_first[0].date if newest_first else data.today
    yield page("feed.xml", "feed.xml.j2", events=newest_first, updated=updated)
    yield page("projekter/index.md", "projects.md.j2")
    yield page(
        "vejledning/index.md",
        "guide.md.j2",
        example=_example_project(programme, data.today),
        new_project_url=new_project_url,
    )
    yield page("vejledning/felter.md", "fields.md.j2", fields=field_reference(Project))
    yield page("vejledning/regler.md", "rules.md.j2", rules=list(rule_catalogue().values()))
    assets = templates / ASSETS_DIR
    for asset in sorted(assets.iterdir()) if assets.is_dir() else []:
        if asset.is_file():
            yield Page(f"{ASSETS_DIR}/{asset.name}", asset.read_bytes())


def _project_page_key(view: ProjectView, data: SiteData, coordination: Coordination) -> tuple[object, ...]:
    """What a project page shows besides its own view: the projects it names, by title, and its matches."""
    matches = coordination.matches(view.id)
    named = (*view.related_to, *view.referenced_by, *(m.other for m in matches))
    return (
        view.fingerprint,
        tuple((data.by_id[i].title, data.by_id[i].anchoring_name) for i in named if i in data.by_id),
        coordination.takes_part(view.id),
        matches,
        coordination.more_matches(view.id),
        coordination.active,
    )


def render_report(root: Path, data: SiteData, since: dt.date | None = None) -> str:
    """The steering group's status report as Markdown, from the same template as the site's page.

    Raises:
        TemplateFailed: the template fails.
    """
    environment = make_environment(root / TEMPLATES_DIR)
    values = _report_values(data, since or default_since(data.today))
    return _render(environment, "report.md.j2", "statusrapporten", data=data, base="", for_site=False, **values)


def _report_values(data: SiteData, since: dt.date) -> dict[str, Any]:
    """What the status report shows besides the data, the same on the site and from `report`."""
    return {
        "since": since,
        "sections": report_by_area(data, since),
        "trend_rows": trend_rows(data.trend),
        "trend_change": change_since(data.trend, since),
    }


def _render(environment: jinja2.Environment, template: str, page: str, *, data: SiteData, **values: Any) -> str:
    """One page from its template, with the data and programme every template may use.

    Raises:
        TemplateFailed: the template is missing or fails; names it and the page.
    """
    try:
        return environment.get_template(template).render(data=data, programme=data.programme, **values)
    except jinja2.TemplateError as error:
        raise TemplateFailed(template=template, page=page, detail=str(error)) from None


def _programme_pages(page: Callable[..., Page], data: SiteData) -> Iterator[Page]:
    """The list of programmes, and for each earlier or draft one its page; earlier ones keep dashboards."""
    yield page("programmer/index.md", "programmes.md.j2")
    moved: set[str] = set()
    for index, summary in enumerate(data.programme_summaries):
        version = summary.version
        if summary.state == "current":
            continue  # its dashboards are fokusomraader/
        # The mapping names the previous programme's focus areas.
        previous = data.programme.programmes[index - 1].focus_areas_by_id.values() if index else ()
        names = {a.id: a.name for a in previous}
        yield page(
            f"programmer/{version.id}/index.md", "programme.md.j2", version=version, summary=summary, names=names
        )
        if summary.state == "earlier":
            current = data.programme.focus_areas_by_id
            for area in version.focus_areas_by_id.values():
                if area.id not in current and area.id not in moved:
                    moved.add(area.id)  # one page per old id: the earliest programme that had it answers
                    # The area's old address stays: a bookmark to it leads on to the archive and its successors.
                    successors = [current[a] for a in data.programme.successors_of(area.id)]
                    yield page(
                        f"fokusomraader/{area.id}.md",
                        "moved_area.md.j2",
                        version=version,
                        area=area,
                        successors=successors,
                    )
                yield page(
                    f"programmer/{version.id}/{area.id}.md",
                    "programme_area.md.j2",
                    version=version,
                    area=area,
                    projects=data.archive_projects(version, area.id),
                )


def _url_of(path: str) -> str:
    """The directory URL MkDocs gives a page: 'projekter/aula.md' → 'projekter/aula/'."""
    stem = path.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def _front_page_charts(data: SiteData) -> list[charts.Chart]:
    areas = list(data.programme.focus_areas_by_id.values())
    by_area = [(a.name, [p.project.status for p in data.in_focus_area(a.id)]) for a in areas]
    benefits = [
        (
            a.name,
            sum(p.expected_dkk for p in data.in_focus_area(a.id)),
            sum(p.realised_dkk for p in data.in_focus_area(a.id)),
        )
        for a in areas
    ]
    return [
        charts.status_by_group("status-pr-fokusomraade", "Projekter pr. fokusområde og status", by_area),
        charts.expected_vs_realised("gevinster-pr-fokusomraade", "Gevinster pr. fokusområde", benefits),
    ]


def _trend_chart(data: SiteData) -> charts.Chart | None:
    if data.trend is None:
        return None
    months = [(m.month, m.counts.errors, m.counts.warnings, m.counts.ok, m.counts.dispensed) for m in data.trend.months]
    return charts.compliance_trend("overholdelse-over-tid", "Projekter efter overholdelse, måned for måned", months)


def _focus_area_charts(area_id: str, projects: list[ProjectView], today: dt.date) -> list[charts.Chart]:
    dated = [
        p
        for p in projects
        if p.project.start and p.project.end and p.project.status not in (Status.IDEA, Status.CANCELLED)
    ]
    dated.sort(key=lambda p: (p.project.start, p.id))
    bars = [(p.title, p.project.start, p.project.end, p.project.status) for p in dated[:TIMELINE_LIMIT]]
    with_benefits = sorted((p for p in projects if p.benefits), key=lambda p: (-p.expected_dkk, p.id))[:15]
    return [
        charts.timeline(f"tidslinje-{area_id}", "Tidslinje", bars, today, len(dated)),  # type: ignore[arg-type]
        charts.expected_vs_realised(
            f"gevinster-{area_id}",
            "Forventede og realiserede gevinster",
            [(p.title, p.expected_dkk, p.realised_dkk) for p in with_benefits],
        ),
    ]


def _example_project(programme: Programme, today: dt.date) -> Markup:
    """A valid project file for the guide: the model's examples, this programme's ids, dates around today."""
    text = project_text(example_project(programme, today), hints=False)
    # It stands in a fenced code block, where Markdown escapes it: escaping it here too would show
    # &#34; for every quote. It holds the model's examples and the programme's ids, never a fence.
    assert "```" not in text
    return Markup(text)
