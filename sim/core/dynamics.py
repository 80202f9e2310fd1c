"""The trust update as pure array functions (docs/MODEL.md, 'Trust update').

Shapes: a leading replication axis R, then observer and target: L[r, o, a] is o's trust in a, as log-odds.
W[r, a, k] is the summed weight of the moves a made toward k this step.
"""

from __future__ import annotations

import numpy as np


def trust(log_odds: np.ndarray) -> np.ndarray:
    """Log-odds -> probability (a new array), with a zero diagonal (nobody rates itself)."""
    t = 1.0 / (1.0 + np.exp(-log_odds))
    n = t.shape[-1]
    t[..., np.arange(n), np.arange(n)] = 0.0
    return t


def stance(t: np.ndarray) -> np.ndarray:
    """s = 2T - 1 in (-1, 1) (a new array): friend (+) or foe (-); zero on the diagonal."""
    s = 2.0 * t - 1.0
    n = s.shape[-1]
    s[..., np.arange(n), np.arange(n)] = 0.0
    return s


def direct(w: np.ndarray) -> np.ndarray:
    """What a did to me: D[o, a] = W[a, o]."""
    return np.swapaxes(w, -1, -2)


def audience(w: np.ndarray, s: np.ndarray) -> np.ndarray:
    """What a did to those I like or fear: A[o, a] = sum_k W[a, k] s[o, k], k not in {o, a}.

    The zero diagonals of W and s exclude k = a and k = o without masking. As a matrix product: s W'.
    """
    return s @ np.swapaxes(w, -1, -2)


def balance(s: np.ndarray) -> np.ndarray:
    """Structural balance (shared attitudes): B[o, a] = mean over k not in {o, a} of s[o, k] s[a, k]."""
    n = s.shape[-1]
    if n < 3:
        return np.zeros_like(s)
    return (s @ np.swapaxes(s, -1, -2)) / (n - 2)


def concave(x: np.ndarray, scale: float) -> np.ndarray:
    """Diminishing response to size: sign(x) * scale * log(1 + |x| / scale).

    Slope 1 for small flows, halved at |x| = scale: doubling a large aid flow is not twice the signal.
    """
    return np.sign(x) * scale * np.log1p(np.abs(x) / scale)


def decay_rate(half_life: float) -> float:
    """The per-step weight of an exponential decay (or average) whose memory halves in `half_life` steps."""
    return 1.0 - 2.0 ** (-1.0 / half_life)


def surprise(seen: np.ndarray, expected: np.ndarray, negativity: float = 1.0) -> np.ndarray:
    """Prediction error seen - expected, with the negative part (more hostility than expected) times `negativity`."""
    error = seen - expected
    if negativity == 1.0:
        return error
    return np.where(error < 0.0, negativity * error, error)


def learn(expected: np.ndarray, seen: np.ndarray, eta: float) -> np.ndarray:
    """Habituation: the expectation moves a share eta of the way to what was seen (Rescorla-Wagner)."""
    return expected + eta * (seen - expected)


def update(
    log_odds: np.ndarray,
    level: np.ndarray,
    push: np.ndarray,
    noise_sd: np.ndarray,
    eps: np.ndarray,
    lam: float,
    l_max: float,
) -> np.ndarray:
    """One step: L + push - lam (L - level) + sd * eps, clipped to [-l_max, l_max], diagonal kept at 0."""
    new = log_odds + push - lam * (log_odds - level) + noise_sd * eps
    np.clip(new, -l_max, l_max, out=new)
    n = new.shape[-1]
    new[..., np.arange(n), np.arange(n)] = 0.0
    return new


def calibrated_baseline(
    l_init: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    sigma: np.ndarray,
    coefficients: np.ndarray,
    lam: float,
    steady: np.ndarray,
) -> np.ndarray:
    """L0 such that the status quo keeps mean trust at its initial value T0 = trust(l_init).

    `first` [K, N, N] and `second` [K, K, N, N] are the per-step means and raw second moments of the parts of the
    push on trust, measured with trust held at T0; the push is `coefficients . parts` (K coefficients), and
    `steady` [N, N] is the part of its mean that does not vary (structural balance). The log-odds then settle
    around m with variance v = (Var[push] + sigma^2) / (1 - (1 - lam)^2) (an AR(1)); mean trust is T0 when
    m = logit(T0) * sqrt(1 + pi v / 8) (the probit approximation of the logistic-normal mean), and E[dL] = 0 at m
    gives L0 = m - E[push] / lam.
    """
    c = np.asarray(coefficients, dtype=np.float64)
    mean = np.einsum("i,ixy->xy", c, first) + steady
    cov = second - np.einsum("ixy,jxy->ijxy", first, first)
    var = np.einsum("i,ijxy,j->xy", c, cov, c) + sigma**2
    v = var / (1.0 - (1.0 - lam) ** 2)
    m = l_init * np.sqrt(1.0 + np.pi * v / 8.0)
    return m - mean / lam


def noise_scale(sigma: np.ndarray, calm: np.ndarray, reduction: float) -> np.ndarray:
    """Misperception sd, lowered where recent dialogue keeps the pair calm (P8.S3)."""
    return sigma * (1.0 - reduction * calm)


def alignment(t: np.ndarray, pak: int, chn: int, usa: int) -> np.ndarray:
    """Pakistan's alignment T[PAK, CHN] / (T[PAK, CHN] + T[PAK, USA]): 0 = with the US, 1 = with China."""
    a, b = t[..., pak, chn], t[..., pak, usa]
    return a / (a + b)


def polarization(t: np.ndarray) -> np.ndarray:
    """How sharply the actors split into two camps, in [-1, 1]: the mean over triads of the signed geometric mean
    of the three mutual stances s = T[i, j] + T[j, i] - 1 (the cube root of their product).

    A triad is balanced (friends' friends are friends, enemies' enemies are friends) when the product is
    positive; its strength is how far from indifference its ties are. 1: two camps (or one) of complete trust,
    completely hostile to each other; 0: indifference; below 0: frustrated triads. The share of balanced triads
    alone (its former definition) is 1 whenever the signs fit, however weak the ties, so it did not vary."""
    n = t.shape[-1]
    if n < 3:
        return np.zeros(t.shape[:-2])
    s = t + np.swapaxes(t, -1, -2) - 1.0
    i, j, k = np.array([(i, j, k) for i in range(n) for j in range(i + 1, n) for k in range(j + 1, n)]).T
    return np.cbrt(s[..., i, j] * s[..., j, k] * s[..., i, k]).mean(axis=-1)
