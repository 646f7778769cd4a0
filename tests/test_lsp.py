"""The editor as project leads see it: the real yaml-language-server, spoken to over LSP.

One server for the module (`.ci/lsp`, pinned), the repository as its workspace and
the committed schemas as the files point to them. Documents are opened from memory,
so the broken ones never touch projects/.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from generator.portfolio import load_programme
from schema.field_values import field_title
from schema.project import Project, Status
from tests.conftest import REPO
from tests.test_schemas import class_names

pytestmark = pytest.mark.slow

SERVER = REPO / ".ci" / "lsp" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
SETTINGS: dict[str, Any] = {
    "yaml": {
        "validate": True,
        "hover": True,
        "completion": True,
        "schemaStore": {"enable": False},  # offline, and only the file's own schema
        "format": {"enable": False},
    }
}
TIMEOUT = 20.0
PROJECT_FILES = sorted((REPO / "projects").glob("*.yaml"))
SAMPLE = REPO / "projects" / "aula.yaml"

# What yaml-language-server says where a schema gives it nothing better.
ENGLISH = (
    "Incorrect type",
    "Value is not accepted",
    "Missing property",
    "is not allowed",
    "does not match",
    "Value must",
)


class LanguageServer:
    """A minimal LSP client over stdio: Content-Length framing, requests, notifications, diagnostics."""

    def __init__(self, command: list[str], root: Path) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.responses: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.diagnostics: dict[str, queue.Queue[list[dict[str, Any]]]] = {}
        self.configured = threading.Event()
        self.lock = threading.Lock()
        self.last_id = 0
        assert self.process.stdout is not None and self.process.stderr is not None
        self.threads = [
            threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True),
            threading.Thread(target=self.process.stderr.read, daemon=True),  # drained, so it never blocks
        ]
        for thread in self.threads:
            thread.start()
        uri = root.as_uri()
        self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": root.name}],
                "capabilities": {
                    "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False}},
                    "textDocument": {
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "completion": {
                            "completionItem": {"snippetSupport": True, "documentationFormat": ["markdown", "plaintext"]}
                        },
                        "publishDiagnostics": {},
                    },
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})
        assert self.configured.wait(TIMEOUT), "the server never asked for its settings"

    def request(self, method: str, params: dict[str, Any]) -> Any:
        """Send a request and wait for its result."""
        with self.lock:
            self.last_id += 1
            number = self.last_id
            self.responses[number] = queue.Queue()
        self._send({"id": number, "method": method, "params": params})
        response = self.responses[number].get(timeout=TIMEOUT)
        assert "error" not in response, response["error"]
        return response.get("result")

    def notify(self, method: str, params: dict[str, Any]) -> None:
        """Send a notification."""
        self._send({"method": method, "params": params})

    def open(self, uri: str, text: str) -> None:
        """Open a document from memory; its diagnostics arrive later (see `diagnostics_of`)."""
        self.diagnostics.setdefault(uri, queue.Queue())
        self.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}
        )

    def diagnostics_of(self, uri: str) -> list[dict[str, Any]]:
        """The first diagnostics published for an opened document."""
        return self.diagnostics[uri].get(timeout=TIMEOUT)

    def close(self) -> None:
        """Shut the server down the polite way, then make sure it is gone."""
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.process.wait(timeout=5)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for thread in self.threads:
                thread.join(timeout=5)
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        with self.lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            self.process.stdin.flush()

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            length = None
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                return
            self._receive(json.loads(stream.read(length)))

    def _receive(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        if method is not None and "id" in message:  # a request from the server
            result: Any = None
            if method == "workspace/configuration":
                result = [_section(item.get("section", "")) for item in message["params"]["items"]]
            self._send({"id": message["id"], "result": result})
            if method == "workspace/configuration":
                self.configured.set()
        elif method == "textDocument/publishDiagnostics":
            uri = message["params"]["uri"]
            if uri in self.diagnostics:
                self.diagnostics[uri].put(message["params"]["diagnostics"])
        elif method is None:
            self.responses[message["id"]].put(message)


def _section(name: str) -> Any:
    node: Any = SETTINGS
    for part in filter(None, name.split(".")):
        node = node.get(part) if isinstance(node, dict) else None
    return node


@pytest.fixture(scope="module")
def server() -> Iterator[LanguageServer]:
    node = shutil.which("node")
    if node is None or not SERVER.is_file():
        message = "the editor test needs node and `npm ci --prefix .ci/lsp` (see .ci/run)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    language_server = LanguageServer([node, str(SERVER), "--stdio"], REPO)
    yield language_server
    language_server.close()


def _uri(name: str) -> str:
    return (REPO / "projects" / name).as_uri()


def _opened(server: LanguageServer, documents: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Open the documents all at once (the server waits a moment before it validates), then collect."""
    for name, text in documents.items():
        server.open(_uri(name), text)
    return {name: server.diagnostics_of(_uri(name)) for name in documents}


def _line_of(text: str, line: str) -> int:
    return text.splitlines().index(line)


# --- every sample opens clean ---------------------------------------------------------------------


def test_every_sample_file_opens_without_diagnostics(server: LanguageServer) -> None:
    documents = {f"sample-{path.name}": path.read_text(encoding="utf-8") for path in PROJECT_FILES}
    found = _opened(server, documents)
    programme = REPO / "focus_areas.yaml"
    server.open(programme.as_uri(), programme.read_text(encoding="utf-8"))
    found["focus_areas.yaml"] = server.diagnostics_of(programme.as_uri())
    assert {name: [d["message"] for d in diagnostics] for name, diagnostics in found.items() if diagnostics} == {}
    assert len(found) == len(PROJECT_FILES) + 1


# --- a broken file: the right line, in Danish -------------------------------------------------------

OWNER_EMAIL = "  email: bhm@norddjurs.dk"
# (id, line in aula.yaml, what it becomes, the line that gets the diagnostic, the exact message or its start)
BROKEN = [
    (
        "status-in-danish",
        "status: completed",
        "status: færdig",
        "status: færdig",
        "Ugyldig værdi i 'status': skal være en af: idea (Idé), startup (Opstart), execution (Gennemførelse), "
        "benefits (Drift og gevinstrealisering), completed (Afsluttet), paused (Sat i bero) eller cancelled "
        "(Stoppet).",
    ),
    (
        "kle-without-zero",
        "  - 17.01.00",
        "  - 17.1.00",
        "  - 17.1.00",
        "Ugyldig værdi i 'kle': skal være et KLE-nummer i anførselstegn på formen NN.NN.NN, evt. med handlingsfacet, "
        "fx '27.24.00' eller '27.24.00G01'.",
    ),
    (
        "unknown-key",
        OWNER_EMAIL,
        OWNER_EMAIL + "\n  telefon: 86 12 34 56",
        "  telefon: 86 12 34 56",
        f"Ukendt felt: {field_title('owner')} kan kun have felterne name og email.",
    ),
    (
        "missing-key",
        OWNER_EMAIL,
        None,
        "owner:",
        f"Påkrævet felt mangler: {field_title('owner')} skal have name ({field_title('owner.name')}) "
        f"og email ({field_title('owner.email')}).",
    ),
    (
        "date-as-list",
        "start: 2019-02-01",
        "start: [2019]",
        "start: [2019]",
        "Ugyldig værdi i 'start': skal være en dato på formen ÅÅÅÅ-MM-DD.",
    ),
    (
        "date-the-danish-way",
        "end: 2021-08-31",
        "end: 31.08.2021",
        "end: 31.08.2021",
        "Ugyldig værdi i 'end': skal være en dato på formen ÅÅÅÅ-MM-DD.",
    ),
    (
        "amount-in-words",
        "        amount_dkk_per_year: 260000",
        "        amount_dkk_per_year: mange",
        "        amount_dkk_per_year: mange",
        "Ugyldig værdi i 'governance.business_case.benefits.amount_dkk_per_year': skal være et helt tal uden punktum "
        "eller komma, fx 420000.",
    ),
    (
        "focus-area-by-number",
        "  - sammenhaengende-forloeb",
        "  - 3",
        "  - 3",
        "Ugyldig værdi i 'focus_areas': skal være en af: borger-teknologi-lokaldemokrati (1. ",
    ),
    (
        "governance-model-misspelt",
        "  model: project_model",
        "  model: projektmodel",
        "  model: projektmodel",
        "Ugyldig værdi i 'governance.model': skal være en af: project_model (",
    ),
    (
        "done-in-danish",
        "    done: true",
        "    done: ja",
        "    done: ja",
        "Ugyldig værdi i 'milestones.done': skal være true eller false.",
    ),
    ("empty-title", SAMPLE.read_text(encoding="utf-8").splitlines()[1], "title: ' '", "title: ' '", None),
    (
        "section-as-text",
        "considerations:",
        "considerations: ingen",
        "considerations: ingen",
        "Ugyldig værdi i 'considerations': skal være et afsnit med felter (feltnavn: værdi).",
    ),
]
EMPTY_TITLE = "Ugyldig værdi i 'title': må ikke være tom."


def _broken(original: str, replacement: str | None) -> str:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    index = lines.index(original)
    if replacement is None:
        del lines[index]
    else:
        lines[index] = replacement
    if original == "considerations:":  # its indented lines go with it
        while lines[index + 1].startswith("  "):
            del lines[index + 1]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def broken(server: LanguageServer) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    texts = {f"broken-{case}.yaml": _broken(original, replacement) for case, original, replacement, *_ in BROKEN}
    found = _opened(server, texts)
    return {name.removeprefix("broken-").removesuffix(".yaml"): (texts[name], found[name]) for name in texts}


@pytest.mark.parametrize(("case", "line", "message"), [(c[0], c[3], c[4]) for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_a_broken_file_gets_a_danish_diagnostic_on_its_line(
    broken: dict[str, tuple[str, list[dict[str, Any]]]], case: str, line: str, message: str | None
) -> None:
    text, diagnostics = broken[case]
    expected = message or EMPTY_TITLE
    found = [(d["range"]["start"]["line"], d["message"]) for d in diagnostics]
    assert len(found) == 1, found
    assert found[0][0] == _line_of(text, line)
    assert found[0][1].startswith(expected), found[0][1]
    assert not any(english in found[0][1] for english in ENGLISH)


# --- completion ------------------------------------------------------------------------------------


def _completions(server: LanguageServer, name: str, text: str, line: int, character: int) -> dict[str, str]:
    """Each proposed label with its documentation, for a position in a document opened from memory."""
    server.open(_uri(name), text)
    server.diagnostics_of(_uri(name))
    result = server.request(
        "textDocument/completion",
        {"textDocument": {"uri": _uri(name)}, "position": {"line": line, "character": character}},
    )
    items = result["items"] if isinstance(result, dict) else result
    return {item["label"]: _text(item.get("documentation")) for item in items}


def _text(content: Any) -> str:
    return str(content.get("value", "")) if isinstance(content, dict) else str(content or "")


SCHEMA_LINE = "# yaml-language-server: $schema=../schema/project.schema.json\n"


def test_completion_offers_every_key_with_its_danish_description(server: LanguageServer) -> None:
    offered = _completions(server, "complete-keys.yaml", SCHEMA_LINE + "\n", 1, 0)
    for name, info in Project.model_fields.items():
        assert offered.get(name) == info.description, name


def test_completion_offers_the_statuses_with_their_danish_names(server: LanguageServer) -> None:
    offered = _completions(server, "complete-status.yaml", SCHEMA_LINE + "status: \n", 1, 8)
    assert offered == {status.value: status.label for status in Status}


def test_completion_offers_the_programmes_focus_areas_by_name(server: LanguageServer) -> None:
    _, programme = load_programme(REPO)
    assert programme is not None
    offered = _completions(server, "complete-focus.yaml", SCHEMA_LINE + "focus_areas:\n  - \n", 2, 4)
    assert offered == programme.names_by_field["focus_areas"]


def test_completion_offers_the_keys_of_the_chosen_governance_model(server: LanguageServer) -> None:
    text = SCHEMA_LINE + "governance:\n  model: small_project\n  \n"
    offered = _completions(server, "complete-governance.yaml", text, 3, 2)
    assert offered["reason"] == "Hvorfor projektet er så lille, at projektmodel og businesscase ikke er nødvendige."
    assert "business_case" not in offered
    values = _completions(server, "complete-model.yaml", SCHEMA_LINE + "governance:\n  model: \n", 2, 9)
    assert set(values) == {"project_model", "small_project"}
    assert all(values.values())


# --- hover -----------------------------------------------------------------------------------------

# Key paths in aula.yaml, each with the line that holds its key.
HOVERED = [
    ("status", "status: completed"),
    ("start", "start: 2019-02-01"),
    ("common_initiative", "common_initiative:"),
    ("owner", "owner:"),
    ("owner.email", "  email: bhm@norddjurs.dk"),
    ("signoffs.dpo", "  dpo:"),
    ("governance", "governance:"),
    ("governance.business_case", "  business_case:"),
    ("infrastructure", "infrastructure:"),
    ("kle", "kle:"),
]


# pydantic names a section after its class; the editor must not.
CLASS_NAMES = class_names(Project)


@pytest.fixture(scope="module")
def hovers(server: LanguageServer) -> dict[str, str]:
    text = SAMPLE.read_text(encoding="utf-8")
    server.open(_uri("hover-aula.yaml"), text)
    server.diagnostics_of(_uri("hover-aula.yaml"))
    found = {}
    for path, line in HOVERED:
        number = _line_of(text, line)
        character = len(line) - len(line.lstrip()) + 1
        hover = server.request(
            "textDocument/hover",
            {"textDocument": {"uri": _uri("hover-aula.yaml")}, "position": {"line": number, "character": character}},
        )
        found[path] = _text(hover["contents"]) if hover else ""
    return found


@pytest.mark.parametrize("path", [path for path, _ in HOVERED])
def test_hover_shows_the_danish_title_once(hovers: dict[str, str], path: str) -> None:
    shown = hovers[path]
    heading = shown.splitlines()[0]
    assert heading == f"#### {field_title(path)}"
    assert "||" not in shown
    assert not CLASS_NAMES & set(shown.replace("`", " ").split())


def test_hover_on_a_choice_describes_each_value_in_danish(hovers: dict[str, str]) -> None:
    for status in Status:
        assert f"* `{status.value}`: {status.label}" in hovers["status"]
