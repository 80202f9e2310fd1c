"""Markdown tables that read well in a terminal and paste into the docs unchanged, and the targets they report."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    """A titled markdown table; cells are strings (format numbers before adding them)."""

    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        if len(cells) != len(self.headers):
            raise ValueError(f"{self.title}: {len(cells)} cells for {len(self.headers)} columns")
        self.rows.append([str(c) for c in cells])

    def markdown(self) -> str:
        widths = [max([len(h), *(len(r[i]) for r in self.rows)]) for i, h in enumerate(self.headers)]
        numeric = [all(_is_number(r[i]) for r in self.rows) and bool(self.rows) for i in range(len(self.headers))]

        def line(cells: list[str]) -> str:
            padded = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric, strict=True)]
            return "| " + " | ".join(padded) + " |"

        cells = (("-" * (w + 1) + ":") if num else ("-" * (w + 2)) for w, num in zip(widths, numeric, strict=True))
        rule = "|" + "|".join(cells) + "|"
        out = [f"**{self.title}**", "", line(self.headers), rule, *(line(r) for r in self.rows)]
        if self.notes:
            out += ["", *self.notes]
        return "\n".join(out)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "").rstrip("x%").lstrip("~<>"))
    except ValueError:
        return False
    return True


def fmt(value: float, digits: int = 3) -> str:
    """A number with `digits` significant digits, thousands separated, no scientific notation."""
    if value == 0 or value != value:
        return str(value)
    whole = len(str(int(abs(value))))
    decimals = max(0, digits - whole) if abs(value) >= 1 else digits + _leading_zeros(value)
    return f"{value:,.{decimals}f}"


def _leading_zeros(value: float) -> int:
    """Zeros after the decimal point before the first significant digit of |value| < 1."""
    count, v = 0, abs(value)
    while v < 0.1 and count < 12:
        v *= 10
        count += 1
    return count


@dataclass
class Target:
    """A performance target with the measured value, and whether it was met."""

    name: str
    measured: str
    limit: str
    met: bool | None
    shortfall: str = ""

    def status(self) -> str:
        if self.met is None:
            return "not measured"
        return "met" if self.met else f"missed{': ' + self.shortfall if self.shortfall else ''}"


def at_most(name: str, value: float, limit: float, unit: str, digits: int = 3) -> Target:
    """A target met when `value` is at most `limit` (in `unit`)."""
    met = value <= limit
    short = "" if met else f"{fmt(value / limit, 3)}x the limit (+{fmt(value - limit, digits)} {unit})"
    return Target(name, f"{fmt(value, digits)} {unit}", f"< {fmt(limit, digits)} {unit}", met, short)
