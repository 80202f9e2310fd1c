"""sim.core.kmath's branch-free forms (`*_lane`, the step's maths in SIMD registers) give the bits of the scalar
forms on every path: special values, every branch's boundary a few ulps either side, wide random samples and
hypothesis' floats, each compared as int64 bit patterns (nan's sign and payload included).

The wrappers apply each function to an array in a loop, the way the kernel does, so a long array goes through
the vector loop and its remainder both."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core import kernel, kmath
from sim.core.jit import njit

LN2 = math.log(2)


def _applied(function):
    @njit
    def apply(x: np.ndarray) -> np.ndarray:
        out = np.empty_like(x)
        for i in range(len(x)):
            out[i] = function(x[i])
        return out

    return apply


@njit
def _concave_branching(x: float, scale: float) -> float:
    """The step's concave response as it was written before it was branch-free."""
    if x == 0.0:
        return 0.0
    y = scale * kmath.log1p(abs(x) / scale)
    return y if x > 0.0 else -y


@njit
def _concave_both(x: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    old, new = np.empty_like(x), np.empty_like(x)
    for i in range(len(x)):
        old[i] = _concave_branching(x[i], scale)
        new[i] = kernel.concave(x[i], scale)
    return old, new


@njit
def _scale2_both(y: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    old, new = np.empty(len(k)), np.empty(len(k))
    for i in range(len(k)):
        old[i] = kmath.scale2(y[i], k[i])
        new[i] = kmath.scale2_lane(y[i], k[i])
    return old, new


PAIRS = {
    "exp": (kmath.exp, kmath.exp_lane),
    "logistic": (kmath.logistic, kmath.logistic_lane),
    "log": (kmath.log, kmath.log_lane),
    "log1p": (kmath.log1p, kmath.log1p_lane),
    "expm1": (kmath.expm1, kmath.expm1_lane),
    "tanh": (kmath.tanh, kmath.tanh_lane),
    "ndtri": (kmath.ndtri, kmath.ndtri_lane),
}
_COMPILED: dict[str, tuple] = {}


def _pair(name: str):
    if name not in _COMPILED:
        _COMPILED[name] = tuple(_applied(f) for f in PAIRS[name])
    return _COMPILED[name]


def around(values, ulps: int = 40) -> np.ndarray:
    """Each value and the `ulps` doubles either side of it (and of its negative)."""
    v = np.asarray(values, np.float64)
    v = np.concatenate([v, -v])
    steps = np.arange(-ulps, ulps + 1)
    return (v.view(np.int64)[:, None] + steps[None, :]).ravel().view(np.float64)


SPECIAL = np.array([
    0.0, -0.0, np.nan, -np.nan, np.inf, -np.inf, 5e-324, 2.2250738585072014e-308, 2.2250738585072009e-308, 1e-300,
    1.7976931348623157e308, 0.5, 1.0, 2.0, 1 - 2**-53, 2**-53, 2**-54, 3.0, 40.0, 700.0, 710.0, 746.0, 1e10,
])  # fmt: skip
# Every threshold of the scalar forms' branches, and where the reduction's k changes ((j + 1/2) ln 2).
BOUNDARIES = np.concatenate([
    [709.782712893383973096, 745.13321910194110842, 3.7252902984e-09, 0.5 * 0.693147180369123816490,
     1.5 * 0.693147180369123816490, 38.816242111356935, 0.34657359027997264, 1.0397207708399179,
     5.551115123125783e-17, 0.25, 0.5493061443340549, 0.25541281188299536, 20.0, 2.2250738585072014e-308,
     math.sqrt(2.0), 0.13533528323661269189, 1 - 0.13533528323661269189, math.exp(-32.0), 0.5],
    (np.arange(-1080, 1030) + 0.5) * LN2,
    math.sqrt(2.0) * 2.0 ** np.arange(-1070, 1020, 7.0),
])  # fmt: skip


def _wide(rng: np.random.Generator) -> np.ndarray:
    return np.concatenate([
        rng.standard_normal(20_000) * 3, rng.standard_normal(20_000) * 40, rng.uniform(0, 1, 20_000),
        np.exp(rng.uniform(-745, 709, 20_000)), -np.exp(rng.uniform(-745, 709, 20_000)), rng.uniform(-800, 800, 10_000),
        10 ** rng.uniform(-20, -1, 10_000), 1 - 10 ** rng.uniform(-16, -1, 10_000),
    ])  # fmt: skip


def _assert_same_bits(name: str, x: np.ndarray) -> None:
    scalar, lane = _pair(name)
    want, got = scalar(x).view(np.int64), lane(x).view(np.int64)
    bad = np.flatnonzero(want != got)
    assert bad.size == 0, f"{name}: {bad.size} differ, e.g. at {x[bad[:3]]!r}"


@pytest.mark.parametrize("name", list(PAIRS))
def test_the_branch_free_form_gives_the_scalar_forms_bits_everywhere(name):
    x = np.concatenate([SPECIAL, -SPECIAL, around(SPECIAL), around(BOUNDARIES), _wide(np.random.default_rng(0))])
    _assert_same_bits(name, x)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True), min_size=1, max_size=40))
def test_the_branch_free_forms_give_the_same_bits_on_any_floats(values):
    x = np.array(values, np.float64)
    for name in PAIRS:
        _assert_same_bits(name, x)


def test_the_branch_free_scale2_gives_ldexp_bits_for_every_exponent():
    """y * 2^k for every k the maths uses (|k| < 2046), y normal, at the subnormal edge and special."""
    k = np.repeat(np.arange(-2045, 2046), 6)
    y = np.tile([1.0, 1.5, -1.9999999999999998, 3e-308, np.inf, np.nan], 4091)
    old, new = _scale2_both(y, k)
    np.testing.assert_array_equal(old.view(np.int64), new.view(np.int64))
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(old[~np.isnan(old)], np.ldexp(y, k)[~np.isnan(old)])


@pytest.mark.parametrize("scale", [0.15, 1.0, 3.5])
def test_the_branch_free_concave_gives_the_bits_it_gave_with_branches(scale):
    x = np.concatenate(
        [SPECIAL, -SPECIAL, around(SPECIAL), around(BOUNDARIES * scale), _wide(np.random.default_rng(1))]
    )
    old, new = _concave_both(x, scale)
    np.testing.assert_array_equal(old.view(np.int64), new.view(np.int64))


@njit
def _ndtri_parts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    tail, middle, form = np.empty(len(x), np.bool_), np.empty_like(x), np.empty_like(x)
    for i in range(len(x)):
        tail[i] = kmath.ndtri_in_tail(x[i])
        middle[i] = kmath.ndtri_middle_lane(x[i])
        form[i] = kmath.ndtri_tail_lane(x[i])
    return tail, middle, form


def test_each_form_of_ndtri_gives_its_bits_where_it_is_taken():
    """The step transforms its noise draws with the middle form where ndtri_in_tail is false and the tail form
    where it is true, each over only those values (sim.core.kernel.normals)."""
    rng = np.random.default_rng(1)
    x = np.concatenate([SPECIAL, around([0.13533528323661269189, 1 - 0.13533528323661269189, 0.5, 1e-300]),
                        rng.uniform(0, 1, 50_000), 10 ** rng.uniform(-300, -1, 5_000)])  # fmt: skip
    tail, middle, form = _ndtri_parts(x)
    want = _pair("ndtri")[0](x).view(np.int64)
    assert 0 < tail.sum() < len(x)
    np.testing.assert_array_equal(middle.view(np.int64)[~tail], want[~tail])
    np.testing.assert_array_equal(form.view(np.int64)[tail], want[tail])
