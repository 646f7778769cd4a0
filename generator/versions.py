"""Project versions from git, each read and validated once, by its bytes; only the rules run again.

The history's events and the compliance trend check the same versions, many of them
also the files on disk today: one checker serves them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from pathlib import PurePosixPath

from generator.portfolio import CheckedFile, Portfolio, check_project_source
from schema.catalogue import AppliesTo, Finding
from schema.checks import CheckContext, check_project
from schema.project import Project


class VersionChecker:
    """Checks project versions, reading and validating each version's bytes only once."""

    def __init__(self) -> None:
        # A version that is no readable project is checked afresh each month: rare, and an error on any day.
        self._read: dict[tuple[str, bytes], tuple[Project, tuple[Finding, ...]]] = {}

    def know(self, portfolio: Portfolio) -> None:
        """Take over what today's check read from each project file, for the versions git holds of it too.

        Most months hold mostly the versions on disk today: read and validated once already.
        """
        for checked in portfolio.project_files:
            if checked.project is not None and checked.source is not None:
                self._read[(checked.path, checked.source)] = (checked.project, own_findings(checked))

    def check(
        self, path: str, content: bytes, context: CheckContext, last_changed: Mapping[str, dt.date]
    ) -> CheckedFile:
        """The version checked as of `context.today`, as portfolio.check_project_source checks it."""
        key = (path, content)
        known = self._read.get(key)
        if known is None:
            checked = check_project_source(path, content, context, last_changed)
            if checked.project is not None:
                self._read[key] = (checked.project, own_findings(checked))
            return checked
        project, own = known
        changed = last_changed.get(PurePosixPath(path).stem)
        if changed is not None:
            context = replace(context, last_changed=changed)
        return CheckedFile(path, (*own, *check_project(project, context)), PurePosixPath(path).stem, project)


def own_findings(checked: CheckedFile) -> tuple[Finding, ...]:
    """What reading the file found (its own rules, HP0xx): the same on any day."""
    return tuple(f for f in checked.findings if f.rule.applies_to is AppliesTo.FILE)
