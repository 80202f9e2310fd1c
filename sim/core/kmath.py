"""The kernel's own exp, log, log1p, tanh and inverse normal CDF: the same bits on every CPU.

numpy picks SIMD versions of exp, log1p and tanh by CPU (AVX-512 or not: results 1 ulp apart), and the C library
picks FMA versions of its own; either makes a run depend on the machine. These are written in plain double
arithmetic (no fused multiply-add: sim.core.jit compiles without fast-math), so each gives one answer everywhere:

- exp: fdlibm's e_exp (Sun Microsystems 1993): reduction by ln 2 in two parts, a degree-5 minimax polynomial;
  error below 1 ulp.
- log: fdlibm's e_log (musl's single-formula form), exponent and mantissa read from the bits; error below 1 ulp.
- log1p(x) = log(1 + x) * x / ((1 + x) - 1) (Goldberg 1991, theorem 4), exact at 0; error within a few ulps.
- expm1: fdlibm's s_expm1 (musl's form): the same reduction, a degree-5 rational correction; error below 1 ulp.
- tanh: musl's s_tanh on that expm1 (t / (t + 2) and 1 - 2 / (t + 2), t = e^2|x| - 1).
- ndtri: Cephes' rational approximations (Moshier 1989, as in scipy.special.ndtri), relative error about 2e-16.
- decay_rate: the per-step weight of a decay with a given half-life, on this module's exp.

Each of exp, log, log1p, expm1, tanh, logistic and ndtri also has a branch-free form (`*_lane`): the same
operations on every path, the result chosen per value, so that the step's loops over dyads and flows run several
values at a time in SIMD registers, with the same bits (tests/unit/test_kmath_lanes.py compares them bit for bit).
The step uses tanh and expm1 only in that form; their scalar forms stay as the published algorithms written out,
the reference the branch-free forms are checked against.

Tests (tests/integration/test_kernel.py) check each against numpy or scipy to within a few ulps, and the whole
engine against the numpy engine it replaced.
"""

from __future__ import annotations

import math

import numpy as np

from sim.core.jit import inline, njit, numba


@numba.extending.intrinsic
def _bits(typingctx, x):
    """The IEEE 754 bits of a float64, as an int64 (a reinterpretation, no arithmetic)."""
    from llvmlite import ir

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return numba.types.int64(numba.types.float64), codegen


@numba.extending.intrinsic
def _float(typingctx, bits):
    """The float64 whose IEEE 754 bits are `bits` (int64)."""
    from llvmlite import ir

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return numba.types.float64(numba.types.int64), codegen


@inline
def scale2(y: float, k: int) -> float:
    """y * 2^k (exact unless the result is subnormal, then rounded once, as ldexp does), for |k| < 2046."""
    if -1022 <= k <= 1023:
        return y * _float((k + 1023) << 52)
    if k > 1023:
        return y * _float((1023 + 1023) << 52) * _float((k - 1023 + 1023) << 52)
    return y * _float((-1022 + 1023) << 52) * _float((k + 1022 + 1023) << 52)


_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
_EXP_P = (
    1.66666666666666019037e-01,
    -2.77777777770155933842e-03,
    6.61375632143793436117e-05,
    -1.65339022054652515390e-06,
    4.13813679705723846039e-08,
)
_LOG_G = (
    6.666666666666735130e-01,
    3.999999999940941908e-01,
    2.857142874366239149e-01,
    2.222219843214978396e-01,
    1.818357216161805012e-01,
    1.531383769920937332e-01,
    1.479819860511658591e-01,
)
_SQRT_TWO = 1.4142135623730951


@inline
def _exp_remez(r: float) -> float:
    """fdlibm's e_exp: r - r^2 P(r^2), the degree-5 minimax part of e^r on the reduced argument r."""
    t = r * r
    p1, p2, p3, p4, p5 = _EXP_P
    return r - t * (p1 + t * (p2 + t * (p3 + t * (p4 + t * p5))))


@inline
def exp(x: float) -> float:
    """e^x (fdlibm e_exp)."""
    if x != x:
        return x
    if x > 7.09782712893383973096e02:
        return math.inf
    if x < -7.45133219101941108420e02:
        return 0.0
    ax = abs(x)
    if ax < 3.7252902984e-09:  # 2^-28: e^x = 1 + x to double precision
        return 1.0 + x
    k = 0
    hi = x
    lo = 0.0
    if ax > 0.5 * _LN2_HI:
        k = (1 if x > 0.0 else -1) if ax < 1.5 * _LN2_HI else int(_INV_LN2 * x + (0.5 if x > 0.0 else -0.5))
        hi = x - k * _LN2_HI
        lo = k * _LN2_LO
        x = hi - lo
    c = _exp_remez(x)
    if k == 0:
        return 1.0 - ((x * c) / (c - 2.0) - x)
    y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi)
    return scale2(y, k)


@inline
def log(x: float) -> float:
    """Natural logarithm (fdlibm e_log, musl's form); log(0) = -inf, log(x < 0) = nan."""
    if x != x or x < 0.0:
        return math.nan
    if x == 0.0:
        return -math.inf
    if x == math.inf:
        return x
    e = 0
    if x < 2.2250738585072014e-308:  # subnormal: scale into the normal range first
        x *= 18014398509481984.0  # 2^54
        e = -54
    bits = _bits(x)
    e += int((bits >> 52) & 0x7FF) - 1023
    m = _float((bits & 0xFFFFFFFFFFFFF) | (1023 << 52))  # x = m 2^e, m in [1, 2)
    if m > _SQRT_TWO:
        m *= 0.5
        e += 1
    return _log_reduced(m, e)


@inline
def _log_reduced(m: float, e: int) -> float:
    """log(m 2^e) for m in [sqrt(1/2), sqrt(2)]: fdlibm's polynomial in s = f / (2 + f), f = m - 1 (exact)."""
    f = m - 1.0
    hfsq = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    g1, g2, g3, g4, g5, g6, g7 = _LOG_G
    t1 = w * (g2 + w * (g4 + w * g6))
    t2 = z * (g1 + w * (g3 + w * (g5 + w * g7)))
    r = t2 + t1
    dk = float(e)
    return s * (hfsq + r) + dk * _LN2_LO - hfsq + f + dk * _LN2_HI


@inline
def log1p(x: float) -> float:
    """log(1 + x), accurate for small x."""
    u = 1.0 + x
    if u == 1.0:
        return x
    if u == math.inf:
        return u
    return log(u) * (x / (u - 1.0))


_EXPM1_Q = (
    -3.33333333333331316428e-02,
    1.58730158725481460165e-03,
    -7.93650757867487942473e-05,
    4.00821782732936239552e-06,
    -2.01099218183624371326e-07,
)


@inline
def _expm1_correction(r: float) -> tuple[float, float]:
    """fdlibm's s_expm1 on the reduced argument r: r^2 / 2 and the rational correction of e^r - 1."""
    q1, q2, q3, q4, q5 = _EXPM1_Q
    hfx = 0.5 * r
    hxs = r * hfx
    r1 = 1.0 + hxs * (q1 + hxs * (q2 + hxs * (q3 + hxs * (q4 + hxs * q5))))
    t = 3.0 - r1 * hfx
    return hxs, hxs * ((r1 - t) / (6.0 - r * t))


@inline
def expm1(x: float) -> float:
    """e^x - 1, accurate for small x (fdlibm s_expm1, musl's form)."""
    if x != x:
        return x
    ax = abs(x)
    if ax >= 38.816242111356935:  # 56 ln 2: e^x - 1 is -1 or e^x to double precision
        if x < 0.0:
            return -1.0
        if x > 7.09782712893383973096e02:
            return math.inf
    c = 0.0
    k = 0
    if ax > 0.34657359027997264:  # 0.5 ln 2: reduce to x - k ln 2
        if ax < 1.0397207708399179:  # 1.5 ln 2
            k = 1 if x > 0.0 else -1
            hi = x - k * _LN2_HI
            lo = k * _LN2_LO
        else:
            k = int(_INV_LN2 * x + (0.5 if x > 0.0 else -0.5))
            hi = x - k * _LN2_HI
            lo = k * _LN2_LO
        x = hi - lo
        c = (hi - x) - lo
    elif ax < 5.551115123125783e-17:  # 2^-54
        return x
    hxs, e = _expm1_correction(x)
    if k == 0:
        return x - (x * e - hxs)
    e = x * (e - c) - c
    e -= hxs
    if k == -1:
        return 0.5 * (x - e) - 0.5
    if k == 1:
        if x < -0.25:
            return -2.0 * (e - (x + 0.5))
        return 1.0 + 2.0 * (x - e)
    if k < 0 or k > 56:
        return scale2(x - e + 1.0, k) - 1.0
    if k < 20:
        return scale2(x - e + (1.0 - scale2(1.0, -k)), k)
    return scale2(x - (e + scale2(1.0, -k)) + 1.0, k)


@inline
def tanh(x: float) -> float:
    """Hyperbolic tangent (musl's s_tanh on this module's expm1)."""
    if x != x:
        return x
    ax = abs(x)
    if ax > 0.5493061443340549:  # log(3) / 2
        t = 1.0 if ax > 20.0 else 1.0 - 2.0 / (expm1(2.0 * ax) + 2.0)
    elif ax > 0.25541281188299536:  # log(5/3) / 2
        t = expm1(2.0 * ax)
        t = t / (t + 2.0)
    elif ax >= 2.2250738585072014e-308:
        t = expm1(-2.0 * ax)
        t = -t / (t + 2.0)
    else:
        return x
    return t if x >= 0.0 else -t


@inline
def logistic(x: float) -> float:
    """1 / (1 + e^-x): log-odds to probability."""
    return 1.0 / (1.0 + exp(-x))


@njit
def logit(p: float) -> float:
    """log(p) - log(1 - p): probability to log-odds (the same formula as before, on this module's logs)."""
    return log(p) - log1p(-p)


# Cephes ndtri: w + w^3 P0(w^2) / Q0(w^2) in the middle, x0 - z P(z) / Q(z) in the tails (z = 1 / x).
# Tuples, not arrays: the compiler makes each coefficient a constant of the instruction that uses it, where an
# array's are loaded into registers before a loop over dyads, more than there are, and spilled, at every step.
_P0 = (-5.99633501014107895267e1, 9.80010754185999661536e1, -5.66762857469070293439e1,
       1.39312609387279679503e1, -1.23916583867381258016e0)  # fmt: skip
_Q0 = (1.95448858338141759834e0, 4.67627912898881538453e0, 8.63602421390890590575e1,
       -2.25462687854119370527e2, 2.00260212380060660359e2, -8.20372256168333339912e1,
       1.59056225126211695515e1, -1.18331621121330003142e0)  # fmt: skip
_P1 = (4.05544892305962419923e0, 3.15251094599893866154e1, 5.71628192246421288162e1,
       4.40805073893200834700e1, 1.46849561928858024014e1, 2.18663306850790267539e0,
       -1.40256079171354495875e-1, -3.50424626827848203418e-2, -8.57456785154685413611e-4)  # fmt: skip
_Q1 = (1.57799883256466749731e1, 4.53907635128879210584e1, 4.13172038254672030440e1,
       1.50425385692907503408e1, 2.50464946208309415979e0, -1.42182922854787788574e-1,
       -3.80806407691578277194e-2, -9.33259480895457427372e-4)  # fmt: skip
_P2 = (3.23774891776946035970e0, 6.91522889068984211695e0, 3.93881025292474443415e0,
       1.33303460815807542389e0, 2.01485389549179081538e-1, 1.23716634817820021358e-2,
       3.01581553508235416007e-4, 2.65806974686737550832e-6, 6.23974539184983293730e-9)  # fmt: skip
_Q2 = (6.02427039364742014255e0, 3.67983563856160859403e0, 1.37702099489081330271e0,
       2.16236993594496635890e-1, 1.34204006088543189037e-2, 3.28014464682127739104e-4,
       2.89247864745380683936e-6, 6.79019408009981274425e-9)  # fmt: skip
_EXP_M2 = 0.13533528323661269189  # e^-2
_S2PI = 2.50662827463100050242


@inline
def _polevl(x: float, coef: tuple[float, ...]) -> float:
    ans = coef[0]
    for i in range(1, len(coef)):
        ans = ans * x + coef[i]
    return ans


@inline
def _p1evl(x: float, coef: tuple[float, ...]) -> float:
    ans = x + coef[0]
    for i in range(1, len(coef)):
        ans = ans * x + coef[i]
    return ans


@inline
def ndtri(y0: float) -> float:
    """The standard normal quantile at y0 in (0, 1) (Cephes ndtri)."""
    if y0 <= 0.0:
        return -math.inf
    if y0 >= 1.0:
        return math.inf
    negate = True
    y = y0
    if y > 1.0 - _EXP_M2:
        y = 1.0 - y
        negate = False
    if y > _EXP_M2:
        y = y - 0.5
        y2 = y * y
        x = y + y * (y2 * _polevl(y2, _P0) / _p1evl(y2, _Q0))
        return x * _S2PI
    x = math.sqrt(-2.0 * log(y))
    x0 = x - log(x) / x
    z = 1.0 / x
    x1 = z * _polevl(z, _P1) / _p1evl(z, _Q1) if x < 8.0 else z * _polevl(z, _P2) / _p1evl(z, _Q2)
    x = x0 - x1
    return -x if negate else x


@njit
def logit_array(p: np.ndarray) -> np.ndarray:
    """logit of every element (a new float64 array of p's shape)."""
    flat = p.ravel()
    out = np.empty(flat.size)
    for i in range(flat.size):
        out[i] = logit(flat[i])
    return out.reshape(p.shape)


LN2 = 0.6931471805599453  # ln 2, correctly rounded


@njit
def decay_rate(half_life: float) -> float:
    """The per-step weight of an exponential decay whose memory halves in `half_life` steps: 1 - 2^(-1/h)."""
    return 1.0 - exp(-LN2 / half_life)


# ---------------------------------------------------------------------------------------------------------------
# Branch-free forms: the same operations as the functions above, every path computed and the result chosen per
# value (a select, not a jump), so that a loop applying one to the elements of an array runs in SIMD registers,
# several values at a time. IEEE +, -, *, / and sqrt round the same in a vector lane as alone, and nothing is
# contracted or reordered (no fast-math), so each gives the same bits as its scalar form
# (tests/unit/test_kmath_lanes.py checks every one on every path).


@numba.extending.intrinsic
def select(typingctx, condition, yes, no):
    """`yes` where `condition`, else `no`: an LLVM select (both already computed), which vectorises."""

    kind = typingctx.unify_types(numba.types.unliteral(yes), numba.types.unliteral(no))

    def codegen(context, builder, signature, args):
        cast = [context.cast(builder, v, t, kind) for v, t in zip(args[1:], signature.args[1:], strict=True)]
        return builder.select(args[0], *cast)

    return kind(numba.types.boolean, yes, no), codegen


@inline
def scale2_lane(y: float, k: int) -> float:
    """scale2 without branches: y * 2^k1 * 2^(k - k1), k1 = k clamped to the normal exponents; where k is normal
    the second factor is 1.0, an exact multiplication, so each case is scale2's own product."""
    k1 = min(max(k, -1022), 1023)
    return y * _float((k1 + 1023) << 52) * _float((k - k1 + 1023) << 52)


@inline
def _reduce_k(x: float, ax: float, half: float, one_and_half: float) -> int:
    """The reduction's k (exp and expm1): 0 up to `half`, +-1 below `one_and_half`, else x / ln 2 rounded."""
    k = int(_INV_LN2 * x + select(x > 0.0, 0.5, -0.5))
    k = select(ax < one_and_half, select(x > 0.0, 1, -1), k)
    return select(ax > half, k, 0)


@inline
def exp_lane(x: float) -> float:
    """exp without branches."""
    xs = select((x >= -7.45133219101941108420e02) & (x <= 7.09782712893383973096e02), x, 0.0)  # nan: 0.0
    ax = abs(xs)
    k = _reduce_k(xs, ax, 0.5 * _LN2_HI, 1.5 * _LN2_HI)
    hi = xs - k * _LN2_HI  # k = 0: hi = x, lo = 0.0, x unchanged, as in exp
    lo = k * _LN2_LO
    xr = hi - lo
    c = _exp_remez(xr)
    y = 1.0 - ((lo - (xr * c) / (2.0 - c)) - hi)
    r = select(k == 0, 1.0 - ((xr * c) / (c - 2.0) - xr), scale2_lane(y, k))
    r = select(abs(x) < 3.7252902984e-09, 1.0 + x, r)
    r = select(x < -7.45133219101941108420e02, 0.0, r)
    r = select(x > 7.09782712893383973096e02, math.inf, r)
    return select(x != x, x, r)


@inline
def logistic_lane(x: float) -> float:
    """logistic without branches."""
    return 1.0 / (1.0 + exp_lane(-x))


@inline
def log_lane(x: float) -> float:
    """log without branches."""
    subnormal = x < 2.2250738585072014e-308
    xs = select(subnormal, x * 18014398509481984.0, x)
    bits = _bits(xs)
    e = select(subnormal, -54, 0) + (int((bits >> 52) & 0x7FF) - 1023)
    m = _float((bits & 0xFFFFFFFFFFFFF) | (1023 << 52))
    above = m > _SQRT_TWO
    m = select(above, m * 0.5, m)
    e = select(above, e + 1, e)
    out = _log_reduced(m, e)
    out = select(x == math.inf, x, out)
    out = select(x == 0.0, -math.inf, out)
    return select((x != x) | (x < 0.0), math.nan, out)


@inline
def log1p_lane(x: float) -> float:
    """log1p without branches."""
    u = 1.0 + x
    r = log_lane(u) * (x / (u - 1.0))
    r = select(u == math.inf, u, r)
    return select(u == 1.0, x, r)


@inline
def expm1_lane(x: float) -> float:
    """expm1 without branches."""
    xs = select((x > -38.816242111356935) & (x <= 7.09782712893383973096e02), x, 0.0)  # the rest: a constant or x
    ax = abs(xs)
    k = _reduce_k(xs, ax, 0.34657359027997264, 1.0397207708399179)
    hi = xs - k * _LN2_HI
    lo = k * _LN2_LO
    xr = hi - lo  # k = 0: x itself
    c = (hi - xr) - lo
    hxs, e = _expm1_correction(xr)
    zero = xr - (xr * e - hxs)
    e = xr * (e - c) - c
    e -= hxs
    two_k = scale2_lane(1.0, -k)
    r = scale2_lane(xr - (e + two_k) + 1.0, k)
    r = select(k < 20, scale2_lane(xr - e + (1.0 - two_k), k), r)
    r = select((k < 0) | (k > 56), scale2_lane(xr - e + 1.0, k) - 1.0, r)
    r = select(k == 1, select(xr < -0.25, -2.0 * (e - (xr + 0.5)), 1.0 + 2.0 * (xr - e)), r)
    r = select(k == -1, 0.5 * (xr - e) - 0.5, r)
    r = select(k == 0, zero, r)
    r = select(abs(x) < 5.551115123125783e-17, x, r)
    r = select(x > 7.09782712893383973096e02, math.inf, r)
    r = select(x <= -38.816242111356935, -1.0, r)
    return select(x != x, x, r)


@inline
def tanh_lane(x: float) -> float:
    """tanh without branches."""
    ax = abs(x)
    middle = ax > 0.25541281188299536
    t = expm1_lane(select(middle, 2.0 * ax, -2.0 * ax))
    r = select(middle, t / (t + 2.0), -t / (t + 2.0))
    r = select(ax > 0.5493061443340549, select(ax > 20.0, 1.0, 1.0 - 2.0 / (t + 2.0)), r)
    r = select(x >= 0.0, r, -r)
    return select((x != x) | (ax < 2.2250738585072014e-308), x, r)


@inline
def _polevl_pick(x: float, first: bool, a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """_polevl with the coefficients of `a` where `first`, else of `b` (tuples of one length)."""
    ans = select(first, a[0], b[0])
    for i in range(1, len(a)):
        ans = ans * x + select(first, a[i], b[i])
    return ans


@inline
def _p1evl_pick(x: float, first: bool, a: tuple[float, ...], b: tuple[float, ...]) -> float:
    ans = x + select(first, a[0], b[0])
    for i in range(1, len(a)):
        ans = ans * x + select(first, a[i], b[i])
    return ans


@inline
def _ndtri_fold(y0: float) -> tuple[bool, float]:
    """ndtri's fold: whether y0 is in the upper tail (above 1 - e^-2), and y0 or 1 - y0 there."""
    upper = y0 > 1.0 - _EXP_M2
    return upper, select(upper, 1.0 - y0, y0)


@inline
def ndtri_in_tail(y0: float) -> bool:
    """Whether ndtri takes its tail form at y0 (the folded y at most e^-2; 0, 1, beyond and nan included)."""
    return not _ndtri_fold(y0)[1] > _EXP_M2


@inline
def ndtri_middle_lane(y0: float) -> float:
    """ndtri's middle form without branches: ndtri's bits where not ndtri_in_tail(y0)."""
    y = _ndtri_fold(y0)[1] - 0.5
    y2 = y * y
    return (y + y * (y2 * _polevl(y2, _P0) / _p1evl(y2, _Q0))) * _S2PI


@inline
def ndtri_tail_lane(y0: float) -> float:
    """ndtri's tail form without branches: ndtri's bits where ndtri_in_tail(y0) (the tail's two approximations
    share one evaluation, their coefficients chosen per value)."""
    upper, y = _ndtri_fold(y0)
    x = math.sqrt(-2.0 * log_lane(y))
    x0 = x - log_lane(x) / x
    z = 1.0 / x
    near = x < 8.0
    x = x0 - z * _polevl_pick(z, near, _P1, _P2) / _p1evl_pick(z, near, _Q1, _Q2)
    r = select(upper, x, -x)
    r = select(y0 >= 1.0, math.inf, r)
    return select(y0 <= 0.0, -math.inf, r)


@inline
def ndtri_lane(y0: float) -> float:
    """ndtri without branches: both forms computed, one chosen per value (the step's noise runs the two apart,
    each over the values that take it: sim.core.kernel.normals)."""
    return select(ndtri_in_tail(y0), ndtri_tail_lane(y0), ndtri_middle_lane(y0))
