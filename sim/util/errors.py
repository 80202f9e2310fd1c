"""The one exception users see for bad input: file, key, what was wrong, and a hint."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A scenario, world or sweep file (or an argument) that cannot be used as given."""

    def __init__(
        self, message: str, *, file: str | Path | None = None, key: str | None = None, hint: str | None = None
    ) -> None:
        self.file = str(file) if file is not None else None
        self.key = key
        self.message = message
        self.hint = hint
        super().__init__(str(self))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its parts (file, key, hint), so an error raised in a worker process or on a cluster is the
        same error here."""
        return _rebuild, (type(self), self.message, self.file, self.key, self.hint)

    def __str__(self) -> str:
        where = ": ".join(p for p in (self.file, f"key '{self.key}'" if self.key else None) if p)
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} (hint: {self.hint})" if self.hint else text


def _rebuild(cls: type[ConfigError], message: str, file: str | None, key: str | None, hint: str | None) -> ConfigError:
    return cls(message, file=file, key=key, hint=hint)


def one_line(message: str) -> str:
    """A message as exactly one line, white space folded (what `diplosim` prints on stderr)."""
    return " ".join(message.split())


def error_line(exc: ConfigError) -> str:
    """The one line `diplosim` prints on stderr for bad input (the dashboard shows the same words)."""
    return one_line(f"diplosim: error: {exc}")


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest valid choices, or listing them when nothing is close."""
    choices = sorted(set(choices))
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    if len(choices) <= 25:
        return "valid choices: " + ", ".join(choices)
    return None
