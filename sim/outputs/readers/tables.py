"""A CSV table read back and checked against what its writer promises: its columns, their types and ranges, no
empty cells where the writer fills them all, and the row count the manifest recorded.

The writer (sim.runs.stats.csv_bytes) writes UTF-8 with '\\n' after every row, numbers in one format, text only in
the text columns; so a file that does not end with a line break was cut short, and anything else that breaks these
promises was damaged after writing. Each problem is one ConfigError naming the file, the column and the data row.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from sim.util import calendar
from sim.util.errors import ConfigError

RERUN = "the folder looks damaged; run the command in its manifest.json again"


@dataclass(frozen=True)
class Column:
    """What a column holds: text, whole numbers or numbers (finite, within `low`..`high`); `filled`: no empty cell."""

    kind: Literal["text", "whole", "number"]
    low: float | None = None
    high: float | None = None
    filled: bool = True


TEXT = Column("text")
OPTIONAL_TEXT = Column("text", filled=False)
MONTH = Column("whole", 0)  # a step: 0 is the initial state
SHARE = Column("number", 0.0, 1.0)  # trust, alignment and their quantiles
DIFFERENCE = Column("number", -1.0, 1.0, filled=False)  # empty in the reference scenario's rows
COUNT = Column("number", 0.0)
NUMBER = Column("number")
OPTIONAL_NUMBER = Column("number", filled=False)  # sensitivity indices of a constant outcome are empty


def read_table(
    path: Path, columns: Mapping[str, Column], *, rows: int | None = None, hint: str = RERUN
) -> pd.DataFrame:
    """The table at `path` with these columns (and `date`, YYYY-MM, if the writer added one), checked: text as
    text, numbers as floats, whole numbers as integers. `rows`: how many data rows the manifest says it has."""
    text = _text(path, hint)
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        raise ConfigError("is empty", file=path, hint=hint) from None
    except (pd.errors.ParserError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"is not a readable CSV table ({first})", file=path, hint=hint) from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        has = ", ".join(map(str, table.columns[:12]))
        raise ConfigError(f"lacks the column(s) {', '.join(missing)} (it has {has})", file=path, hint=hint)
    if rows is not None and len(table) != rows:
        raise ConfigError(
            f"has {len(table)} data rows, but its manifest says {rows} (was it cut short or edited?)",
            file=path,
            hint=hint,
        )
    out = pd.DataFrame({name: _column(table[name], name, spec, path, hint) for name, spec in columns.items()})
    if "date" in table.columns:
        out["date"] = _column(table["date"], "date", TEXT, path, hint)
    return out


def _text(path: Path, hint: str) -> str:
    """The file's text: present, whole (ends with a line break) and UTF-8."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"not a complete result folder (no {path.name})", file=path.parent, hint=hint) from None
    except IsADirectoryError:
        raise ConfigError("is a folder, not a table", file=path, hint=hint) from None
    if not data.strip():
        raise ConfigError("is empty", file=path, hint=hint)
    if not data.endswith(b"\n"):
        raise ConfigError("is cut short (its last line is incomplete)", file=path, hint=hint)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"is not UTF-8 text (byte {exc.start}: binary or damaged?)", file=path, hint=hint) from None


def _column(values: pd.Series, name: str, spec: Column, path: Path, hint: str) -> pd.Series:
    """One column converted to its kind, each cell checked."""
    empty = values.isna()
    if spec.filled and empty.any():
        raise ConfigError(f"column '{name}' is empty in data row {_row(empty)}", file=path, hint=hint)
    if spec.kind == "text":
        return values
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    bad = numbers.isna() & ~empty
    if bad.any():
        shown = values[bad].iloc[0]
        raise ConfigError(
            f"column '{name}' holds '{shown}' in data row {_row(bad)}, not a number", file=path, hint=hint
        )
    finite = np.isfinite(numbers) | empty
    whole = numbers.isna() | (numbers == np.round(numbers)) if spec.kind == "whole" else finite
    low = numbers.isna() | (numbers >= spec.low) if spec.low is not None else finite
    high = numbers.isna() | (numbers <= spec.high) if spec.high is not None else finite
    for ok, what in ((finite, "not a finite number"), (whole, "not a whole number"), (low & high, None)):
        if not ok.all():
            why = what or _range(spec)
            raise ConfigError(
                f"column '{name}' holds {values[~ok].iloc[0]} in data row {_row(~ok)}, {why}", file=path, hint=hint
            )
    return numbers.astype("int64") if spec.kind == "whole" and spec.filled else numbers


def _row(mask: pd.Series) -> int:
    """The 1-based data row of the first True."""
    return int(np.flatnonzero(mask.to_numpy())[0]) + 1


def _range(spec: Column) -> str:
    if spec.low is not None and spec.high is not None:
        return f"outside {spec.low:g} to {spec.high:g}"
    return f"below {spec.low:g}" if spec.low is not None else f"above {spec.high:g}"


def ordered(table: pd.DataFrame, path: Path, chains: Sequence[Sequence[str]], hint: str = RERUN) -> None:
    """Each chain of columns ascends in every row (p05 <= p25 <= ... <= p95), as the writer computes them."""
    for chain in chains:
        for low, high in itertools.pairwise(chain):
            wrong = table[low] > table[high]  # NaN compares False: empty cells pass
            if wrong.any():
                raise ConfigError(
                    f"column '{low}' is above '{high}' in data row {_row(wrong)}, which the writer never does",
                    file=path,
                    hint=hint,
                )


def complete(
    table: pd.DataFrame, path: Path, keys: Sequence[str], expected: set[tuple[Any, ...]], hint: str = RERUN
) -> None:
    """Exactly one row for each expected combination of `keys` (months, dyads, scenarios, points)."""
    found = [tuple(row) for row in table[list(keys)].itertuples(index=False)]
    if len(found) != len(set(found)):
        raise ConfigError(f"repeats rows (the same {', '.join(keys)})", file=path, hint=hint)
    if set(found) != expected:
        absent = len(expected - set(found))
        extra = len(set(found) - expected)
        what = f"{absent} of {len(expected)} rows are missing" if absent else f"{extra} rows do not belong"
        raise ConfigError(f"is incomplete or altered: {what} (was it cut short?)", file=path, hint=hint)


def check_dates(table: pd.DataFrame, path: Path, start: str | None, hint: str = RERUN) -> None:
    """A `date` column holds the month each step ends: real months, one month apart per step, from the calendar's
    `start` (when the manifest records it; then the column must be there, as the writer always writes it)."""
    if "date" not in table.columns:
        if start is not None:
            raise ConfigError(f"has no column 'date', though the run's calendar starts {start}", file=path, hint=hint)
        return
    offsets = set()
    for row, (step, label) in enumerate(zip(table["step"], table["date"], strict=True), start=1):
        try:
            offset = calendar.month_index(label) - int(step)
        except ValueError:
            raise ConfigError(
                f"column 'date' holds '{label}' in data row {row}, not a month (YYYY-MM)", file=path, hint=hint
            ) from None
        expected = None if start is None else calendar.month_index(start) - 1
        if (expected is not None and offset != expected) or (offsets and offset not in offsets):
            first = calendar.date_of(int(step), start) if start else None
            should = f" (month {int(step)} is {first})" if first else ""
            raise ConfigError(
                f"column 'date' holds {label} for month {int(step)} in data row {row}, out of step with the calendar"
                f"{should}",
                file=path,
                hint=hint,
            )
        offsets.add(offset)


def whole_number(value: Any) -> bool:
    """An int (not a bool), or a float holding one."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value) and value.is_integer())
