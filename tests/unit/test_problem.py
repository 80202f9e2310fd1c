"""sim.fit.problem: prior ranges from the command line and from a fit file; the bundled fit file."""

from __future__ import annotations

import pytest

from sim.fit import score
from sim.fit.problem import load_fit_file, parse_param
from sim.util.errors import ConfigError


def test_ranges_from_the_command_line_and_a_fit_file(tmp_path):
    r = parse_param("parameters.alpha=-0.5:1e-1")
    assert (r.path, r.low, r.high, r.name) == ("parameters.alpha", -0.5, 0.1, "alpha")
    for bad in ("parameters.alpha", "parameters.alpha=0.1", "=0:1", "parameters.alpha=a:1", "parameters.alpha=0:inf"):
        with pytest.raises(ConfigError, match="is not PATH=LOW:HIGH"):
            parse_param(bad)
    fit = tmp_path / "ranges.toml"
    fit.write_text('particles = 7\n[[param]]\npath = "parameters.alpha"\nlow = 0.1\nhigh = 1.0\n')
    ranges, settings = load_fit_file(fit)
    assert [(x.path, x.low, x.high) for x in ranges] == [("parameters.alpha", 0.1, 1.0)] and settings == {
        "particles": 7
    }
    fit.write_text('particle = 7\n[[param]]\npath = "parameters.alpha"\nlow = 0.1\nhigh = 1.0\n')
    with pytest.raises(ConfigError, match=r"key 'particle': unknown key .*did you mean 'particles'"):
        load_fit_file(fit)
    fit.write_text("particles = 7\n")
    with pytest.raises(ConfigError, match="key 'param': required key is missing"):
        load_fit_file(fit)


def test_the_bundled_fit_file_fits_the_trust_update_on_the_frozen_split():
    ranges, settings = load_fit_file("scenarios/fits/default.toml")
    assert [r.path for r in ranges] == [
        "parameters.alpha",
        "parameters.level_gain",
        "parameters.level_range",
        "parameters.half_life",
    ]
    assert "split" not in settings  # the frozen one (scenarios/fits/split.toml)
    from sim.fit.split import load_split

    assert load_split().train_end == 2013 and score.DEFAULT_SPLIT == 2013
