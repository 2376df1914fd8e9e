"""The source spectrum of Galactic cosmic rays and its normalisation.

The Galaxy injects CRs with a power law Q(E) ∝ E^-s between E_min and E_max
(the paper takes s = 2, Eq. 3), with a sharp or exponential cutoff. Energies
are total particle energies in erg (E ≈ pc for the relativistic protons that
matter here). All functions take cgs floats or numpy arrays and broadcast.
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


def spectral_shape(
    E: ArrayLike, slope: ArrayLike, E_min: ArrayLike, E_max: ArrayLike, cutoff: Cutoff = "sharp"
) -> FloatArray:
    """The unnormalised spectrum E^-s × cutoff, zero below E_min.

    Parameters
    ----------
    E, E_min, E_max : float or array [erg]
    slope : float or array
        Spectral index s.
    cutoff : {'sharp', 'exponential'}
        'sharp': zero above E_max (Eq. 3); 'exponential': exp(-E/E_max).

    Returns
    -------
    array [erg^-s]
    """
    E = np.asarray(E, dtype=float)
    shape = np.where(E >= E_min, E ** (-np.asarray(slope, dtype=float)), 0.0)
    if _is_exp(cutoff):
        return shape * np.exp(-E / E_max)
    return np.where(E <= E_max, shape, 0.0)


def energy_norm(
    slope: ArrayLike, E_min: ArrayLike, E_max: ArrayLike, cutoff: Cutoff = "sharp"
) -> FloatArray:
    """The energy integral Λ_s = ∫ E · shape(E) dE of the source spectrum.

    For the paper's s = 2 with a sharp cutoff this is Λ = ln(E_max/E_min) (Eq. 3).
    For any s it is (E_max^(2-s) - E_min^(2-s))/(2-s) [erg^(2-s)], so that a
    luminosity L is injected as Q(E) = L E^-s / Λ_s.

    Parameters
    ----------
    slope : float or array
    E_min, E_max : float or array [erg]
    cutoff : {'sharp', 'exponential'}

    Returns
    -------
    array [erg^(2-s)]
    """
    slope = np.asarray(slope, dtype=float)
    E_min = np.asarray(E_min, dtype=float)
    E_max = np.asarray(E_max, dtype=float)
    if not _is_exp(cutoff):
        return _powerlaw_integral(2.0 - slope, E_min, E_max)
    s, a, b = np.broadcast_arrays(slope, E_min, E_max)
    top = b * _EXP_CUT_EFOLDS
    return _log_quadrature(lambda E: E ** (1.0 - s[..., None]) * np.exp(-E / b[..., None]), a, top)


def integral_shape(
    E: ArrayLike, slope: ArrayLike, E_min: ArrayLike, E_max: ArrayLike, cutoff: Cutoff = "sharp"
) -> FloatArray:
    """The number integral ∫_E^∞ shape(E') dE' (particles above E, unnormalised).

    Used for the CR current J(>E) = e ∫_E φ dE'. For a sharp cutoff it is
    (E^(1-s) - E_max^(1-s))/(s-1) for E_min <= E < E_max.

    Returns
    -------
    array [erg^(1-s)]
    """
    E = np.asarray(E, dtype=float)
    slope = np.asarray(slope, dtype=float)
    E_min = np.asarray(E_min, dtype=float)
    E_max = np.asarray(E_max, dtype=float)
    lo = np.maximum(E, E_min)
    if not _is_exp(cutoff):
        val = _powerlaw_integral(1.0 - slope, lo, np.where(lo < E_max, E_max, lo))
        return np.where(lo < E_max, val, 0.0)
    s, a, b = np.broadcast_arrays(slope, lo, E_max)
    top = np.maximum(b * _EXP_CUT_EFOLDS, a * 1.0000001)
    return _log_quadrature(lambda x: x ** (-s[..., None]) * np.exp(-x / b[..., None]), a, top)
