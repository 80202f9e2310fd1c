"""ABC-SMC: a posterior sample of parameters for a simulator with no likelihood, a block of candidates at a time.

Population Monte Carlo ABC (Beaumont, Cornuet, Marin and Robert 2009, "Adaptive approximate Bayesian computation")
with an adaptive tolerance (Del Moral, Doucet and Jasra 2012): generation 0 samples the prior; each later
generation t proposes particles from the last population (chosen by weight, moved by a Gaussian kernel with twice
the population's weighted covariance), keeps those whose distance is at most epsilon_t (the `quantile` of the last
population's distances), and weighs them by prior / proposal density. It stops after `generations`, or when a
generation would need more than `max_proposals` candidates (the last complete population is the result).

Why our own and not pyabc: pyabc's model interface simulates one particle at a time, while the engine runs a
block of candidates as one batched run (and a sweep's executor can spread blocks); the algorithm is a page. The
distance function takes a block [M, D] and returns M distances.

Deterministic: candidate k of generation t is drawn from its own generator (SeedSequence of seed, t, k), and the
first `particles` accepted in candidate order form the population, so the result does not depend on the block
size, and a distance function that is a pure function of the parameters (common random numbers, a journal
answering known points) makes a resumed run end exactly like an uninterrupted one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Distance = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Population:
    """One generation: its tolerance, particles [N, D], weights [N] (sum 1), distances [N], candidates simulated."""

    generation: int
    epsilon: float
    particles: np.ndarray
    weights: np.ndarray
    distances: np.ndarray
    proposed: int

    @property
    def ess(self) -> float:
        """Effective sample size of the weights."""
        return float(1.0 / np.sum(self.weights**2))


@dataclass(frozen=True)
class Outcome:
    """Every complete population, and why the search stopped."""

    populations: list[Population]
    stopped: str

    @property
    def posterior(self) -> Population:
        return self.populations[-1]


def _candidate_rng(seed: int, generation: int, k: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, generation, k]))


def prior_sample(low: np.ndarray, high: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Generation 0: n independent uniform draws in the box, candidate k from its own generator."""
    return np.array([low + (high - low) * _candidate_rng(seed, 0, k).random(len(low)) for k in range(n)])


def kernel_covariance(particles: np.ndarray, weights: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Twice the weighted covariance (Beaumont et al. 2009), with a floor of 1e-6 of each range squared so a
    population that has collapsed on one axis can still move."""
    mean = weights @ particles
    centred = particles - mean
    cov = 2.0 * (centred * weights[:, None]).T @ centred
    return cov + np.diag((1e-3 * (high - low)) ** 2)


def propose(
    previous: Population, cov: np.ndarray, low: np.ndarray, high: np.ndarray, seed: int, generation: int, k: int
) -> np.ndarray:
    """Candidate k of a generation: a particle chosen by weight, moved by the kernel until it is inside the box."""
    rng = _candidate_rng(seed, generation, k)
    chol = np.linalg.cholesky(cov)
    cumulative = np.cumsum(previous.weights)
    while True:
        i = min(int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right")), len(cumulative) - 1)
        x = previous.particles[i] + chol @ rng.standard_normal(len(low))
        if np.all((x >= low) & (x <= high)):
            return x


def weights_of(accepted: np.ndarray, previous: Population, cov: np.ndarray) -> np.ndarray:
    """Importance weights under a uniform prior: 1 / sum_j w_j K(x | x_j), normalised (computed in logs)."""
    inv = np.linalg.inv(cov)
    diff = accepted[:, None, :] - previous.particles[None, :, :]
    log_k = -0.5 * np.einsum("ijd,de,ije->ij", diff, inv, diff)
    log_mix = np.log(previous.weights)[None, :] + log_k
    top = log_mix.max(axis=1, keepdims=True)
    log_w = -(top[:, 0] + np.log(np.exp(log_mix - top).sum(axis=1)))
    w = np.exp(log_w - log_w.max())
    return w / w.sum()


def abc_smc(
    distance: Distance,
    low: np.ndarray,
    high: np.ndarray,
    *,
    particles: int,
    generations: int,
    seed: int,
    quantile: float = 0.5,
    block: int | None = None,
    max_proposals: int | None = None,
    on_population: Callable[[Population], None] | None = None,
) -> Outcome:
    """Run ABC-SMC on the box [low, high] (a uniform prior) and return every complete population.

    `distance` maps candidates [M, D] to distances [M]. `block` candidates are simulated at a time (default:
    `particles`); a generation stops proposing after `max_proposals` candidates (default 20 x `particles`).
    """
    low, high = np.asarray(low, float), np.asarray(high, float)
    block = block or particles
    max_proposals = max_proposals or 20 * particles
    first = prior_sample(low, high, particles, seed)
    d0 = np.asarray(distance(first), float)
    population = Population(0, float("inf"), first, np.full(particles, 1.0 / particles), d0, particles)
    populations = [population]
    if on_population is not None:
        on_population(population)
    for t in range(1, generations):
        epsilon = float(np.quantile(population.distances, quantile))
        cov = kernel_covariance(population.particles, population.weights, low, high)
        accepted: list[np.ndarray] = []
        kept: list[float] = []
        proposed = 0
        while len(accepted) < particles and proposed < max_proposals:
            size = min(block, max_proposals - proposed)
            xs = np.array([propose(population, cov, low, high, seed, t, proposed + k) for k in range(size)])
            ds = np.asarray(distance(xs), float)
            for x, d in zip(xs, ds, strict=True):
                proposed += 1
                if d <= epsilon and len(accepted) < particles:
                    accepted.append(x)
                    kept.append(float(d))
                    if len(accepted) == particles:
                        break
        if len(accepted) < particles:
            return Outcome(
                populations, f"generation {t} accepted {len(accepted)} of {proposed} candidates (epsilon {epsilon:.4g})"
            )
        xs = np.array(accepted)
        population = Population(t, epsilon, xs, weights_of(xs, population, cov), np.array(kept), proposed)
        populations.append(population)
        if on_population is not None:
            on_population(population)
    return Outcome(populations, f"{generations} generations")
