"""Observed series: a CSV of survey values, one directed dyad per series, checked row by row.

Columns: `series,observer,target,year,month,value,source[,verified][,sample_size]`. `value` is a share from 0 to 1
(for example the share of Pakistanis with a favourable view of the US), `month` the survey month (empty: a yearly
value), `source` where the number comes from, `verified` (optional) whether it was checked against the source
(yes/no), `sample_size` (optional) the poll's number of interviews, for its sampling error.
Every problem is one ConfigError naming the file and line (line 1 is the header), the column and a hint.

Rows marked `verified = no` are kept in the file (with what was searched) but never scored or fitted: `scored`
splits them off. Rows without the column, or with it empty, count as checked by whoever wrote the file.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.util.errors import ConfigError, did_you_mean

REQUIRED = ("series", "observer", "target", "year", "month", "value", "source")
OPTIONAL = ("verified", "sample_size")
COLUMNS = (*REQUIRED, "verified", "sample_size", "line")
_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_ACTOR = re.compile(r"[A-Z][A-Z0-9_]{1,11}")
_TRUE, _FALSE = {"yes", "y", "true", "1"}, {"no", "n", "false", "0"}


def load_series(path: str | Path) -> pd.DataFrame:
    """Read and check an observed-series CSV; one row per observation, in file order.

    Columns of the result: series, observer, target, year (int), month (nullable Int64), value (float), source,
    verified (True, False or None) and line (its line in the file, for messages).
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError("no such series file", file=path, hint="give a CSV with columns " + ",".join(REQUIRED))
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = _read(csv.reader(fh), path)
    except UnicodeDecodeError:
        raise ConfigError("is not UTF-8 text", file=path, hint="save the CSV as UTF-8") from None
    except csv.Error as exc:
        raise ConfigError(f"is not a readable CSV: {exc}", file=path) from None
    if not rows:
        raise ConfigError("has no observations", file=path, hint="add one row per survey value under the header")
    _check_series(rows, path)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["month"] = frame["month"].astype("Int64")
    frame["sample_size"] = frame["sample_size"].astype("Int64")
    return frame


def scored(observed: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows to score (not marked `verified = no`), and the unverified rows that are kept but not scored."""
    unverified = observed["verified"].map(lambda v: v is not None and not pd.isna(v) and not v).to_numpy(dtype=bool)
    return observed[~unverified].reset_index(drop=True), observed[unverified].reset_index(drop=True)


def select_series(observed: pd.DataFrame, names: Sequence[str], path: str | Path) -> pd.DataFrame:
    """Only the series named (all when `names` is empty); an unknown name is an error with the closest one."""
    if not names:
        return observed
    known = list(dict.fromkeys(observed["series"]))
    for name in names:
        if name not in known:
            raise ConfigError(
                f"has no series '{name}'", file=path, hint=did_you_mean(name, known) or "series: " + ", ".join(known)
            )
    return observed[observed["series"].isin(names)].reset_index(drop=True)


def check_actors(observed: pd.DataFrame, actors: Sequence[str], path: str | Path, scenario: str) -> None:
    """Every observer and target must be an actor of the scenario the series is compared with."""
    for row in observed.itertuples():
        for column in ("observer", "target"):
            code = getattr(row, column)
            if code not in actors:
                raise ConfigError(
                    f"column '{column}': '{code}' is not an actor of scenario '{scenario}'",
                    file=f"{path}, line {row.line}",
                    hint=did_you_mean(code, actors),
                )


def _read(reader: Any, path: Path) -> list[dict[str, Any]]:
    """The header's checks, then every non-blank row parsed into typed values."""
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise ConfigError("is empty", file=path, hint="the first line must be the header " + ",".join(REQUIRED))
    header = [cell.strip() for cell in header]
    for column in header:
        if column not in (*REQUIRED, *OPTIONAL):
            hint = did_you_mean(column, (*REQUIRED, *OPTIONAL))
            raise ConfigError(f"unknown column '{column}'", file=f"{path}, line 1", hint=hint)
        if header.count(column) > 1:
            raise ConfigError(f"column '{column}' appears twice", file=f"{path}, line 1")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ConfigError(
            f"missing column '{missing[0]}'",
            file=f"{path}, line 1",
            hint="the header must name " + ",".join(REQUIRED) + " (and optionally verified, sample_size)",
        )
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        where = f"{path}, line {reader.line_num}"
        if len(cells) != len(header):
            raise ConfigError(
                f"has {len(cells)} fields but the header has {len(header)}",
                file=where,
                hint='quote text that contains commas, e.g. "Pew, 2005"',
            )
        rows.append(_row(dict(zip(header, (c.strip() for c in cells), strict=True)), where, reader.line_num))
    return rows


def _row(cells: dict[str, str], where: str, line: int) -> dict[str, Any]:
    """One row's typed values; a ConfigError naming the column for the first bad one."""

    def fail(column: str, message: str, hint: str | None = None) -> None:
        raise ConfigError(f"column '{column}': {message}", file=where, hint=hint)

    if not _NAME.fullmatch(cells["series"]):
        fail("series", f"'{cells['series']}' is not a usable name", "use letters, digits, '_', '-' and '.'")
    for column in ("observer", "target"):
        if not _ACTOR.fullmatch(cells[column]):
            fail(column, f"'{cells[column]}' is not an actor code", "actor codes look like PAK or USA")
    if cells["observer"] == cells["target"]:
        fail("target", "is the same actor as the observer", "a series is one actor's view of another")
    year = _whole(cells["year"])
    if year is None or not 1000 <= year <= 9999:
        fail("year", f"'{cells['year']}' is not a year", "write the year of the survey, e.g. 2005")
    month = None
    if cells["month"]:
        month = _whole(cells["month"])
        if month is None or not 1 <= month <= 12:
            fail("month", f"'{cells['month']}' is not a month from 1 to 12", "leave it empty for a yearly value")
    value = _number(cells["value"])
    if value is None or not 0.0 <= value <= 1.0:
        hint = "write shares from 0 to 1: 23% is 0.23" if value is not None and 1 < value <= 100 else None
        fail("value", f"'{cells['value']}' is not a number from 0 to 1", hint)
    if not cells["source"]:
        fail("source", "is empty", "say where the number comes from (publication, table, year)")
    verified = cells.get("verified", "").lower()
    if verified not in ("", *_TRUE, *_FALSE):
        fail("verified", f"'{cells['verified']}' is not yes or no", "write yes, no, or leave it empty")
    size = None
    if cells.get("sample_size"):
        size = _whole(cells["sample_size"])
        if size is None or size < 1:
            fail(
                "sample_size", f"'{cells['sample_size']}' is not a number of interviews", "e.g. 1015, or leave it empty"
            )
    return {
        "series": cells["series"],
        "observer": cells["observer"],
        "target": cells["target"],
        "year": year,
        "month": month,
        "value": value,
        "source": cells["source"],
        "verified": None if not verified else verified in _TRUE,
        "sample_size": size,
        "line": line,
    }


def _check_series(rows: list[dict[str, Any]], path: Path) -> None:
    """One directed dyad per series, and one value per series and survey (a yearly value excludes monthly ones)."""
    dyads: dict[str, tuple[str, str, int]] = {}
    seen: dict[tuple[str, int], list[tuple[int | None, int]]] = {}
    for row in rows:
        where = f"{path}, line {row['line']}"
        name, dyad = row["series"], (row["observer"], row["target"])
        first = dyads.setdefault(name, (*dyad, row["line"]))
        if dyad != first[:2]:
            raise ConfigError(
                f"column 'observer': series '{name}' is {first[0]} -> {first[1]} on line {first[2]}, "
                f"here {dyad[0]} -> {dyad[1]}",
                file=where,
                hint="one series per directed dyad: give this one another name",
            )
        earlier = seen.setdefault((name, row["year"]), [])
        for month, line in earlier:
            if month is None or row["month"] is None or month == row["month"]:
                yearly = month is None or row["month"] is None
                when = f"{row['year']}" if yearly else f"{row['year']}-{month:02d}"
                raise ConfigError(
                    f"column 'year': series '{name}' already has a value for {when} on line {line}",
                    file=where,
                    hint="one value per survey; a yearly value (empty month) stands for the whole year",
                )
        earlier.append((row["month"], row["line"]))


def _whole(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
