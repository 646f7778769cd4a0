"""Bytes → YAML node tree → plain data, with every position kept for messages.

libyaml's C composer builds the node tree; a small walker turns it into plain
Python values in one pass, refusing duplicate keys, unknown tags, and alias or
nesting bombs. Positions are looked up in the node tree only when a finding is
reported, so the fast path pays nothing for them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from schema.catalogue import Finding, Loc, finding
from schema.common import PASTED_SPACES, TYPOGRAPHIC_ADVICE, TYPOGRAPHIC_QUOTES

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]
# The fastest safe loader there is; mkdocs.yml is read with it too, so its errors read as ours do.
FastSafeLoader = _Loader

MAX_FILE_BYTES = 256 * 1024
MAX_NODES = 20_000
MAX_DEPTH = 40

_TAG = "tag:yaml.org,2002:"
_TOO_DEEP = "Filen er indlejret for mange niveauer."
_SCALARS = SafeConstructor()


class DocumentError(Exception):
    """The file cannot be read as a project at all; carries one located finding."""

    def __init__(self, found: Finding) -> None:
        super().__init__(found.message)
        self.finding = found


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its plain data, its node tree and what the walk found."""

    data: dict[str, Any]
    root: MappingNode
    findings: list[Finding] = field(default_factory=list)

    def locate(self, found: Finding) -> Finding:
        """The finding with its line and column taken from the node tree."""
        line, column = locate(self.root, found.loc, at_key=found.at_key)
        return found.at(line, column)


def parse_document(text: str) -> Document:
    """Parse the text of one project or programme file.

    Raises:
        DocumentError: the text is not YAML, is empty, is not a mapping at the
            top, or is too deeply nested or aliased.
    """
    try:
        _refuse_deep_nesting(text)
        root = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if _is_libyaml_depth_limit(error):
            raise DocumentError(finding("HP004", detail=_TOO_DEEP).at(line, column)) from None
        pasted = _pasted_space(text, line)
        if pasted is not None:
            raise DocumentError(finding("HP001", detail=pasted[2]).at(pasted[0], pasted[1])) from None
        line, column, detail = yaml_error_at(text, error)
        raise DocumentError(finding("HP001", detail=detail).at(line, column)) from None
    except yaml.YAMLError as error:
        line, column, detail = yaml_error_at(text, error)
        raise DocumentError(finding("HP001", detail=detail).at(line, column)) from None
    except RecursionError:
        raise DocumentError(finding("HP004", detail=_TOO_DEEP).at(1, 1)) from None
    if root is None:
        raise DocumentError(finding("HP003", detail="Filen er tom.").at(1, 1))
    if not isinstance(root, MappingNode):
        kind = "en liste" if isinstance(root, SequenceNode) else "en enkelt værdi"
        detail = f"Øverst i filen skal der stå felter (feltnavn: værdi), ikke {kind}."
        raise DocumentError(finding("HP003", detail=detail).at(*_position(root)))
    walker = _Walker()
    data = walker.construct(root, depth=0)
    return Document(data=data, root=root, findings=walker.findings)


# Without this many flow brackets, or a line with this many block indicators
# ("- - - …", "? ? …"), a file within the size limit cannot nest deeper than
# MAX_DEPTH plus what its indentation allows: far from the depth at which
# libyaml's recursive composer overflows the C stack and kills the process.
_DEEP_BLOCK = re.compile(rf"^[ \t]*(?:[-?][ \t]+){{{MAX_DEPTH}}}", re.MULTILINE)
_START_EVENTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_END_EVENTS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _refuse_deep_nesting(text: str) -> None:
    """Raise HP004 for nesting deeper than MAX_DEPTH, found by the (iterative) event parser.

    Only files that could be that deep are parsed twice.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH and not _DEEP_BLOCK.search(text):
        return
    try:
        _count_depth(text, _Loader)
    except yaml.MarkedYAMLError as error:
        if not _is_libyaml_depth_limit(error):
            raise
        # libyaml 0.2.6 and newer stop at a nesting limit of their own, while
        # scanning ahead of the events: find our limit's place with PyYAML's
        # pure-Python parser, which has none (it stops at MAX_DEPTH, so it is quick).
        _count_depth(text, yaml.SafeLoader)


def _count_depth(text: str, loader: Any) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, _START_EVENTS):
            depth += 1
            if depth > MAX_DEPTH + 1:  # as the walker counts: the top mapping is level 0
                mark = event.start_mark
                line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                raise DocumentError(finding("HP004", detail=_TOO_DEEP).at(line, column))
        elif isinstance(event, _END_EVENTS):
            depth -= 1


_INDENT = re.compile("^[ \t\u00a0\u202f\u2007]*")


def _pasted_space(text: str, error_line: int) -> tuple[int, int, str] | None:
    """Where a pasted non-breaking space indents a line at or just before the error, and what to do."""
    lines = text.splitlines()
    for number in range(error_line, max(error_line - 3, 0), -1):
        indent = _INDENT.match(lines[number - 1]).group() if number <= len(lines) else ""  # type: ignore[union-attr]
        for column, character in enumerate(indent, start=1):
            if character in PASTED_SPACES:
                detail = (
                    f"linjen er rykket ind med et {PASTED_SPACES[character]} (U+{ord(character):04X}), som ligner et "
                    "mellemrum, men ikke tæller som indrykning; det kommer ofte med fra Word. Slet indrykningen, "
                    "og skriv den igen med almindelige mellemrum"
                )
                return number, column, detail
    return None


def _quote_note(text: str, line: int) -> str:
    """A note when the failing line holds a word processor's quotes, which YAML does not read as quoting."""
    lines = text.splitlines()
    if 0 < line <= len(lines) and any(q in lines[line - 1] for q in TYPOGRAPHIC_QUOTES):
        return f". Linjen har typografiske anførselstegn (“…”), som ikke tæller som anførselstegn: {TYPOGRAPHIC_ADVICE}"
    return ""


def _is_libyaml_depth_limit(error: yaml.MarkedYAMLError) -> bool:
    return "maximum nesting depth" in str(error.problem or "")


def decode(raw: bytes) -> str:
    """UTF-8 text without a byte-order mark.

    Raises:
        DocumentError: the file is too large or not UTF-8.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise DocumentError(too_large(len(raw)))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _line_column(raw, error.start)
        detail = f"ugyldig byte 0x{raw[error.start]:02x}"
        raise DocumentError(finding("HP002", detail=detail).at(line, column)) from None


def too_large(size: int) -> Finding:
    """HP004 for a file of `size` bytes, over the limit."""
    detail = f"Filen fylder {size:,} byte; grænsen er {MAX_FILE_BYTES:,}.".replace(",", ".")
    return finding("HP004", detail=detail).at(1, 1)


def locate(root: Node, loc: Loc, *, at_key: bool = False) -> tuple[int, int]:
    """The 1-based line and column of a key path in the node tree.

    Where the path leaves the file (a missing key), the position is that of the
    key whose mapping lacks it, so the message points where the key belongs.
    """
    node: Node = root
    anchor: Node = root
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(node, MappingNode) and isinstance(part, str):
            pair = next((p for p in reversed(node.value) if _key_text(p[0]) == part), None)
            if pair is None:
                break
            key_node, value_node = pair
            if last and at_key:
                return _position(key_node)
            anchor, node = key_node, value_node
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = anchor = node.value[part]
        else:
            break
    else:
        return _position(node)
    return _position(anchor)


def _line_column(text: str | bytes, offset: int) -> tuple[int, int]:
    newline = "\n" if isinstance(text, str) else b"\n"
    line_start = text.rfind(newline, 0, offset) + 1  # type: ignore[arg-type]
    return text.count(newline, 0, offset) + 1, offset - line_start + 1  # type: ignore[arg-type]


def _position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _key_text(node: Node) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


def yaml_error_at(text: str, error: yaml.YAMLError) -> tuple[int, int, str]:
    """The line, column and Danish words of a YAML error in `text`."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return line, column, yaml_problem(error) + _quote_note(text, line)
    if isinstance(error, yaml.reader.ReaderError):
        line, column = _reader_position(text, error.position)
        code = error.character if isinstance(error.character, int) else ord(error.character)
        return line, column, f"tegnet U+{code:04X} må ikke stå i en YAML-fil"
    return 1, 1, yaml_problem(error)


def _reader_position(text: str, position: int) -> tuple[int, int]:
    """Line and column of a reader error's position: libyaml counts the bytes of the text as UTF-8."""
    if not yaml.__with_libyaml__:  # pragma: no cover - PyYAML's own reader counts characters
        return _line_column(text, position)
    encoded = text.encode("utf-8", "surrogatepass")
    line, column = _line_column(encoded, position)
    return line, len(encoded[position - column + 1 : position].decode("utf-8", "replace")) + 1


def yaml_problem(error: yaml.YAMLError) -> str:
    """What libyaml says is wrong, in Danish where it is one of its common complaints."""
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return _YAML_PROBLEMS.get(problem, problem)


# libyaml's most common complaints, in Danish; anything else is shown as it is.
_YAML_PROBLEMS = {
    "mapping values are not allowed in this context": "der står et kolon, hvor der ikke må stå et "
    "(sæt teksten i anførselstegn, eller ret indrykningen)",
    "mapping values are not allowed here": "der står et kolon, hvor der ikke må stå et "
    "(sæt teksten i anførselstegn, eller ret indrykningen)",
    "could not find expected ':'": "der mangler et kolon efter feltnavnet",
    "found character that cannot start any token": "et tegn, der ikke må stå her (fx tabulator som indrykning)",
    "did not find expected key": "forkert indrykning: et felt står ikke under det, det hører til",
    "did not find expected '-' indicator": "forkert indrykning i en liste",
    "found undefined alias": "et alias (*) uden et anker (&) med samme navn",
    "found unexpected end of stream": "filen slutter midt i en værdi (mangler et afsluttende anførselstegn?)",
    "found duplicate anchor; first occurrence": "samme anker (&) er brugt to gange",
    "expected a single document in the stream": "filen indeholder flere YAML-dokumenter (---); der må kun være ét",
    "but found another document": "filen indeholder flere YAML-dokumenter (---); der må kun være ét",
    "found a tab character that violates indentation": "tabulator brugt som indrykning; brug mellemrum",
    "block sequence entries are not allowed in this context": "et listepunkt (- ) står, hvor der ikke må stå et "
    "(ret indrykningen)",
    "did not find expected node content": "der mangler en værdi",
    "did not find expected ',' or ']'": "en liste i [ ] mangler et komma eller den afsluttende ]",
    "did not find expected ',' or '}'": "en { } mangler et komma eller den afsluttende }",
    "did not find expected <document start>": "forkert indrykning: et felt står længere ude end felterne før det",
    "found unknown escape character": "ukendt escape-tegn efter \\ i en tekst i dobbelte anførselstegn",
}


class _Composer(_Loader):
    """libyaml's composer, with tag resolution left to the walker.

    PyYAML resolves every plain scalar's tag in Python while composing, keys
    included. Keys are taken as written and need none, so the walker resolves
    values only: half the work on a typical project file.
    """

    def resolve(self, kind: type[Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _TAG + "str"
        return _TAG + ("seq" if kind is SequenceNode else "map")

    def descend_resolver(self, current_node: Node | None, current_index: Any) -> None:
        pass  # no path resolvers are registered: nothing to track

    def ascend_resolver(self) -> None:
        pass


_PLAIN = "?plain"
_IMPLICIT_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers


def _resolve_plain(value: str) -> str:
    for tag, pattern in _IMPLICIT_RESOLVERS.get(value[:1], ()):
        if pattern.match(value):
            return str(tag)
    return _TAG + "str"


class _Walker:
    """Turns a node tree into plain values, within a budget of nodes and depth."""

    def __init__(self) -> None:
        self.nodes_left = MAX_NODES
        self.findings: list[Finding] = []

    def construct(self, node: Node, depth: int) -> Any:
        self.nodes_left -= 1
        if self.nodes_left < 0:
            detail = "Filen udfolder sig til for mange værdier (YAML-ankre og -aliaser brugt for meget)."
            raise DocumentError(finding("HP004", detail=detail).at(*_position(node)))
        if depth > MAX_DEPTH:
            raise DocumentError(finding("HP004", detail=_TOO_DEEP).at(*_position(node)))
        if node.__class__ is ScalarNode:
            return self._scalar(node)
        if isinstance(node, SequenceNode):
            self._expect_tag(node, _TAG + "seq")
            return [self.construct(child, depth + 1) for child in node.value]
        if isinstance(node, MappingNode):
            self._expect_tag(node, _TAG + "map")
            return self._mapping(node, depth)
        raise DocumentError(finding("HP001", detail="ukendt YAML-element").at(*_position(node)))

    def _mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or (key_node.tag == _PLAIN and key_node.value == "<<"):
                detail = "feltnavne skal være almindelig tekst (sammenfletning med << understøttes ikke)"
                raise DocumentError(finding("HP001", detail=detail).at(*_position(key_node)))
            # Keys are taken as written: 'no:' and 'on:' stay text, never booleans.
            key = key_node.value
            if key in first_lines:
                line = key_node.start_mark.line + 1
                duplicate = finding("HP005", at_key=True, key=key, first_line=first_lines[key])
                self.findings.append(duplicate.at(line, key_node.start_mark.column + 1))
            else:
                first_lines[key] = key_node.start_mark.line + 1
            result[key] = self.construct(value_node, depth + 1)
        return result

    def _scalar(self, node: ScalarNode) -> Any:
        value = node.value
        if node.tag == _PLAIN:
            if value[:1] not in _IMPLICIT_RESOLVERS:
                return value  # most values: text that starts like no number, date or keyword
            tag = _resolve_plain(value)
        else:
            tag = node.tag
        if tag == _TAG + "str":
            return value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return _SCALARS.bool_values[value.lower()]
        if tag == _TAG + "int":
            try:
                return _SCALARS.construct_yaml_int(node)
            except ValueError:  # over Python's 4,300-digit limit: the model reports it
                return value
        if tag == _TAG + "float":
            return _SCALARS.construct_yaml_float(node)
        if tag == _TAG + "timestamp":
            return _timestamp(node)
        raise DocumentError(finding("HP001", detail=f"YAML-mærket '{tag}' understøttes ikke").at(*_position(node)))

    def _expect_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            detail = f"YAML-mærket '{node.tag}' understøttes ikke"
            raise DocumentError(finding("HP001", detail=detail).at(*_position(node)))


def _timestamp(node: ScalarNode) -> Any:
    """A date or datetime; an impossible one stays text, so the model reports it as a bad date."""
    value = node.value
    try:
        if len(value) == 10:  # the common YYYY-MM-DD, without PyYAML's regex round trip
            return dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
        return _SCALARS.construct_yaml_timestamp(node)
    except (ValueError, ConstructorError, OverflowError):
        return value
