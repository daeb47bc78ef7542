"""Find task ids in pasted text, and put them safely into a URL path.

Users paste whatever they have: a log line, a curl answer, a JSON body, a list
of ids. The known forms are found anywhere in the text; any other single token
that stands alone on its line is taken as an id too. Everything else is
reported back as an ignored line so the user sees what was skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from reelwatch.i18n import translate

MAX_TEXT_CHARS = 2_000_000
"""Larger pastes are refused: nobody tracks that many jobs by hand."""

_KNOWN = re.compile(
    r"(?<![A-Za-z0-9_.:-])"
    r"((?:[A-Za-z0-9][A-Za-z0-9._-]{0,63}:)?task_[A-Za-z0-9]{6,64}"
    r"|video_[A-Za-z0-9][A-Za-z0-9-]{5,80})"
    r"(?![A-Za-z0-9_-])"
)
_TOKEN = re.compile(r"[A-Za-z0-9._:-]{4,200}")
_ALNUM = re.compile(r"[A-Za-z0-9]")
_IGNORED_PREVIEW = 80


class InputTooLargeError(ValueError):
    """The text is too large to scan; the message says the limit."""


@dataclass
class Extraction:
    """The ids found (in order, without duplicates) and the lines that gave none."""

    ids: list[str] = field(default_factory=list)
    ignored: list[tuple[int, str]] = field(default_factory=list)
    """(1-based line number, the line shortened for display)."""


def extract_ids(text: str) -> Extraction:
    """Every task id in `text`, in order of appearance, each once."""
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLargeError(
            translate(
                "Errors",
                "The text is too large to scan ({size:,} characters; the limit is {limit:,}).",
            ).format(size=len(text), limit=MAX_TEXT_CHARS)
        )
    result = Extraction()
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        found = [match.group(1) for match in _KNOWN.finditer(line)]
        if not found:
            token = line.strip().strip("\"',;")
            if _TOKEN.fullmatch(token) and _ALNUM.search(token):
                found = [token]
        if not found and line.strip():
            result.ignored.append((number, _preview(line)))
        for task_id in found:
            if task_id not in seen:
                seen.add(task_id)
                result.ids.append(task_id)
    result.ids = _drop_inner_forms(result.ids)
    return result


def _drop_inner_forms(ids: list[str]) -> list[str]:
    """`task_x` is the same task as `sora-2:task_x`: keep the gateway form only."""
    prefixed_inner = {task_id.split(":", 1)[1] for task_id in ids if ":" in task_id}
    return [task_id for task_id in ids if ":" in task_id or task_id not in prefixed_inner]


def _preview(line: str) -> str:
    cleaned = "".join(ch if ch.isprintable() else "�" for ch in line.strip())
    if len(cleaned) > _IGNORED_PREVIEW:
        return cleaned[: _IGNORED_PREVIEW - 1] + "…"
    return cleaned


def quote_task_id(task_id: str) -> str:
    """The id as one path segment: `:` kept, anything that could change the path encoded."""
    if not task_id:
        raise ValueError("empty task id")
    encoded = quote(task_id, safe=":")
    if set(encoded) == {"."}:
        encoded = encoded.replace(".", "%2E")
    return encoded
