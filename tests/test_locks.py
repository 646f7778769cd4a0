"""The locks in requirements/: what the README and CI install, and that they still fit pyproject.toml."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

from tests.conftest import REPO

LOCKS = {"main": [], "test": ["test"], "dev": ["dev", "test", "bench"]}
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)(?: ;\s*([^\\]+?))?\s*\\?$", re.MULTILINE)


def _pins(lock: str) -> dict[str, list[tuple[str, str | None]]]:
    """Package name → its pinned versions, each with the environment marker it holds for."""
    pins: dict[str, list[tuple[str, str | None]]] = {}
    for name, version, marker in _PIN.findall((REPO / "requirements" / f"{lock}.txt").read_text(encoding="utf-8")):
        pins.setdefault(_normalise(name), []).append((version, marker or None))
    return pins


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _direct_requirements(extras: list[str]) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"]]
    for extra in extras:
        wanted += [r for r in project["optional-dependencies"][extra] if not r.startswith("handleplan")]
    return [Requirement(r) for r in wanted]


@pytest.mark.parametrize("lock", list(LOCKS))
def test_every_direct_dependency_is_locked_within_its_range(lock: str) -> None:
    pins = _pins(lock)
    for python in ("3.11.0", "3.11.9", "3.12.0", "3.13.0", "3.14.0"):
        environment = {**default_environment(), "python_version": python[:4], "python_full_version": python}
        for requirement in _direct_requirements(LOCKS[lock]):
            chosen = [v for v, marker in pins.get(_normalise(requirement.name), []) if _applies(marker, environment)]
            assert len(chosen) == 1, f"{requirement.name} on Python {python}: {chosen} in requirements/{lock}.txt"
            assert requirement.specifier.contains(chosen[0], prereleases=True), (
                f"requirements/{lock}.txt pins {requirement.name}=={chosen[0]}, outside {requirement.specifier}: "
                "run requirements/refresh"
            )


def _applies(marker: str | None, environment: dict[str, str]) -> bool:
    if marker is None:
        return True
    return Requirement(f"x; {marker}").marker.evaluate(environment)  # type: ignore[union-attr]


def test_every_pin_carries_hashes() -> None:
    for lock in LOCKS:
        text = (REPO / "requirements" / f"{lock}.txt").read_text(encoding="utf-8")
        assert text.count("==") <= text.count("--hash=sha256:"), lock


def test_the_readme_and_ci_install_the_locks() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^python3 -m venv \.venv && .+$", readme, re.MULTILINE)
    assert len(commands) == 2
    main_command, test_command = commands
    assert "pip install -r requirements/main.txt && .venv/bin/pip install --no-deps -e ." in main_command
    assert "pip install -r requirements/test.txt && .venv/bin/pip install --no-deps -e ." in test_command
    assert test_command in (REPO / ".ci" / "run").read_text(encoding="utf-8")
