"""Histories built by rule: a codebook and an event table -> the policies and events of a scenario.

The codebook (`scenarios/history/codebook.toml`) maps every event class to ONE move of the world's catalogue (or to
one of the world's `[events.*]`) and a fixed formula for its intensity, shared by every history. An event table
(`scenarios/history/events/<history>.csv`, columns `date,actor,target,event_class,magnitude,source,note`) lists
what happened. `convert` turns the two into plain dicts of the shape a scenario TOML's `[[policies]]` and
`[events.NAME]` tables have, so a history scenario is `world + calendar + these policies and events`.

Formulas (the codebook's comments give each class's reference and its reason):

- `kind = "flow"`: a quantity over a period (US$ million a fiscal year, strikes a year) becomes one policy over
  the period's months, intensity = min(cap, magnitude / months / reference). A zero magnitude means no policy.
- `kind = "incident"`: a one-off act in one month, one policy acting in that month, intensity = min(cap, base)
  with `scale = "none"`, or min(cap, base * (1 + log10(max(magnitude, size) / size))) with `scale = "log10"`.
- `kind = "world_event"`: an occurrence of a world event (say `terror_attack_india`) at that month; the dates of
  every row become its `at`, and with `replaces_random = true` its Poisson `rate` is set to 0 (the history says
  when it happened, so no random occurrences are added on top).

Dates: `YYYY-MM` (one month), `YYYY` (a flow class's period: calendar year, or US fiscal year October-September)
or `YYYY-MM/YYYY-MM` (a flow over the months from the first to the second, both included).

Pure: the standard library only (and sim.util's calendar and TOML reader). Every bad input is one ConfigError
naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from sim.util.calendar import month_index, month_label
from sim.util.errors import ConfigError
from sim.util.tomlfile import read_toml

COLUMNS = ("date", "actor", "target", "event_class", "magnitude", "source", "note")
ACTORS = ("PAK", "USA", "CHN", "IND")
KINDS = ("flow", "incident", "world_event")
PERIODS = {"calendar_year": 1, "us_fiscal_year": 10}  # the month a period named by its year starts in
INTENSITY_MAX = 10.0  # the schema's bound on a policy's intensity
_YEAR = re.compile(r"^(\d{4})$")
_SPAN = re.compile(r"^(\d{4}-\d{2})/(\d{4}-\d{2})$")
_NAME = re.compile(r"[^A-Za-z0-9]+")


@dataclass(frozen=True)
class EventClass:
    """One class of the codebook: what it becomes (a move, or a world event) and how its intensity is computed."""

    name: str
    kind: str
    move: str | None = None
    event: str | None = None
    unit: str = ""
    period: str | None = None
    reference: float | None = None
    base: float = 1.0
    scale: str = "none"
    size: float = 1.0
    cap: float = INTENSITY_MAX
    replaces_random: bool = False


@dataclass(frozen=True)
class Row:
    """One checked row of an event table: the months it covers (first, last), as month indices."""

    line: int
    first: int
    last: int
    actor: str
    target: str
    event_class: str
    magnitude: float
    source: str
    note: str
    date: str
    file: str


def _month(text: str) -> int | None:
    """A "YYYY-MM" month as its index (sim.util.calendar), or None if it is not one."""
    try:
        return month_index(text)
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------------------------
# The codebook


def load_codebook(path: str | Path, moves: list[str] | None = None, events: list[str] | None = None) -> dict:
    """Read and check a codebook; `moves`/`events` (the world's names), when given, must contain every target."""
    path = Path(path)
    raw = read_toml(path)
    classes = raw.get("classes")
    if not isinstance(classes, dict) or not classes:
        raise ConfigError("has no [classes.NAME] tables", file=path, key="classes")
    out = {}
    for name, spec in classes.items():
        out[name] = _event_class(name, spec, path, moves, events)
    return out


_CLASS_KEYS = {
    "kind",
    "move",
    "event",
    "unit",
    "period",
    "reference",
    "base",
    "scale",
    "size",
    "cap",
    "replaces_random",
    "reason",
    "selection",
    "description",
}


@dataclass(frozen=True)
class _ClassTable:
    """One `[classes.NAME]` table being checked: its values, and errors naming its keys."""

    name: str
    spec: dict[str, Any]
    path: Path

    def fail(self, key: str, message: str, hint: str | None = None) -> NoReturn:
        raise ConfigError(message, file=self.path, key=f"classes.{self.name}.{key}", hint=hint)

    def number(self, key: str, default: float | None) -> float | None:
        """A positive number (or the default when the key is absent)."""
        value = self.spec.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
            self.fail(key, f"must be a positive number, got {value!r}")
        return float(value)


def _event_class(name: str, spec: Any, path: Path, moves: list[str] | None, events: list[str] | None) -> EventClass:
    if not isinstance(spec, dict):
        raise ConfigError("must be a table", file=path, key=f"classes.{name}")
    table = _ClassTable(name, spec, path)
    for key in spec:
        if key not in _CLASS_KEYS:
            table.fail(key, "unknown key", "keys: " + ", ".join(sorted(_CLASS_KEYS)))
    kind = spec.get("kind")
    if kind not in KINDS:
        table.fail("kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")
    cap = table.number("cap", INTENSITY_MAX)
    assert cap is not None
    if cap > INTENSITY_MAX:
        table.fail("cap", f"must be at most {INTENSITY_MAX} (the largest intensity a policy can have)")
    _check_target(table, kind, moves, events)
    reference = table.number("reference", None)
    if kind == "flow":
        if spec.get("period") not in PERIODS:
            table.fail("period", f"a flow needs period = one of {', '.join(PERIODS)}, got {spec.get('period')!r}")
        if reference is None:
            table.fail("reference", "a flow needs a reference: the magnitude per month that is intensity 1")
    scale = spec.get("scale", "none")
    if scale not in ("none", "log10"):
        table.fail("scale", f"must be 'none' or 'log10', got {scale!r}")
    replaces = spec.get("replaces_random", False)
    if not isinstance(replaces, bool):
        table.fail("replaces_random", "must be true or false")
    return EventClass(
        name=name,
        kind=kind,
        move=spec.get("move"),
        event=spec.get("event"),
        unit=str(spec.get("unit", "")),
        period=spec.get("period"),
        reference=reference,
        base=table.number("base", 1.0) or 1.0,
        scale=scale,
        size=table.number("size", 1.0) or 1.0,
        cap=cap,
        replaces_random=replaces,
    )


def _check_target(table: _ClassTable, kind: str, moves: list[str] | None, events: list[str] | None) -> None:
    """A world_event class names one of the world's events and no move; the others one move and no event."""
    move, event = table.spec.get("move"), table.spec.get("event")
    if kind == "world_event":
        if not isinstance(event, str) or move is not None:
            table.fail("event", "a world_event class names the world's event (event = ...) and no move")
        if events is not None and event not in events:
            table.fail("event", f"'{event}' is not an event of the world", "events: " + ", ".join(events))
    else:
        if not isinstance(move, str) or event is not None:
            table.fail("move", f"a {kind} class names one move of the world's catalogue (move = ...) and no event")
        if moves is not None and move not in moves:
            table.fail("move", f"'{move}' is not a move of the world", "moves: " + ", ".join(moves))


# ---------------------------------------------------------------------------------------------------------------
# Event tables


def read_events(path: str | Path, codebook: dict, actors: tuple[str, ...] | list[str] = ACTORS) -> list[Row]:
    """Read and check an event table: one Row per non-blank line, in file order."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            lines = list(csv.reader(fh))
    except FileNotFoundError:
        raise ConfigError("no such event table", file=path, hint="columns: " + ",".join(COLUMNS)) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ConfigError(f"is not a readable UTF-8 CSV: {exc}", file=path) from None
    if not lines:
        raise ConfigError("is empty", file=path, hint="the first line must be the header " + ",".join(COLUMNS))
    header = [cell.strip() for cell in lines[0]]
    if tuple(header) != COLUMNS:
        raise ConfigError(
            f"header is {','.join(header)}", file=f"{path}, line 1", hint="it must be " + ",".join(COLUMNS)
        )
    rows = []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(COLUMNS):
            raise ConfigError(
                f"has {len(cells)} fields but the header has {len(COLUMNS)}",
                file=f"{path}, line {number}",
                hint='quote text that contains commas, e.g. "CRS, 2014"',
            )
        rows.append(_row(dict(zip(COLUMNS, (c.strip() for c in cells), strict=True)), path, number, codebook, actors))
    return rows


def _row(cells: dict[str, str], path: Path, line: int, codebook: dict, actors: Any) -> Row:
    where = f"{path}, line {line}"

    def fail(column: str, message: str, hint: str | None = None) -> None:
        raise ConfigError(f"column '{column}': {message}", file=where, key=column, hint=hint)

    cls = codebook.get(cells["event_class"])
    if cls is None:
        fail("event_class", f"unknown class '{cells['event_class']}'", "classes: " + ", ".join(sorted(codebook)))
    for column in ("actor", "target"):
        if cells[column] not in actors:
            fail(column, f"unknown actor '{cells[column]}'", "actors: " + ", ".join(actors))
    if cells["actor"] == cells["target"]:
        fail("target", "is the same actor as the actor", "an event is one actor's act toward another")
    try:
        magnitude = float(cells["magnitude"])
    except ValueError:
        magnitude = math.nan
    if not math.isfinite(magnitude):
        fail("magnitude", f"'{cells['magnitude']}' is not a number", "natural units: US$ million, strikes, 1 ...")
    if magnitude < 0:
        fail("magnitude", f"{cells['magnitude']} is negative", "magnitudes are sizes: 0 or more")
    if not cells["source"]:
        fail("source", "is empty", "give the web address read, or a citation with note = record")
    first, last = _months(cells["date"], cls, fail)
    return Row(
        line=line,
        first=first,
        last=last,
        actor=cells["actor"],
        target=cells["target"],
        event_class=cls.name,
        magnitude=magnitude,
        source=cells["source"],
        note=cells["note"],
        date=cells["date"],
        file=str(path),
    )


def _months(text: str, cls: EventClass, fail: Any) -> tuple[int, int]:
    """The first and last month a date covers, checked against what the class allows."""
    hint = 'write "YYYY-MM", or for a flow "YYYY" (its period) or "YYYY-MM/YYYY-MM"'
    index = _month(text)
    if index is not None:
        return index, index
    year, span = _YEAR.match(text), _SPAN.match(text)
    if (year or span) and cls.kind != "flow":
        what = "a year" if year else "a span"
        fail("date", f"'{text}' is {what}, but class '{cls.name}' is a {cls.kind} and needs a month", hint)
    if year:
        assert cls.period is not None
        start = int(year[1]) * 12 + PERIODS[cls.period] - 1
        if cls.period == "us_fiscal_year":  # FY2010 runs from October 2009 to September 2010
            start -= 12
        return start, start + 11
    first, last = (_month(span[1]), _month(span[2])) if span else (None, None)
    if first is not None and last is not None:
        if last < first:
            fail("date", f"'{text}' ends before it starts")
        return first, last
    fail("date", f"'{text}' is not a date", hint)
    raise AssertionError  # fail always raises


# ---------------------------------------------------------------------------------------------------------------
# Conversion


def intensity(cls: EventClass, magnitude: float, months: int = 1) -> float:
    """The codebook's formula for one row: flows per month over a reference, incidents from a base."""
    if cls.kind == "flow":
        assert cls.reference is not None
        value = magnitude / months / cls.reference
    elif cls.scale == "log10":
        value = cls.base * (1.0 + math.log10(max(magnitude, cls.size) / cls.size))
    else:
        value = cls.base
    return round(min(cls.cap, value), 4)


def to_policies(
    codebook: dict, rows: list[Row], start: str | None = None, end: str | None = None
) -> list[dict[str, Any]]:
    """The policies of the flow and incident rows, clipped to the months from `start` to `end` (when given)."""
    lo = month_index(start) if start else None
    hi = month_index(end) if end else None
    out: list[dict[str, Any]] = []
    names: set[str] = set()
    for row in rows:
        cls = codebook[row.event_class]
        if cls.kind == "world_event":
            continue
        value = intensity(cls, row.magnitude, row.last - row.first + 1)
        if value <= 0:  # a flow of zero: nothing happened in the period
            continue
        first = row.first if lo is None else max(row.first, lo)
        last = row.last if hi is None else min(row.last, hi)
        if last < first:
            continue
        name = base = _NAME.sub("_", f"{cls.name}_{row.actor}_{row.target}_{row.date}").strip("_").lower()
        suffix = 2
        while name in names:
            name, suffix = f"{base}_{suffix}", suffix + 1
        names.add(name)
        note = f"{row.note}; " if row.note else ""
        out.append(
            {
                "name": name,
                "description": (
                    f"{note}{cls.name} {row.magnitude:g} {cls.unit} ({row.date}) -> {cls.move}: {row.source}"
                ).strip(),
                "actor": row.actor,
                "move": cls.move,
                "target": row.target,
                "from": month_label(first),
                "until": month_label(last),
                "intensity": value,
            }
        )
    return out


def to_events(
    codebook: dict, rows: list[Row], start: str | None = None, end: str | None = None
) -> dict[str, dict[str, Any]]:
    """The world events the `world_event` rows fire, as `{name: {"at": [months], ...}}` tables of a scenario."""
    lo = month_index(start) if start else None
    hi = month_index(end) if end else None
    out: dict[str, dict[str, Any]] = {}
    for cls in codebook.values():
        if cls.kind == "world_event" and cls.replaces_random and any(r.event_class == cls.name for r in rows):
            assert cls.event is not None
            out.setdefault(cls.event, {"at": [], "rate": 0.0})
    for row in rows:
        cls = codebook[row.event_class]
        if cls.kind != "world_event":
            continue
        assert cls.event is not None
        table = out.setdefault(cls.event, {"at": []})
        if (lo is None or row.first >= lo) and (hi is None or row.first <= hi):
            label = month_label(row.first)
            if label not in table["at"]:
                table["at"].append(label)
    for table in out.values():
        table["at"].sort()
    return {name: table for name, table in out.items() if table["at"] or table.get("rate") == 0.0}


def convert(
    codebook: str | Path | dict,
    tables: str | Path | list[str | Path],
    start: str | None = None,
    end: str | None = None,
    actors: tuple[str, ...] | list[str] = ACTORS,
) -> dict[str, Any]:
    """Codebook + event table(s) -> {"policies": [...], "events": {...}}, ready to put in a scenario."""
    book = codebook if isinstance(codebook, dict) else load_codebook(codebook)
    paths = [tables] if isinstance(tables, str | Path) else list(tables)
    rows = [row for path in paths for row in read_events(path, book, actors)]
    return {"policies": to_policies(book, rows, start, end), "events": to_events(book, rows, start, end)}
