"""The source spectrum of Galactic cosmic rays and its normalisation.

The Galaxy injects CRs with a power law Q(E) ∝ E^-s between E_min and E_max
(the paper takes s = 2, Eq. 3), with a sharp or exponential cutoff. Energies
are total particle energies in erg (E ≈ pc for the relativistic protons that
matter here). All functions take cgs floats or numpy arrays and broadcast.

A break (not in the paper) is optional: with ``E_break`` finite the spectrum is
the continuous broken power law

    shape(E) = E^-s for E_min <= E < E_b,   E_b^(s₂-s) E^-s₂ for E >= E_b

(``slope_high`` = s₂, default s), with the same cutoff at E_max. Without a break
(``E_break = inf``, the default) every function takes the single power law's code
path, so its numbers are unchanged bit for bit. The sharp-cutoff integrals are
analytic for the broken power law too (a sum of two power-law integrals); the
exponential cutoff's are Gauss-Legendre quadratures in ln E, split at E_b.
"""

from __future__ import annotations

import numpy as np

from ._typing import ArrayLike, Cutoff, FloatArray

__all__ = [
    "energy_norm",
    "spectral_shape",
    "integral_shape",
]

# Gauss-Legendre nodes in ln E, for the exponential cutoff (fixed and vectorised).
_GL_X, _GL_W = np.polynomial.legendre.leggauss(96)
#: the exponential cutoff integrals stop at this many e-folds above E_max
_EXP_CUT_EFOLDS = 60.0


def _is_exp(cutoff: str) -> bool:
    if cutoff == "sharp":
        return False
    if cutoff == "exponential":
        return True
    raise ValueError(f"cutoff = {cutoff!r} is not allowed: must be 'sharp' or 'exponential'")


def _log_quadrature(func, a, b):
    """∫_a^b func(E) dE over E in [a, b], done in ln E with Gauss-Legendre (broadcasting)."""
    la, lb = np.log(a), np.log(b)
    half = 0.5 * (lb - la)
    mid = 0.5 * (lb + la)
    lnE = mid[..., None] + half[..., None] * _GL_X
    E = np.exp(lnE)
    return np.sum(func(E) * E * _GL_W, axis=-1) * half


def _powerlaw_integral(q, a, b):
    """∫_a^b E^(q-1) dE = a^q (r^q - 1)/q with r = b/a, stable through q = 0 (→ ln r)."""
    lr = np.log(b / a)
    x = q * lr
    small = np.abs(x) < 1e-8
    ratio = np.where(small, 1.0 + 0.5 * x, np.expm1(x) / np.where(small, 1.0, x))
    return a**q * lr * ratio


def _no_break(E_break) -> bool:
    """True when no element of ``E_break`` is finite: the single power law's code path."""
    return E_break is None or not np.any(np.isfinite(np.asarray(E_break, dtype=float)))


def _break_args(slope, E_max, E_break, slope_high):
    """(finite mask, E_b with the infinite ones replaced by E_max, s₂) as float arrays."""
    Eb = np.asarray(E_break, dtype=float)
    finite = np.isfinite(Eb)
    s2 = np.asarray(slope if slope_high is None else slope_high, dtype=float)
    return finite, np.where(finite, Eb, E_max), s2


def spectral_shape(
    E: ArrayLike,
    slope: ArrayLike,
    E_min: ArrayLike,
    E_max: ArrayLike,
    cutoff: Cutoff = "sharp",
    E_break: ArrayLike = np.inf,
    slope_high: ArrayLike | None = None,
) -> FloatArray:
    """The unnormalised spectrum E^-s × cutoff, zero below E_min.

    Parameters
    ----------
    E, E_min, E_max : float or array [erg]
    slope : float or array
        Spectral index s.
    cutoff : {'sharp', 'exponential'}
        'sharp': zero above E_max (Eq. 3); 'exponential': exp(-E/E_max).
    E_break : float or array [erg]
        Break energy (default inf: no break); E_b^(s₂-s) E^-s₂ at and above it,
        continuous at E_b (module docstring).
    slope_high : float or array, optional
        Index s₂ above the break (default: ``slope``).

    Returns
    -------
    array [erg^-s]
    """
    E = np.asarray(E, dtype=float)
    if _no_break(E_break):
        shape = np.where(E >= E_min, E ** (-np.asarray(slope, dtype=float)), 0.0)
    else:
        slope = np.asarray(slope, dtype=float)
        finite, Eb, s2 = _break_args(slope, E_max, E_break, slope_high)
        high = finite & (E >= Eb)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            pl = np.where(high, Eb ** (s2 - slope) * E ** (-s2), E ** (-slope))
        shape = np.where(E >= E_min, pl, 0.0)
    if _is_exp(cutoff):
        return shape * np.exp(-E / E_max)
    return np.where(E <= E_max, shape, 0.0)


def energy_norm(
    slope: ArrayLike,
    E_min: ArrayLike,
    E_max: ArrayLike,
    cutoff: Cutoff = "sharp",
    E_break: ArrayLike = np.inf,
    slope_high: ArrayLike | None = None,
) -> FloatArray:
    """The energy integral Λ_s = ∫ E · shape(E) dE of the source spectrum.

    For the paper's s = 2 with a sharp cutoff this is Λ = ln(E_max/E_min) (Eq. 3).
    For any s it is (E_max^(2-s) - E_min^(2-s))/(2-s) [erg^(2-s)], so that a
    luminosity L is injected as Q(E) = L E^-s / Λ_s.

    With a break at E_b < E_max (sharp cutoff) it is the sum of the two pieces,
    Λ = (E_b^(2-s) - E_min^(2-s))/(2-s) + E_b^(s₂-s) (E_max^(2-s₂) - E_b^(2-s₂))/(2-s₂)
    (each term → a logarithm at index 2).

    Parameters
    ----------
    slope : float or array
    E_min, E_max : float or array [erg]
    cutoff : {'sharp', 'exponential'}
    E_break, slope_high : float or array, optional
        The break (default none) and the index above it (default ``slope``).

    Returns
    -------
    array [erg^(2-s)]
    """
    slope = np.asarray(slope, dtype=float)
    E_min = np.asarray(E_min, dtype=float)
    E_max = np.asarray(E_max, dtype=float)
    if not _no_break(E_break):
        return _energy_norm_broken(slope, E_min, E_max, cutoff, E_break, slope_high)
    if not _is_exp(cutoff):
        return _powerlaw_integral(2.0 - slope, E_min, E_max)
    s, a, b = np.broadcast_arrays(slope, E_min, E_max)
    top = b * _EXP_CUT_EFOLDS
    return _log_quadrature(lambda E: E ** (1.0 - s[..., None]) * np.exp(-E / b[..., None]), a, top)


def _energy_norm_broken(slope, E_min, E_max, cutoff, E_break, slope_high):
    """:func:`energy_norm` with a break: the single power law where E_break is infinite."""
    finite, Eb, s2 = _break_args(slope, E_max, E_break, slope_high)
    single = 0.0 if np.all(finite) else energy_norm(slope, E_min, E_max, cutoff)
    if not _is_exp(cutoff):
        Ebc = np.clip(Eb, E_min, E_max)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            broken = _powerlaw_integral(2.0 - slope, E_min, Ebc) + Eb ** (
                s2 - slope
            ) * _powerlaw_integral(2.0 - s2, Ebc, E_max)
        return np.where(finite, broken, single)
    s, s2, a, b, Eb = np.broadcast_arrays(slope, s2, E_min, E_max, Eb)
    top = b * _EXP_CUT_EFOLDS
    Ebc = np.clip(Eb, a, top)
    low = _log_quadrature(lambda E: E ** (1.0 - s[..., None]) * np.exp(-E / b[..., None]), a, Ebc)
    high = _log_quadrature(
        lambda E: E ** (1.0 - s2[..., None]) * np.exp(-E / b[..., None]), Ebc, top
    )
    return np.where(finite, low + Eb ** (s2 - s) * high, single)


def integral_shape(
    E: ArrayLike,
    slope: ArrayLike,
    E_min: ArrayLike,
    E_max: ArrayLike,
    cutoff: Cutoff = "sharp",
    E_break: ArrayLike = np.inf,
    slope_high: ArrayLike | None = None,
) -> FloatArray:
    """The number integral ∫_E^∞ shape(E') dE' (particles above E, unnormalised).

    Used for the CR current J(>E) = e ∫_E φ dE'. For a sharp cutoff it is
    (E^(1-s) - E_max^(1-s))/(s-1) for E_min <= E < E_max; with a break at E_b
    (sharp cutoff) the two pieces' integrals, (E^(1-s) - E_b^(1-s))/(s-1) +
    E_b^(s₂-s) (E_b^(1-s₂) - E_max^(1-s₂))/(s₂-1) below E_b and the second alone above.

    Returns
    -------
    array [erg^(1-s)]
    """
    E = np.asarray(E, dtype=float)
    slope = np.asarray(slope, dtype=float)
    E_min = np.asarray(E_min, dtype=float)
    E_max = np.asarray(E_max, dtype=float)
    if not _no_break(E_break):
        return _integral_shape_broken(E, slope, E_min, E_max, cutoff, E_break, slope_high)
    lo = np.maximum(E, E_min)
    if not _is_exp(cutoff):
        val = _powerlaw_integral(1.0 - slope, lo, np.where(lo < E_max, E_max, lo))
        return np.where(lo < E_max, val, 0.0)
    s, a, b = np.broadcast_arrays(slope, lo, E_max)
    top = np.maximum(b * _EXP_CUT_EFOLDS, a * 1.0000001)
    return _log_quadrature(lambda x: x ** (-s[..., None]) * np.exp(-x / b[..., None]), a, top)


def _integral_shape_broken(E, slope, E_min, E_max, cutoff, E_break, slope_high):
    """:func:`integral_shape` with a break: the single power law where E_break is infinite."""
    finite, Eb, s2 = _break_args(slope, E_max, E_break, slope_high)
    single = 0.0 if np.all(finite) else integral_shape(E, slope, E_min, E_max, cutoff)
    lo = np.maximum(E, E_min)
    if not _is_exp(cutoff):
        Ebc = np.clip(Eb, E_min, E_max)
        mid = np.maximum(lo, Ebc)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            val = _powerlaw_integral(1.0 - slope, lo, mid) + Eb ** (
                s2 - slope
            ) * _powerlaw_integral(1.0 - s2, mid, np.maximum(mid, E_max))
        return np.where(finite, np.where(lo < E_max, val, 0.0), single)
    s, s2, a, b, Eb = np.broadcast_arrays(slope, s2, lo, E_max, Eb)
    top = np.maximum(b * _EXP_CUT_EFOLDS, a * 1.0000001)
    mid = np.clip(Eb, a, top)
    low = _log_quadrature(lambda x: x ** (-s[..., None]) * np.exp(-x / b[..., None]), a, mid)
    high = _log_quadrature(lambda x: x ** (-s2[..., None]) * np.exp(-x / b[..., None]), mid, top)
    return np.where(finite, low + Eb ** (s2 - s) * high, single)
