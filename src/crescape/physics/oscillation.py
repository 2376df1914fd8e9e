"""Neutrino flavour ratios at Earth from the source ratio, with oscillation-averaged mixing.

Over Galactic and circumgalactic distances (kpc ≫ the oscillation lengths of TeV-PeV
neutrinos) the oscillation phases average out, and the flavour transition probability
becomes P(ν_α → ν_β) = Σ_i |U_αi|² |U_βi|² (e.g. Learned & Pakvasa 1995,
Astropart. Phys. 3, 267). U is the PMNS matrix in the standard parametrisation
(PDG, Review of Particle Physics, "Neutrino mixing").

Default mixing angles: NuFIT 5.2 (2022), normal ordering, with Super-Kamiokande
atmospheric data: θ12 = 33.41°, θ23 = 42.2°, θ13 = 8.58°, δ_CP = 232°
(Esteban et al. 2020, JHEP 09, 178, updated at www.nu-fit.org, v5.2).
Since the fluxes here are ν + ν̄, the CP phase enters only through |U|², and
P is the same for ν and ν̄.
"""

from __future__ import annotations

import numpy as np

from ._typing import ArrayLike

__all__ = ["NUFIT52_NO", "pmns_matrix", "transition_matrix", "flavour_ratio_at_earth", "FLAVOURS"]

FLAVOURS = ("e", "mu", "tau")

#: NuFIT 5.2 (2022) best fit, normal ordering, with SK atmospheric data [degrees]
NUFIT52_NO = {"theta12": 33.41, "theta23": 42.2, "theta13": 8.58, "delta_cp": 232.0}


def pmns_matrix(
    theta12: float = NUFIT52_NO["theta12"],
    theta23: float = NUFIT52_NO["theta23"],
    theta13: float = NUFIT52_NO["theta13"],
    delta_cp: float = NUFIT52_NO["delta_cp"],
) -> np.ndarray:
    """The PMNS matrix U_αi (rows e, μ, τ; columns 1, 2, 3), standard parametrisation (PDG).

    Angles in degrees.
    """
    t12, t23, t13, d = np.radians([theta12, theta23, theta13, delta_cp])
    s12, c12, s23, c23, s13, c13 = (
        np.sin(t12),
        np.cos(t12),
        np.sin(t23),
        np.cos(t23),
        np.sin(t13),
        np.cos(t13),
    )
    ed = np.exp(1j * d)
    return np.array(
        [
            [c12 * c13, s12 * c13, s13 / ed],
            [-s12 * c23 - c12 * s23 * s13 * ed, c12 * c23 - s12 * s23 * s13 * ed, s23 * c13],
            [s12 * s23 - c12 * c23 * s13 * ed, -c12 * s23 - s12 * c23 * s13 * ed, c23 * c13],
        ]
    )


def transition_matrix(**angles: float) -> np.ndarray:
    """P_αβ = Σ_i |U_αi|²|U_βi|², the oscillation-averaged probability ν_α → ν_β (symmetric, rows sum to 1)."""
    U2 = np.abs(pmns_matrix(**angles)) ** 2
    return U2 @ U2.T


def flavour_ratio_at_earth(
    source: ArrayLike = (1.0, 2.0, 0.0), normalise: bool = True, **angles: float
) -> np.ndarray:
    """Flavour composition (e, μ, τ) at Earth for a source composition ``source``.

    Parameters
    ----------
    source : sequence of 3 floats
        Source flavour fluxes (ν + ν̄) of e, μ, τ; pion decay gives (1, 2, 0).
    normalise : bool
        Return fractions summing to one (else fluxes in the units of ``source``).
    angles : mixing angles in degrees (defaults: NuFIT 5.2 NO).

    Returns
    -------
    ndarray of shape (3,)
    """
    src = np.asarray(source, dtype=float)
    if src.shape != (3,) or np.any(src < 0) or not np.all(np.isfinite(src)) or src.sum() <= 0:
        raise ValueError(
            f"source = {source!r} is not allowed: must be three finite non-negative "
            "flavour fluxes (e, mu, tau) with a positive sum"
        )
    earth = src @ transition_matrix(**angles)
    return earth / earth.sum() if normalise else earth
