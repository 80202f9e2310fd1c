"""The dashboard figures' text fitting, on known answers."""

from __future__ import annotations

from sim.app.figures import clip, width, wrap


def test_long_names_are_shortened_in_the_middle_as_little_as_needed_and_captions_wrapped() -> None:
    assert clip("status_quo", 2.0, 9.5) == "status_quo"
    name = "us_pakistan_2001_2018_variant_with_a_long_tail"
    short = clip(name, 1.5, 9.5)
    assert short.startswith("us_pak") and short.endswith("tail") and "…" in short
    assert 1.5 - width("mm", 9.5) < width(short, 9.5) <= 1.5 < width(name, 9.5)  # cut no more than needed
    lines = wrap("word " * 100, inches=3.0, size=10).splitlines()
    assert len(lines) > 1 and all(width(line, 10) <= 3.0 for line in lines)
    assert all(width(f"{line} word", 10) > 3.0 for line in lines[:-1])  # each line as full as it can be
