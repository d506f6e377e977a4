"""What changed between two versions of the group agreement, line by line."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

SAME = "same"
ADDED = "added"
REMOVED = "removed"


@dataclass(frozen=True)
class Line:
    change: str
    text: str


def _lines(text: str) -> list[str]:
    # Blank lines only separate paragraphs; a diff of them would be noise.
    return [line.strip() for line in text.splitlines() if line.strip()]


def agreement_changes(old: str, new: str) -> list[Line]:
    """Every line of `new` in order, with the lines of `old` it no longer has shown
    where they were, each marked same, added or removed."""
    before, after = _lines(old), _lines(new)
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [Line(SAME, text) for text in after[j1:j2]]
            continue
        lines += [Line(REMOVED, text) for text in before[i1:i2]]
        lines += [Line(ADDED, text) for text in after[j1:j2]]
    return lines
