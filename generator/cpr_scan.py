"""Where a CPR number can hide in a file, each place scanned with generator/cpr.py.

The raw text (comments too), every string the YAML parser makes of it (after
escapes and folding, keys too), those strings as a page shows them, and the
file's name. A number is reported once, at the most precise place found: its
line and column in the raw text, else the value it is in.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.cpr import as_shown, find_cpr, may_hold_cpr
from generator.loader import Document
from schema.catalogue import Finding, Loc, finding

# An amount in kroner is a number, not a person: `amount_dkk_per_year: 1201000000`.
_AMOUNT_LINE = re.compile(r"^[ \t]*\w*_dkk_per_year:[ \t]*\d+[ \t]*(?:#.*)?$")
_AMOUNT_KEY = re.compile(r"\w*_dkk_per_year")
_DIGITS = re.compile(r"[0-9]+")


def find_cpr_numbers(text: str, excused: Sequence[str] = ()) -> list[Finding]:
    """A located finding for everything in the raw text that has the form of a CPR number."""
    found = []
    line, counted = 1, 0  # lines counted incrementally: matches come in order
    for match in find_cpr(text, excused=excused, source=True):
        line_start = text.rfind("\n", 0, match.start) + 1
        line_end = text.find("\n", match.start)
        line_end = len(text) if line_end == -1 else line_end
        if match.end <= line_end and _AMOUNT_LINE.match(text[line_start:line_end].rstrip("\r")):
            continue
        line += text.count("\n", counted, match.start)
        counted = match.start
        found.append(_finding(match.masked, line, match.start - line_start + 1))
    return found


# Only these make a parsed string differ from its source in digits or separators:
# escapes, and the markup a page renders (entities, tags, emphasis and code
# markers; '*' and '&' are also YAML's aliases and anchors). Folding does too, but
# the source is read with a line break as a separator, as folding makes it. Without
# them the raw text's findings are all there is, and the node tree is not walked.
_REWRITING = ("\\", "&", "<", "*", "`", "~")


def find_cpr_in_values(
    document: Document, text: str, excused: Sequence[str], in_text: Sequence[Finding]
) -> list[Finding]:
    """Findings in the parsed keys and values (and in how a page shows them) that `in_text` lacks.

    `text` is the document's raw text and `in_text` its findings: a value whose
    number was found there is not reported again.
    """
    if not any(char in text for char in _REWRITING):
        return []
    return walk_values(document, excused, in_text)


def walk_values(document: Document, excused: Sequence[str], in_text: Sequence[Finding]) -> list[Finding]:
    """Every key and value in the node tree with ten digits or more, scanned; see find_cpr_in_values."""
    # The raw text's findings by 0-based position, as the node tree's marks count.
    placed = sorted(((f.line or 1) - 1, (f.column or 1) - 1, f.message) for f in in_text)
    found: list[Finding] = []
    seen: set[int] = set()
    stack: list[tuple[Node, Loc]] = [(document.root, ())]
    while stack:
        node, loc = stack.pop()
        if id(node) in seen:  # an alias: the same node again
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                key = str(key_node.value)  # the loader allows only scalar keys
                if may_hold_cpr(key):
                    found += _in_scalar(key_node, (*loc, key), excused, placed, at_key=True)
                if not _is_amount(key, value_node):
                    stack.append((value_node, (*loc, key)))
        elif isinstance(node, SequenceNode):
            stack += [(child, (*loc, index)) for index, child in enumerate(node.value)]
        elif isinstance(node, ScalarNode) and may_hold_cpr(node.value):
            found += _in_scalar(node, loc, excused, placed)
    return found


def find_cpr_in_file_name(path: str, excused: Sequence[str] = ()) -> list[Finding]:
    """An HP007 finding at 1:1 when the file's name has the form of a CPR number (names become addresses)."""
    name = path.rsplit("/", 1)[-1]
    if not may_hold_cpr(name):
        return []
    return [_finding(m.masked, 1, 1, place="Filnavnet") for m in find_cpr(name, excused=excused)]


def exception_texts(data: Any) -> tuple[str, ...]:
    """The reviewed exception texts in a programme file's data, read leniently (the file may have errors)."""
    entries = data.get("cpr_exceptions") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return ()
    return tuple(e["text"].strip() for e in entries if isinstance(e, dict) and isinstance(e.get("text"), str))


def _in_scalar(
    node: ScalarNode, loc: Loc, excused: Sequence[str], placed: list[tuple[int, int, str]], *, at_key: bool = False
) -> list[Finding]:
    # What the raw text already found inside this scalar is not reported again.
    end = (node.end_mark.line, node.end_mark.column)
    known: Counter[str] = Counter()
    index = bisect_left(placed, (node.start_mark.line, node.start_mark.column, ""))
    while index < len(placed) and placed[index][:2] < end:
        known[placed[index][2]] += 1
        index += 1
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    here: dict[str, Finding] = {}
    counts: Counter[str] = Counter()
    for text in dict.fromkeys((node.value, as_shown(node.value))):  # the shown text only when it differs
        matches = [_finding(m.masked, line, column, loc=loc, at_key=at_key) for m in find_cpr(text, excused=excused)]
        here |= {f.message: f for f in matches}
        counts |= Counter(f.message for f in matches)
    return [here[message] for message in counts - known]


def _is_amount(key: str, value: Node) -> bool:
    return (
        isinstance(value, ScalarNode)
        and value.style is None
        and _AMOUNT_KEY.fullmatch(key) is not None
        and _DIGITS.fullmatch(value.value) is not None
    )


def _finding(
    masked: str, line: int, column: int, *, place: str = "Filen", loc: Loc = (), at_key: bool = False
) -> Finding:
    return finding("HP007", loc, at_key=at_key, place=place, masked=masked).at(line, column)
