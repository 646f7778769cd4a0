"""Coordination across departments: projects that share something and may not know of each other.

Two active projects anchored in different places (the central team, a department)
that tag the same KLE number, use the same infrastructure component, IT system or
supplier, or belong to the same common initiative, are suggested to coordinate:
to reuse knowledge, make joint efforts or buy together. A pair is left out when
either project names the other in `related` (they know) or in `not_related`
(someone has looked and found nothing to coordinate).

What is shared counts by rarity, as in information retrieval's inverse document
frequency: a feature shared by `df` of the `n` active projects weighs
`ln(n / df)`. A feature in more than a third of them (a component nearly every
project uses) weighs little and is dropped. Pure: no files, no git, no I/O.

Matching:
- KLE by subject number (NN.NN.NN; a handling facet such as G01 is how a case is
  handled, not what it is about), and by group (NN.NN) as a weaker signal, at half
  weight and only when no number in that group is shared by the same projects;
- IT systems by KITOS id, else by name (case and spacing ignored; a name written
  with a KITOS id in one project counts as that id in another);
- suppliers by name, without a company form (A/S, ApS); left out of the reasons
  when a shared system already names that supplier;
- common initiatives by name.

Cost: an index from each feature to its projects, never all pairs; groups are at
most `MAX_GROUP` projects, so pairs are enumerated only inside small groups.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations

from schema.project import FollowsInfrastructure, Project, Status

# A feature that more than a third of the active projects share is what the portfolio has in common (the
# organisation component, a broad KLE group), not a sign that two teams should talk: it weighs at most ln(3).
MAX_SHARE = 1 / 3
# A feature shared by more projects than this is a network, not a conversation someone can call; and the
# limit keeps pair enumeration linear in the number of projects.
MAX_GROUP = 12
# How many other projects a project page names; the rest are on the coordination page.
PROJECT_PAGE_LIMIT = 5

_COMPANY_FORM = re.compile(r"[\s,]+(?:a/s|aps|i/s|p/s|k/s|amba|a\.m\.b\.a\.)\.?$")
_SPACES = re.compile(r"\s+")


class Kind(StrEnum):
    """What two projects can share."""

    KLE = "kle"
    KLE_GROUP = "kle-group"
    COMPONENT = "component"
    SYSTEM = "system"
    SUPPLIER = "supplier"
    INITIATIVE = "initiative"


# A KLE group is broad (27.24 holds every subject about home care): half the weight of a shared number.
KIND_WEIGHTS: dict[Kind, float] = {
    Kind.KLE: 1.0,
    Kind.KLE_GROUP: 0.5,
    Kind.COMPONENT: 1.0,
    Kind.SYSTEM: 1.0,
    Kind.SUPPLIER: 1.0,
    Kind.INITIATIVE: 1.0,
}
# The order reasons are given in: the most specific first.
_KIND_ORDER = (Kind.SYSTEM, Kind.KLE, Kind.COMPONENT, Kind.SUPPLIER, Kind.INITIATIVE, Kind.KLE_GROUP)


@dataclass(frozen=True)
class Reason:
    """One thing a group of projects shares, how rare it is, and a Danish sentence saying so."""

    kind: Kind
    label: str  # as the site names it: '27.24.00', 'Digital Post', 'Nexus', 'Systematic'
    count: int  # how many active projects share it
    weight: float

    def sentence(self, members: int, active: int) -> str:
        """'Begge har KLE-nummer 27.24.00 (2 af 14 aktive projekter).'"""
        subject = "Begge" if members == 2 else f"Alle {_number_word(members)}"
        return f"{subject} {_PHRASES[self.kind].format(self.label)} ({self.count} af {active} aktive projekter)."

    @property
    def short(self) -> str:
        """A few words for the project page: 'KLE-nummer 27.24.00', 'IT-systemet Nexus'."""
        return _SHORT[self.kind].format(self.label)


_PHRASES: dict[Kind, str] = {
    Kind.KLE: "har KLE-nummer {}",
    Kind.KLE_GROUP: "har KLE-numre i gruppe {}",
    Kind.COMPONENT: "bruger komponenten {} i den fælleskommunale infrastruktur",
    Kind.SYSTEM: "bruger IT-systemet {}",
    Kind.SUPPLIER: "har leverandøren {}",
    Kind.INITIATIVE: "hører til det fælleskommunale initiativ {}",
}
_SHORT: dict[Kind, str] = {
    Kind.KLE: "KLE-nummer {}",
    Kind.KLE_GROUP: "KLE-gruppe {}",
    Kind.COMPONENT: "komponenten {}",
    Kind.SYSTEM: "IT-systemet {}",
    Kind.SUPPLIER: "leverandøren {}",
    Kind.INITIATIVE: "initiativet {}",
}
_NUMBER_WORDS = ("", "", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti", "elleve", "tolv")


def _joined(parts: Iterable[str]) -> str:
    """'a', 'a og b', 'a, b og c'."""
    items = list(parts)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} og {items[-1]}"


def _number_word(number: int) -> str:
    return _NUMBER_WORDS[number] if number < len(_NUMBER_WORDS) else str(number)


@dataclass(frozen=True)
class Suggestion:
    """Projects in different anchorings that share something and do not yet name each other."""

    members: tuple[str, ...]  # project ids, sorted
    reasons: tuple[Reason, ...]
    score: float
    known: tuple[tuple[str, str], ...] = ()  # pairs in the group that already name each other

    @property
    def shared(self) -> str:
        """What the projects share, in a few Danish words."""
        return _joined(reason.short for reason in self.reasons)

    def sentences(self, active: int) -> list[str]:
        """Each reason as a Danish sentence."""
        return [reason.sentence(len(self.members), active) for reason in self.reasons]


@dataclass(frozen=True)
class Match:
    """Another project one project shares something with, as its own page lists it."""

    other: str
    reasons: tuple[Reason, ...]
    score: float

    @property
    def shared(self) -> str:
        """What the two share, in a few Danish words: 'KLE-nummer 00.01.10 og komponenten Digital Post'."""
        return _joined(reason.short for reason in self.reasons)


@dataclass(frozen=True)
class Coordination:
    """Every suggestion, best first, and each project's matches."""

    active: int  # how many projects take part (neither completed nor cancelled)
    suggestions: tuple[Suggestion, ...]
    by_project: Mapping[str, tuple[Match, ...]]
    participants: frozenset[str] = frozenset()

    def takes_part(self, project_id: str) -> bool:
        """True for a project coordination looks at."""
        return project_id in self.participants

    def matches(self, project_id: str) -> tuple[Match, ...]:
        """The other projects a project shares something with, best first (at most PROJECT_PAGE_LIMIT)."""
        return self.by_project.get(project_id, ())[:PROJECT_PAGE_LIMIT]

    def more_matches(self, project_id: str) -> int:
        """How many matches a project page leaves to the coordination page."""
        return max(0, len(self.by_project.get(project_id, ())) - PROJECT_PAGE_LIMIT)


@dataclass(frozen=True)
class _Feature:
    kind: Kind
    key: str


def takes_part(project: Project) -> bool:
    """True for a project coordination looks at: anything not completed or cancelled, ideas too."""
    return project.status not in (Status.COMPLETED, Status.CANCELLED)


def normalised(name: str) -> str:
    """A name as it is matched: case, spacing and a company form ('A/S', 'ApS') ignored."""
    text = _SPACES.sub(" ", name).strip().casefold()
    return _COMPANY_FORM.sub("", text).strip()


def coordinate(projects: Mapping[str, Project]) -> Coordination:
    """Suggestions for coordination across anchorings, from every project by id."""
    active = {pid: p for pid, p in sorted(projects.items()) if takes_part(p)}
    n = len(active)
    features, labels, system_suppliers = _features(active)
    members: dict[_Feature, list[str]] = defaultdict(list)
    for pid, found in features.items():
        for feature in found:
            members[feature].append(pid)
    limit = min(MAX_GROUP, n * MAX_SHARE)
    weights = {f: KIND_WEIGHTS[f.kind] * math.log(n / len(ids)) for f, ids in members.items() if 2 <= len(ids) <= limit}
    kept = {pid: {f for f in found if f in weights} for pid, found in features.items()}
    connected = _connections(active)

    def crosses(a: str, b: str) -> bool:
        return active[a].anchoring != active[b].anchoring and frozenset((a, b)) not in connected

    def reasons_of(group: tuple[str, ...]) -> tuple[Reason, ...]:
        shared = set.intersection(*(kept[pid] for pid in group))
        shared_systems_suppliers = {s for f in shared if f.kind is Kind.SYSTEM for s in system_suppliers[f.key]}
        shared_kle = {f.key for f in shared if f.kind is Kind.KLE}
        reasons = [
            Reason(f.kind, labels[f], len(members[f]), weights[f])
            for f in shared
            if not (f.kind is Kind.SUPPLIER and f.key in shared_systems_suppliers)
            and not (f.kind is Kind.KLE_GROUP and any(kle.startswith(f.key + ".") for kle in shared_kle))
        ]
        return tuple(sorted(reasons, key=lambda r: (_KIND_ORDER.index(r.kind), r.label)))

    candidates: set[tuple[str, ...]] = set()
    pair_features: dict[tuple[str, str], int] = defaultdict(int)
    for feature in weights:
        ids = members[feature]
        # Each project stays while it has someone in the group, in another anchoring, it does not yet know.
        group = tuple(a for a in ids if any(crosses(a, b) for b in ids if b != a))
        if len(group) >= 2:
            candidates.add(group)
        for a, b in combinations(ids, 2):
            if crosses(a, b):
                pair_features[(a, b)] += 1
    # A pair that shares two things or more is a suggestion of its own, with every reason.
    candidates |= {pair for pair, count in pair_features.items() if count >= 2 and len(reasons_of(pair)) >= 2}

    suggestions = []
    for group in candidates:
        reasons = reasons_of(group)
        if reasons:
            known = tuple((a, b) for a, b in combinations(group, 2) if frozenset((a, b)) in connected)
            suggestions.append(Suggestion(group, reasons, sum(r.weight for r in reasons), known))
    suggestions.sort(key=lambda s: (-round(s.score, 9), s.members))

    by_project: dict[str, list[Match]] = defaultdict(list)
    for a, b in pair_features:
        reasons = reasons_of((a, b))
        score = sum(r.weight for r in reasons)
        by_project[a].append(Match(b, reasons, score))
        by_project[b].append(Match(a, reasons, score))
    ordered = {
        pid: tuple(sorted(matches, key=lambda m: (-round(m.score, 9), m.other))) for pid, matches in by_project.items()
    }
    return Coordination(n, tuple(suggestions), dict(sorted(ordered.items())), frozenset(active))


def _connections(projects: Mapping[str, Project]) -> set[frozenset[str]]:
    """Every pair one of whose projects names the other in `related` or `not_related`."""
    pairs: set[frozenset[str]] = set()
    for pid, project in projects.items():
        named: Iterable[str] = [*project.related, *(marker.project for marker in project.not_related)]
        pairs |= {frozenset((pid, other)) for other in named if other != pid}
    return pairs


def _features(
    projects: Mapping[str, Project],
) -> tuple[dict[str, set[_Feature]], dict[_Feature, str], dict[str, set[str]]]:
    """Each project's features, each feature's label (as the first project writes it), and each system's suppliers."""
    kitos_by_name: dict[str, str] = {}
    for project in projects.values():
        for system in project.systems:
            if system.kitos_uuid:
                kitos_by_name.setdefault(normalised(system.name), system.kitos_uuid.lower())
    features: dict[str, set[_Feature]] = {}
    labels: dict[_Feature, str] = {}
    system_suppliers: dict[str, set[str]] = defaultdict(set)

    def add(found: set[_Feature], kind: Kind, key: str, label: str) -> None:
        feature = _Feature(kind, key)
        found.add(feature)
        labels.setdefault(feature, label)

    for pid, project in projects.items():
        found: set[_Feature] = set()
        for kle in project.kle:
            subject = kle[:8]
            add(found, Kind.KLE, subject, subject)
            add(found, Kind.KLE_GROUP, subject[:5], subject[:5])
        infrastructure = project.infrastructure
        if isinstance(infrastructure, FollowsInfrastructure):
            for component in infrastructure.components:
                add(found, Kind.COMPONENT, component.value, component.label)
        for system in project.systems:
            name = normalised(system.name)
            key = system.kitos_uuid.lower() if system.kitos_uuid else kitos_by_name.get(name, f"navn:{name}")
            add(found, Kind.SYSTEM, key, system.name)
            if system.supplier:
                supplier = normalised(system.supplier)
                add(found, Kind.SUPPLIER, supplier, system.supplier)
                system_suppliers[key].add(supplier)
        if project.common_initiative is not None:
            add(found, Kind.INITIATIVE, normalised(project.common_initiative.name), project.common_initiative.name)
        features[pid] = found
    return features, labels, system_suppliers
