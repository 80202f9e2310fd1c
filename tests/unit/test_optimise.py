"""sim.fit.optimise: ranges to fit, from the command line and from a fit file."""

from __future__ import annotations

import pytest

from sim.fit.optimise import load_fit_file, parse_param
from sim.util.errors import ConfigError


def test_ranges_from_the_command_line_and_a_fit_file(tmp_path):
    r = parse_param("trust.PAK.USA.baseline=-0.5:1e-1")
    assert (r.path, r.low, r.high) == ("trust.PAK.USA.baseline", -0.5, 0.1)
    for bad in ("parameters.alpha", "parameters.alpha=0.1", "=0:1", "parameters.alpha=a:1", "parameters.alpha=0:inf"):
        with pytest.raises(ConfigError, match="is not PATH=LOW:HIGH"):
            parse_param(bad)
    fit = tmp_path / "ranges.toml"
    fit.write_text('maxiter = 7\n[[param]]\npath = "parameters.alpha"\nlow = 0.1\nhigh = 1.0\n')
    ranges, settings = load_fit_file(fit)
    assert [(x.path, x.low, x.high) for x in ranges] == [("parameters.alpha", 0.1, 1.0)] and settings == {"maxiter": 7}
    fit.write_text('maxiters = 7\n[[param]]\npath = "parameters.alpha"\nlow = 0.1\nhigh = 1.0\n')
    with pytest.raises(ConfigError, match=r"key 'maxiters': unknown key .*did you mean 'maxiter'"):
        load_fit_file(fit)
    fit.write_text("maxiter = 7\n")
    with pytest.raises(ConfigError, match="key 'param': required key is missing"):
        load_fit_file(fit)
