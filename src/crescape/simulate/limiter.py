"""The flux limiter that keeps diffusion from moving cosmic rays faster than light.

Pure diffusion, F = −D ∂g/∂z, has no speed limit: when D is huge (before the
field is amplified) it would carry particles faster than light. We use the
flux-limited diffusion of Levermore & Pomraning (1981), ApJ 248, 321, Eq. 28:

    F = −D_eff ∂g/∂z,   D_eff = 3 λ(R) D,   R = 3 D |∂g/∂z| / (v g),
    λ(R) = (2 + R) / (6 + 3R + R²).

Here v is the particle speed and ℓ = 3D/v the mean free path, so that
R = ℓ |∇g|/g. For R → 0 (gradients on scales ≫ ℓ), λ → 1/3 and D_eff → D:
ordinary diffusion. For R → ∞, λ → 1/R and |F| → v g: free streaming at the
particle speed, never faster. |F| ≤ v g holds for every R, since R λ(R) < 1.

On the grid, R is evaluated on each face from the two neighbouring cells
(g_face = arithmetic mean, gradient = difference over the centre distance),
with the state at the start of the step (the coefficient is lagged, so the
implicit solve stays linear). Where both cells are empty (g_face = 0) the
gradient scale is taken as the cell spacing, R = 3 D/(v Δz), so that in the
ballistic regime a front spreads by about one cell per light-crossing time
of a cell, while in the diffusive regime (ℓ ≪ Δz) D_eff = D.
"""

from __future__ import annotations

import numpy as np

__all__ = ["levermore_pomraning", "limited_diffusion"]


def levermore_pomraning(R):
    """λ(R) = (2 + R)/(6 + 3R + R²) (Levermore & Pomraning 1981, Eq. 28)."""
    R = np.asarray(R, dtype=float)
    return (2.0 + R) / (6.0 + 3.0 * R + R * R)


def limited_diffusion(D, g_face, grad, v, dz):
    """D_eff = 3 λ(R) D on faces, with R = 3 D |grad| / (v g_face).

    Parameters
    ----------
    D : array
        Unlimited face diffusion coefficient [cm² s^-1].
    g_face, grad : array
        Face value of the density and its gradient.
    v : array
        Particle speed [cm/s].
    dz : array
        Distance used for the gradient scale where g_face = 0 [cm].

    Returns
    -------
    array
        The limited coefficient, ≤ D; |D_eff grad| ≤ v g_face.
    """
    D, g_face, grad, v, dz = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (D, g_face, grad, v, dz))
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        R = np.where(g_face > 0, 3.0 * D * np.abs(grad) / (v * g_face), 3.0 * D / (v * dz))
    return 3.0 * levermore_pomraning(R) * D
