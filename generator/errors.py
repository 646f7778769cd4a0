"""The one error hierarchy of handleplan; the CLI maps it to exit codes."""

from __future__ import annotations

from pathlib import Path


class HandleplanError(Exception):
    """A problem the user can fix; its message is Danish and says how."""

    def __init__(self, **values: object) -> None:
        self.values = values
        super().__init__(self.format_message())

    def format_message(self) -> str:
        """The Danish message shown to the user."""
        raise NotImplementedError


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
    """The portfolio has errors, so the site is not built."""

    def __init__(self, *, errors: int) -> None:
        super().__init__(errors=errors)

    def format_message(self) -> str:
        return (
            f"Sitet er ikke bygget: projektfilerne har {self.values['errors']} fejl (se ovenfor). "
            "Det seneste gode site er uændret."
        )


class SiteBuildFailed(HandleplanError):
    """MkDocs could not build the generated pages."""

    def __init__(self, *, detail: str) -> None:
        super().__init__(detail=detail)

    def format_message(self) -> str:
        return f"MkDocs kunne ikke bygge sitet: {self.values['detail']}. Det seneste gode site er uændret."


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
