"""Coordination across departments: rarity, exclusions, the Koordinering page and the project page's section."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from generator.coordination import MAX_GROUP, Kind, coordinate, normalised
from generator.portfolio import load_portfolio
from generator.render import render_site
from generator.views import build_site_data
from schema.project import Project
from tests.conftest import REPO, TODAY, PortfolioFactory, valid_project

TEMPLATES = REPO / "site_templates"
UUID = "3f2a9c1e-8b4d-4e7a-9c2b-5d6e7f8a9b0c"


def project(anchoring: str = "central", kle: list[str] | None = None, **changes: Any) -> Project:
    """A valid project sharing nothing by default: its own KLE number, no components, no initiative."""
    defaults: dict[str, Any] = {"infrastructure": {"follows": True, "components": []}, "scope": "local"}
    data = valid_project(anchoring=anchoring, kle=kle or [], common_initiative=None, **(defaults | changes))
    return Project.model_validate(data)


def portfolio(fillers: int = 10, **special: Project) -> dict[str, Project]:
    """The special projects among `fillers` that share nothing, so a pair is rare."""
    projects = {f"fyld-{i:02d}": project(kle=[f"9{i % 10}.{i:02d}.00"]) for i in range(fillers)}
    return projects | special


def members(projects: dict[str, Project]) -> list[tuple[str, ...]]:
    return [s.members for s in coordinate(projects).suggestions]


def test_two_departments_with_the_same_kle_number_are_suggested_with_the_reason() -> None:
    found = coordinate(
        portfolio(a=project("borgerservice", ["27.24.00"]), b=project("teknik-og-miljoe", ["27.24.00G01"]))
    )
    [suggestion] = found.suggestions
    assert suggestion.members == ("a", "b")
    assert suggestion.sentences(found.active) == ["Begge har KLE-nummer 27.24.00 (2 af 12 aktive projekter)."]


def test_the_same_anchoring_is_no_suggestion() -> None:
    assert members(portfolio(a=project("borgerservice", ["27.24.00"]), b=project("borgerservice", ["27.24.00"]))) == []


@pytest.mark.parametrize("direction", ["a-names-b", "b-names-a"])
@pytest.mark.parametrize("field", ["related", "not_related"])
def test_a_pair_that_already_names_each_other_either_way_is_left_out(field: str, direction: str) -> None:
    named = "b" if direction == "a-names-b" else "a"
    value: list[Any] = [named] if field == "related" else [{"project": named, "reason": "Talt sammen."}]
    a = project("borgerservice", ["27.24.00"], **({field: value} if direction == "a-names-b" else {}))
    b = project("teknik-og-miljoe", ["27.24.00"], **({field: value} if direction == "b-names-a" else {}))
    found = coordinate(portfolio(a=a, b=b))
    assert found.suggestions == ()
    assert found.matches("a") == ()


def test_what_most_projects_share_is_no_signal() -> None:
    # Digital Post in 5 of 12 projects: more than a third, so it says nothing.
    common = {"follows": True, "components": ["digital-post"]}
    shared = {
        name: project(anchoring, infrastructure=common)
        for name, anchoring in zip(
            "abcde", ["central", "borgerservice", "teknik-og-miljoe", "oekonomi", "dagtilbud"], strict=True
        )
    }
    projects = portfolio(fillers=7, **shared)
    assert members(projects) == []
    # In 2 of 12 it is rare, and suggested.
    rare = portfolio(a=project("central", infrastructure=common), b=project("oekonomi", infrastructure=common))
    assert members(rare) == [("a", "b")]


def test_rarer_features_score_higher_and_order_is_stable() -> None:
    projects = portfolio(
        fillers=20,
        a=project("central", ["11.11.00"]),
        b=project("oekonomi", ["11.11.00"]),
        c=project("central", ["22.22.00"]),
        d=project("oekonomi", ["22.22.00"]),
        e=project("dagtilbud", ["22.22.00"]),
    )
    first = coordinate(projects).suggestions
    assert [s.members for s in first] == [("a", "b"), ("c", "d", "e")]
    assert first[0].score > first[1].score
    assert coordinate(dict(reversed(list(projects.items())))).suggestions == first


def test_a_pair_sharing_two_things_is_one_suggestion_with_both_reasons() -> None:
    systems = [{"name": "Nexus", "supplier": "Systematic A/S"}]
    projects = portfolio(
        a=project("sundhed-og-aeldre", ["27.36.00"], systems=systems),
        b=project("social-og-handicap", ["27.36.00"], systems=[{"name": "nexus ", "supplier": "Systematic"}]),
    )
    [suggestion] = coordinate(projects).suggestions
    # The supplier is implied by the shared system, and the KLE group by the shared number: not said twice.
    assert [r.kind for r in suggestion.reasons] == [Kind.SYSTEM, Kind.KLE]
    assert suggestion.shared == "IT-systemet Nexus og KLE-nummer 27.36.00"


def test_systems_match_by_kitos_id_whatever_their_names() -> None:
    projects = portfolio(
        a=project("central", systems=[{"name": "Nexus", "kitos_uuid": UUID}]),
        b=project("dagtilbud", systems=[{"name": "Nexus Sundhed", "kitos_uuid": UUID.upper()}]),
        c=project("oekonomi", systems=[{"name": "nexus"}]),  # the name the KITOS id goes with
    )
    [suggestion] = coordinate(projects).suggestions
    assert suggestion.members == ("a", "b", "c")


def test_suppliers_match_without_company_form() -> None:
    assert normalised(" KMD  A/S") == normalised("kmd") == "kmd"
    projects = portfolio(
        a=project("central", systems=[{"name": "Opus", "supplier": "KMD A/S"}]),
        b=project("oekonomi", systems=[{"name": "Momentum", "supplier": "KMD"}]),
    )
    [suggestion] = coordinate(projects).suggestions
    assert suggestion.sentences(12) == ["Begge har leverandøren KMD A/S (2 af 12 aktive projekter)."]


def test_kle_group_is_a_weaker_signal_than_the_number() -> None:
    projects = portfolio(
        fillers=20,
        a=project("central", ["27.24.00"]),
        b=project("oekonomi", ["27.24.02"]),
        c=project("central", ["31.01.00"]),
        d=project("oekonomi", ["31.01.00"]),
    )
    group, number = sorted(coordinate(projects).suggestions, key=lambda s: s.score)
    assert group.shared == "KLE-gruppe 27.24" and number.shared == "KLE-nummer 31.01.00"


def test_closed_projects_take_no_part_but_ideas_do() -> None:
    projects = portfolio(
        a=project("central", ["27.24.00"], status="idea"),
        b=project("oekonomi", ["27.24.00"]),
        c=project("dagtilbud", ["27.24.00"], status="completed"),
        d=project("dagtilbud", ["27.24.00"], status="cancelled"),
    )
    found = coordinate(projects)
    assert [s.members for s in found.suggestions] == [("a", "b")]
    assert not found.takes_part("c")


def test_a_group_drops_the_member_that_knows_everyone_across_departments() -> None:
    projects = portfolio(
        fillers=20,
        a=project("central", ["27.24.00"]),
        b=project("oekonomi", ["27.24.00"]),
        c=project(
            "dagtilbud", ["27.24.00"], not_related=[{"project": "a", "reason": "."}, {"project": "b", "reason": "."}]
        ),
    )
    assert members(projects) == [("a", "b")]


def test_a_group_keeps_a_known_pair_and_says_so() -> None:
    projects = portfolio(
        fillers=20,
        a=project("central", ["27.24.00"], related=["b"]),
        b=project("oekonomi", ["27.24.00"]),
        c=project("dagtilbud", ["27.24.00"]),
    )
    [suggestion] = coordinate(projects).suggestions
    assert suggestion.members == ("a", "b", "c")
    assert suggestion.known == (("a", "b"),)
    assert suggestion.sentences(23)[0].startswith("Alle tre har KLE-nummer 27.24.00")


def test_three_thousand_projects_are_coordinated_quickly() -> None:
    # Every project shares its KLE group with a few others, and a component with many: an all-pairs
    # comparison would take minutes.
    projects = {
        f"p{i:04d}": project(
            ["central", "oekonomi", "dagtilbud"][i % 3],
            [f"{i % 100:02d}.{i % 7:02d}.00"],
            infrastructure={"follows": True, "components": ["organisation"]},
        )
        for i in range(3000)
    }
    started = time.perf_counter()
    found = coordinate(projects)
    assert time.perf_counter() - started < 5
    assert all(len(s.members) <= MAX_GROUP for s in found.suggestions)
    assert all(r.kind is not Kind.COMPONENT for s in found.suggestions for r in s.reasons)


# --- The pages ---------------------------------------------------------------------------------


def pages(root: Path) -> dict[str, str]:
    data = build_site_data(load_portfolio(root, today=TODAY), TODAY)
    return {
        p.path: p.content
        for p in render_site(data, TEMPLATES, "https://example.org/edit/")
        if isinstance(p.content, str)
    }


def files(**projects: dict[str, Any]) -> dict[str, dict[str, Any] | str | bytes]:
    fillers: dict[str, dict[str, Any] | str | bytes] = {
        f"fyld-{i}.yaml": valid_project(title=f"Fyld {i}", kle=[f"9{i}.0{i}.00"], infrastructure={"follows": True})
        for i in range(6)
    }
    return fillers | {f"{name}.yaml": data for name, data in projects.items()}


def test_the_coordination_page_lists_each_suggestion_with_projects_anchorings_and_reasons(
    make_portfolio: PortfolioFactory,
) -> None:
    root = make_portfolio(
        files(
            hjemmepleje=valid_project(
                title="Hjemmepleje", anchoring="sundhed-og-aeldre", kle=["27.36.00"], systems=[{"name": "Nexus"}]
            ),
            handicap=valid_project(
                title="Handicap", anchoring="social-og-handicap", kle=["27.36.00"], systems=[{"name": "Nexus"}]
            ),
        )
    )
    page = pages(root)["koordinering/index.md"]
    assert "# Koordinering på tværs af fagområder" in page
    assert '<a href="../projekter/handicap/">Handicap</a> <span class="hp-muted">– Social og Handicap</span>' in page
    assert "Sundhed og Ældre" in page
    assert "Begge bruger IT-systemet Nexus (2 af 8 aktive projekter)." in page
    assert "Begge har KLE-nummer 27.36.00" in page
    assert "not_related:" in page and "data-search-exclude" in page


def test_the_coordination_page_says_so_when_there_is_nothing(make_portfolio: PortfolioFactory) -> None:
    page = pages(make_portfolio(files()))["koordinering/index.md"]
    assert "Ingen forslag lige nu" in page


def test_the_project_page_names_other_projects_sharing_something_and_links_kitos(
    make_portfolio: PortfolioFactory,
) -> None:
    root = make_portfolio(
        files(
            hjemmepleje=valid_project(
                title="Hjemmepleje",
                anchoring="sundhed-og-aeldre",
                systems=[{"name": "Nexus", "supplier": "Systematic", "kitos_uuid": UUID}],
            ),
            handicap=valid_project(title="Handicap", anchoring="social-og-handicap", systems=[{"name": "Nexus"}]),
        )
    )
    page = pages(root)["projekter/hjemmepleje.md"]
    assert "## Andre projekter med samme KLE-numre, komponenter eller systemer" in page
    handicap = '<a href="../../projekter/handicap/">Handicap</a> <span class="hp-muted">(Social og Handicap)</span>'
    assert f"{handicap}: IT-systemet Nexus" in page
    assert f'Nexus (Systematic, <a href="https://kitos.dk/ui/it-systems/it-system-catalog/{UUID}">i KITOS</a>)' in page


def test_a_not_related_marker_keeps_the_pair_off_both_pages(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio(
        files(
            hjemmepleje=valid_project(title="Hjemmepleje", anchoring="sundhed-og-aeldre", systems=[{"name": "Nexus"}]),
            handicap=valid_project(
                title="Handicap",
                anchoring="social-og-handicap",
                systems=[{"name": "Nexus"}],
                not_related=[{"project": "hjemmepleje", "reason": "Hver sit modul.", "reviewed_by": "Programgruppen"}],
            ),
        )
    )
    found = pages(root)
    assert "Ingen forslag lige nu" in found["koordinering/index.md"]
    assert "Handicap</a>" not in found["projekter/hjemmepleje.md"].partition("## Andre projekter")[2].partition("##")[0]
    assert "Hver sit modul.; Programgruppen" in found["projekter/handicap.md"]


def test_an_unknown_project_in_not_related_is_an_error(make_portfolio: PortfolioFactory) -> None:
    root = make_portfolio(files(a=valid_project(not_related=[{"project": "fyld-9", "reason": "Talt sammen."}])))
    [checked] = [f for f in load_portfolio(root, today=TODAY).project_files if f.project_id == "a"]
    [found] = [f for f in checked.findings if f.code == "HP112"]
    assert "'fyld-9'" in found.message and "Mente du" in found.message


def test_a_kitos_id_must_be_a_uuid() -> None:
    with pytest.raises(ValueError, match="kitos_uuid"):
        project(systems=[{"name": "Nexus", "kitos_uuid": "12345"}])
