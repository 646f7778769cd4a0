"""The one error hierarchy of handleplan; the CLI maps it to exit codes."""

from __future__ import annotations

import errno
from pathlib import Path


class HandleplanError(Exception):
    """A problem the user can fix; its message is Danish and says how."""

    def __init__(self, **values: object) -> None:
        self.values = values
        super().__init__(self.format_message())

    def format_message(self) -> str:
        """The Danish message shown to the user."""
        raise NotImplementedError

    def __reduce__(self) -> tuple[object, ...]:
        # Picklable with its values, so that an error in the build's second process reaches the first intact.
        return (_rebuilt, (type(self), self.values))


def _rebuilt(kind: type[HandleplanError], values: dict[str, object]) -> HandleplanError:
    error = kind.__new__(kind)
    error.values = values
    Exception.__init__(error, error.format_message())
    return error


class NotAPortfolio(HandleplanError):
    """The root has no focus_areas.yaml or no projects/ folder."""

    def __init__(self, *, root: Path, missing: str) -> None:
        super().__init__(root=root, missing=missing)

    def format_message(self) -> str:
        return (
            f"{self.values['root']} ligner ikke en handleplan: {self.values['missing']} mangler. "
            "Kør kommandoen fra roden af handleplan-repositoriet, eller angiv den med --root."
        )


class InvalidProgramme(HandleplanError):
    """focus_areas.yaml has errors, so nothing that depends on it can be made."""

    def __init__(self, *, errors: int) -> None:
        super().__init__(errors=errors)

    def format_message(self) -> str:
        return (
            f"focus_areas.yaml har {self.values['errors']} fejl. "
            "Kør 'handleplan validate' for at se dem, og ret dem først."
        )


class TemplateFailed(HandleplanError):
    """A site template is missing or fails to render."""

    def __init__(self, *, template: str, page: str, detail: str) -> None:
        super().__init__(template=template, page=page, detail=detail)

    def format_message(self) -> str:
        return (
            f"Skabelonen site_templates/{self.values['template']} fejlede for siden "
            f"{self.values['page']}: {self.values['detail']}"
        )


class PortfolioHasErrors(HandleplanError):
    """The portfolio has errors, so nothing is made from it.

    `not_done` says what was not made; `site_kept` (for a build) whether a last good site is left.
    """

    def __init__(self, *, errors: int, not_done: str = "Intet er lavet", site_kept: bool | None = None) -> None:
        super().__init__(errors=errors, not_done=not_done, site_kept=site_kept)

    def format_message(self) -> str:
        text = f"{self.values['not_done']}: projektfilerne har {self.values['errors']} fejl (se ovenfor)."
        return text + _site_left(self.values["site_kept"])


class SiteBuildFailed(HandleplanError):
    """MkDocs could not build the generated pages; `site_kept` says whether a last good site is left."""

    def __init__(self, *, detail: str, site_kept: bool = True) -> None:
        super().__init__(detail=detail, site_kept=site_kept)

    def format_message(self) -> str:
        return f"MkDocs kunne ikke bygge sitet: {self.values['detail']}." + _site_left(self.values["site_kept"])


def _site_left(site_kept: object) -> str:
    if site_kept is None:
        return ""
    return " Det seneste gode site er uændret." if site_kept else " Der er endnu intet site."


class InvalidSiteConfig(HandleplanError):
    """A setting in mkdocs.yml that handleplan reads is not usable."""

    def __init__(self, *, key: str, detail: str) -> None:
        super().__init__(key=key, detail=detail)

    def format_message(self) -> str:
        return f"mkdocs.yml: {self.values['key']} {self.values['detail']}. Sitet er ikke bygget."


class UnsafeOutputFolder(HandleplanError):
    """An output folder holds files handleplan did not make, so it will not touch it."""

    def __init__(self, *, folder: Path, reason: str) -> None:
        super().__init__(folder=folder, reason=reason)

    def format_message(self) -> str:
        return (
            f"{self.values['folder']} bruges ikke som output: {self.values['reason']}. "
            "Ret docs_dir/site_dir i mkdocs.yml, eller flyt mappen."
        )


class GitFailed(HandleplanError):
    """Git could not give what was asked (no repository, an unknown revision)."""

    def __init__(self, *, detail: str) -> None:
        super().__init__(detail=detail)

    def format_message(self) -> str:
        return f"Git: {self.values['detail']}."


class FileSystemFailed(HandleplanError):
    """The operating system refused to read or write a file: disk full, read-only, a name too long."""

    def __init__(self, *, error: OSError) -> None:
        super().__init__(error=error)

    def format_message(self) -> str:
        error = self.values["error"]
        assert isinstance(error, OSError)
        where = f" ({error.filename})" if error.filename else ""
        reason = _OS_REASONS.get(error.errno or 0, f"styresystemet svarede: {error.strerror or error}")
        return f"En fil kunne ikke læses eller skrives{where}: {reason}."


_OS_REASONS = {
    errno.ENOSPC: "der er ikke mere plads på disken; frigør plads, og prøv igen",
    errno.EDQUOT: "din diskkvote er brugt op; frigør plads, og prøv igen",
    errno.EROFS: "mappen er skrivebeskyttet; vælg en anden mappe, eller få skriveadgang",
    errno.EACCES: "du har ikke adgang; få rettigheder til mappen, eller vælg en anden",
    errno.EPERM: "handlingen er ikke tilladt; få rettigheder til mappen, eller vælg en anden",
    errno.ENAMETOOLONG: "filnavnet er for langt; vælg et kortere navn",
    errno.EISDIR: "der ligger en mappe med det navn",
    errno.ENOENT: "filen eller mappen findes ikke",
}


class ProjectExists(HandleplanError):
    """`handleplan new` would overwrite an existing project."""

    def __init__(self, *, path: Path) -> None:
        super().__init__(path=path)

    def format_message(self) -> str:
        return (
            f"{self.values['path']} findes allerede og overskrives ikke. "
            "Vælg et andet id med --id, eller ret den eksisterende fil."
        )


class NewProjectInvalid(HandleplanError):
    """The answers to `handleplan new` would not give a valid project."""

    def __init__(self, *, messages: list[str]) -> None:
        super().__init__(messages=messages)

    def format_message(self) -> str:
        listed = "; ".join(self.values["messages"])  # type: ignore[arg-type]
        return f"Projektet er ikke oprettet, fordi det ville have fejl: {listed}"


class NothingToPreview(HandleplanError):
    """The preview has no good pages to show."""

    def format_message(self) -> str:
        return "Der er ingen sider at vise: ret fejlene ovenfor, og start forhåndsvisningen igen."


class OutputFolderBusy(HandleplanError):
    """Another build or preview in the same checkout held the output folders too long."""

    def __init__(self, *, lock_file: Path, seconds: float) -> None:
        super().__init__(lock_file=lock_file, seconds=seconds)

    def format_message(self) -> str:
        seconds = self.values["seconds"]
        assert isinstance(seconds, int | float)
        waited = f"{seconds / 60:g} minutter" if seconds >= 120 else f"{seconds:g} sekunder"
        return (
            f"Der er ikke bygget noget: en anden build i denne mappe er ikke færdig efter {waited.replace('.', ',')} "
            f"(den holder låsen {self.values['lock_file']}). Vent, til den er færdig, eller stop den, og prøv igen."
        )


class NothingToMigrate(HandleplanError):
    """focus_areas.yaml describes one programme only: there is nothing to move the projects to."""

    def format_message(self) -> str:
        return (
            "focus_areas.yaml beskriver kun ét program, så der er intet at flytte projekterne til. Tilføj det "
            "efterfølgende program under successors med fokusområder og mapping, og kør 'handleplan migrate' igen."
        )
