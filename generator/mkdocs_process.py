"""MkDocs' build in a process of its own, started before handleplan needs it.

Importing MkDocs, Material and their Markdown extensions and reading mkdocs.yml
takes 0.4 s before MkDocs looks at a single page. A build starts this process first:
it gets ready while handleplan checks the projects and renders the pages, waits,
and builds when it is told that the pages are written. Only its warnings (or why it
failed) come back. The staging folder it builds into is chosen when it starts, so
that it can read mkdocs.yml at once; nothing is written there until it is told to build.

Run as `python -m generator.mkdocs_process CONFIG SITE_DIR`; it imports only the
standard library, MkDocs, generator/forked.py (to die with its parent) and
generator/mkdocs_parallel.py (MkDocs' build on two cores), so that it is ready soon.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

_GO = "build\n"


class MkDocsFailed(Exception):
    """MkDocs could not build; the message says why, in MkDocs' words (its error log lines)."""


class MkDocsProcess:
    """A started MkDocs, ready to build `config_file` into `site_dir` when asked (once)."""

    def __init__(self, config_file: Path, site_dir: Path, environment: dict[str, str]) -> None:
        self.site_dir = site_dir
        command = [sys.executable, "-m", __name__, str(config_file), str(site_dir)]
        self._process: subprocess.Popen[str] | None = None
        self._config_file = config_file
        self._environment = environment
        try:
            self._process = _start(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # what it could say, a build here says again (see build)
                text=True,
                encoding="utf-8",
                env={**os.environ, **environment},
                cwd=config_file.parent,
            )
        except OSError:  # no process can be started: build in this one when asked
            self._process = None

    def build(self) -> list[str]:
        """Build the site into site_dir; return MkDocs' warnings.

        Raises:
            MkDocsFailed: MkDocs failed.
        """
        if self._process is None:
            return build_here(self._config_file, self.site_dir, self._environment)
        process, self._process = self._process, None
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(_GO)
            process.stdin.close()
        except OSError:  # it has already ended: its exit code tells below
            pass
        with process.stdout:
            answer = process.stdout.read()
        process.wait()
        try:
            result = json.loads(answer.splitlines()[-1])
        except (IndexError, ValueError):
            # It ended without an answer (killed, or it could not even start MkDocs): build here
            # instead, where a failure is told as MkDocs tells it.
            return build_here(self._config_file, self.site_dir, self._environment)
        if "error" in result:
            raise MkDocsFailed(result["error"])
        return [str(warning) for warning in result["warnings"]]

    def close(self) -> None:
        """End the process if it was never asked to build: it exits when its input closes."""
        if self._process is not None:
            process, self._process = self._process, None
            assert process.stdin is not None and process.stdout is not None
            process.stdin.close()
            process.stdout.close()
            process.wait()


def _start(command: list[str], **options: object) -> subprocess.Popen[str]:
    return subprocess.Popen(command, **options)  # type: ignore[call-overload, no-any-return]


def build_here(config_file: Path, site_dir: Path, environment: dict[str, str]) -> list[str]:
    """Build with MkDocs in this process; return its warnings.

    Raises:
        MkDocsFailed: MkDocs failed.
    """
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        with _captured_log() as log:
            try:
                _run_mkdocs(_loaded_config(config_file, site_dir))
            except Exception as error:
                raise MkDocsFailed(log.why(error)) from None
        return log.warnings
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _loaded_config(config_file: Path, site_dir: Path) -> object:
    from mkdocs.config import load_config

    return load_config(str(config_file), site_dir=str(site_dir))


def _run_mkdocs(config: object) -> None:
    from mkdocs.config.defaults import MkDocsConfig

    from generator.mkdocs_parallel import build

    assert isinstance(config, MkDocsConfig)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


class _MkDocsLog(logging.Handler):
    """MkDocs' warnings, and its errors: when it fails, they say why (its exception says only that it did)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings: list[str] = []
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        (self.warnings if record.levelno < logging.ERROR else self.errors).append(record.getMessage())

    def why(self, error: Exception) -> str:
        """Why MkDocs failed with `error`, in its words; for a theme template Jinja cannot read, where."""
        import jinja2

        if self.errors:
            return " ".join(self.errors)
        if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
            return f"{error.filename}, linje {error.lineno}: {error.message}"
        return str(error) or type(error).__name__


@contextmanager
def _captured_log() -> Iterator[_MkDocsLog]:
    logger = logging.getLogger("mkdocs")
    handler = _MkDocsLog()
    logger.addHandler(handler)
    propagate = logger.propagate
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _serve(config_file: Path, site_dir: Path, requests: IO[str], answers: IO[str]) -> None:
    """In the started process: get ready, wait to be told, build, answer in one line of JSON."""
    with _captured_log() as log:
        try:
            config = _loaded_config(config_file, site_dir)  # imports MkDocs, the theme and the plugins
            import generator.mkdocs_parallel  # noqa: F401  (and MkDocs' build)
        except Exception:
            # Read again when told to build: the docs folder, say, is made only before then.
            config = None
        early = len(log.warnings)
        if requests.readline() != _GO:
            return  # the build was given up (the projects had errors): nothing is written
        try:
            if config is None:
                del log.warnings[:early]  # said again by the second reading, if they still hold
                log.errors.clear()
                config = _loaded_config(config_file, site_dir)
            _run_mkdocs(config)
        except Exception as error:
            answers.write(json.dumps({"error": log.why(error)}) + "\n")
            return
    answers.write(json.dumps({"warnings": log.warnings}) + "\n")


if __name__ == "__main__":
    # A killed build leaves no MkDocs behind to write into a staging folder nobody will swap in.
    from generator.forked import die_with_parent

    die_with_parent()
    _serve(Path(sys.argv[1]), Path(sys.argv[2]), sys.stdin, sys.stdout)
