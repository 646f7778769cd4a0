"""What has the form of a CPR number (DDMMYY-NNNN): one normaliser, one matcher.

Pure functions on strings; where in a file they look is generator/cpr_scan.py.

`normalise` makes every way of writing the digits and the gaps between them
look alike: digits of any script become ASCII, invisible characters go, every
dash, space, dot and slash becomes an ASCII separator. ASCII text is left as
it is (the matcher reads ASCII separators itself), so the common case costs a
scan for unusual characters and nothing more.

`find_cpr` then looks for the layouts a person writes a CPR number in: ten
digits, 6-4 and 2-2-2-4 (or 2-2-2 and 4 run together), with short runs of
separators, whose first six digits are a date. Digits that continue a longer
number, or follow a '+', are no CPR number.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

_ASCII_SEPARATORS = frozenset(" \t\n\r\f\v-./_")
_ASCII_DIGITS = frozenset("0123456789")

# Non-ASCII characters that never need normalising and are common in Danish
# text: skipping them in C keeps a page of prose off the per-character path.
_COMMON = "\u00a1-\u00ac\u00ae-\u00b1\u00b4-\u00b6\u00b8\u00bb\u00bf-\u00ff\u2018-\u201f\u2022\u20ac"
_CANDIDATE = re.compile(f"[^\\x00-\\x7f{_COMMON}]")

# Invisible, though not all of category Cf: Hangul fillers and the braille blank.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Separators outside category Pd: fraction and division slash, middle dots, the minus sign.
_OTHER_SEPARATORS = frozenset("\u2044\u2215\u00b7\u2027\u2024\u2212")

# One decision per character, made once: what it becomes ('' for nothing).
_DECISIONS: dict[str, str] = {}


def _decide(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Nd":
        return str(unicodedata.decimal(char))
    if char == "\x85" or category in ("Zl", "Zp"):
        return "\n"  # a line break, as YAML reads it
    if category == "Zs":
        return " "
    if category in ("Cf", "Cc", "Mn", "Me") or char in _INVISIBLE:
        return ""
    if category == "Pd" or char in _OTHER_SEPARATORS:
        return "-"
    compatible = unicodedata.normalize("NFKC", char)  # fullwidth '／', superscript '¹', circled '①'
    if compatible != char and all(c in _ASCII_DIGITS or c in _ASCII_SEPARATORS for c in compatible):
        return compatible
    return char


@dataclass(frozen=True)
class Normalised:
    """Normalised text, and where its characters were in the original.

    `shifts_at` holds the normalised offsets from which `shifted_to` gives the
    original offset; they are empty when every character kept its place.
    """

    text: str
    shifts_at: tuple[int, ...] = ()
    shifted_to: tuple[int, ...] = ()

    def original(self, index: int) -> int:
        """The offset in the original text of the character at `index`."""
        if not self.shifts_at:
            return index
        checkpoint = bisect_right(self.shifts_at, index) - 1
        if checkpoint < 0:
            return index
        return self.shifted_to[checkpoint] + index - self.shifts_at[checkpoint]


def normalise(text: str) -> Normalised:
    """Digits as ASCII, invisible characters removed, separators as ASCII (' ', '-', '.', '/', '_')."""
    if text.isascii():
        return Normalised(text)
    pieces: list[str] = []
    shifts_at: list[int] = []
    shifted_to: list[int] = []
    position = length = 0
    for found in _CANDIDATE.finditer(text):
        char = found.group()
        replacement = _DECISIONS.get(char)
        if replacement is None:
            replacement = _DECISIONS[char] = _decide(char)
        if replacement == char:
            continue
        start = found.start()
        pieces += (text[position:start], replacement)
        length += start - position + len(replacement)
        position = start + 1
        if len(replacement) != 1:
            expanded = length - len(replacement)
            for offset in range(len(replacement)):  # an expansion's characters all stand for this one
                shifts_at.append(expanded + offset)
                shifted_to.append(start)
            shifts_at.append(length)
            shifted_to.append(position)
    if not pieces:
        return Normalised(text)
    pieces.append(text[position:])
    return Normalised("".join(pieces), tuple(shifts_at), tuple(shifted_to))


_TAG = re.compile(r"<[^<>]*>")  # not [^>]*: a run of "<" would cost quadratic time
_MARKERS = str.maketrans("", "", "*`~\\")
_MARKUP = re.compile(r"[&<*`~\\]")


def as_shown(text: str) -> str:
    """The text roughly as a page shows it: tags gone, entities decoded, emphasis and code markers gone.

    Cheaper than rendering Markdown, and enough to join digits that markup splits.
    """
    if not _MARKUP.search(text):
        return text
    return html.unescape(_TAG.sub("", text)).translate(_MARKERS)


# At least ten digits of any script: the only strings worth the passes below.
_TEN_DIGITS = re.compile(r"(?:\D*+\d){10}")


def may_hold_cpr(text: str) -> bool:
    """A cheap test: False for text with fewer than ten decimal digits, which holds no CPR number."""
    return _TEN_DIGITS.match(text) is not None


# A separator run is a few spaces, dashes, dots, slashes or underscores. In YAML
# source a line break with the next line's indentation (and a list dash) is one
# too, as folding would make it a space.
_GAP = r"[ \t\n\r\f\v\-./_]{1,3}"
_SOURCE_GAP = r"(?:[ \t\-./_]{1,3}|[ \t]*(?:[\-./_][ \t]*)?(?:(?:\r\n?|\n)[ \t]*){1,3}(?:[\-./_][ \t]*)?)"


def _layouts(gap: str) -> re.Pattern[str]:
    # The pattern starts with a digit, so the engine skips to digits in C; what may
    # not stand before it is looked behind from the second digit.
    return re.compile(
        r"[0-9](?<![0-9+][0-9])(?<![0-9][\-./_][0-9])[0-9](?:"  # no digit, '+', 'digit-' or 'digit.' before
        r"[0-9]{4}(?:" + gap + r")?[0-9]{4}"  # 0101901234, 010190-1234, 010190  1234
        r"|" + gap + r"[0-9]{2}" + gap + r"[0-9]{2}(?:" + gap + r")?[0-9]{4}"  # 01.01.90-1234, 01.01.901234
        r")(?![0-9])(?![\-./_][0-9])"  # nor after
    )


_IN_TEXT = _layouts(_GAP)
_IN_SOURCE = _layouts(_SOURCE_GAP)
_NOT_DIGITS = re.compile(r"[^0-9]+")


@dataclass(frozen=True)
class CprMatch:
    """Something with the form of a CPR number: where it is in the original text, and its masked form."""

    start: int
    end: int
    masked: str  # the first six digits and '-****', never the whole number


def find_cpr(text: str, *, excused: Sequence[str] = (), source: bool = False) -> list[CprMatch]:
    """Everything in `text` that has the form of a CPR number, in order.

    A match inside an occurrence of one of the `excused` texts (reviewed
    exceptions) is left out. `source` reads the text as YAML source, where a
    line break and indentation may stand between the groups of digits.
    """
    normalised = normalise(text)
    pattern = _IN_SOURCE if source else _IN_TEXT
    found = []
    match = pattern.search(normalised.text)
    while match is not None:
        digits = _NOT_DIGITS.sub("", match.group())
        if not is_date(int(digits[:2]), int(digits[2:4]), int(digits[4:6])):
            # A layout that is no date may overlap one that is: look again from the next digit.
            match = pattern.search(normalised.text, match.start() + 1)
            continue
        start = normalised.original(match.start())
        end = normalised.original(match.end() - 1) + 1
        if not (excused and _is_excused(text, start, end, excused)):
            found.append(CprMatch(start, end, f"{digits[:6]}-****"))
        match = pattern.search(normalised.text, match.end())
    return found


def is_date(day: int, month: int, year: int) -> bool:
    """True when DD MM YY is a date in the 1900s or the 2000s (a CPR number's first six digits)."""
    for century in (1900, 2000):
        try:
            dt.date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


def _is_excused(text: str, start: int, end: int, excused: Sequence[str]) -> bool:
    for exception in excused:
        if not exception:
            continue
        # Occurrences that could cover [start, end) begin no earlier than end - len(exception).
        at = text.find(exception, max(0, end - len(exception)))
        while at != -1 and at <= start:
            if at + len(exception) >= end:
                return True
            at = text.find(exception, at + 1)
    return False
