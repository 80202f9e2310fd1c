"""sim.util.errors: the one line users see for bad input, and suggestions of the closest valid choice."""

from __future__ import annotations

from sim.util.errors import ConfigError, did_you_mean, error_line, one_line


def test_a_config_error_names_file_key_message_and_hint():
    exc = ConfigError("must be at least 1, got 0", file="case.toml", key="steps", hint="e.g. 120")
    assert str(exc) == "case.toml: key 'steps': must be at least 1, got 0 (hint: e.g. 120)"
    assert str(ConfigError("no such file")) == "no such file"


def test_the_error_line_is_one_line():
    exc = ConfigError("line one\n  line two", file="case.toml")
    assert error_line(exc) == "diplosim: error: case.toml: line one line two"
    assert one_line(" a\n\tb ") == "a b"


def test_did_you_mean_suggests_close_choices_or_lists_few():
    assert did_you_mean("alfa", ["alpha", "beta"]) == "did you mean 'alpha'?"
    assert did_you_mean("zzz", ["alpha", "beta"]) == "valid choices: alpha, beta"
    assert did_you_mean("zzz", [f"name{i}" for i in range(30)]) is None


def test_a_config_error_pickles_with_its_parts():
    """A ConfigError raised in a worker process or on a Dask worker reaches the command whole (file, key, hint)."""
    import pickle

    error = ConfigError("must be at most 5", file="<replay with alpha 6>", key="parameters.alpha", hint="lower it")
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is ConfigError and str(back) == str(error)
    assert (back.message, back.file, back.key, back.hint) == (error.message, error.file, error.key, error.hint)
