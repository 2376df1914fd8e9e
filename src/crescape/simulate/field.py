"""Growth and saturation of the CR-driven field δB (its transport is
:class:`crescape.simulate.coupled.field_ops.FieldTransportOp`).

The turbulent field is one amplitude per cell, δB(z, t) [G], transverse to z
(Bell's nonresonant modes have k ∥ J ∥ z and δB ⊥ z). The total field seen by
the particles is B = √(B0² + δB²). Over a time step the CR current J (gas
frame) is frozen, and δB obeys

    ∂δB/∂t + A⁻¹∂_z(A u δB) = (u δB/2) A⁻¹ dA/dz + γ(J, ρ, B) δB,      δB ≤ B_cap,

the first two terms being flux freezing of a transverse field (planar:
δB ∝ ρ in compression; spherical: ∂_t B + r⁻¹∂_r(r u B) = 0), the last the
nonresonant growth.

Growth rate (``rate`` option)
-----------------------------
``"dispersion"`` (default)
    γ = g(ζ) k_c v_A from the dispersion relation with the CR response
    (:func:`crescape.physics.dispersion.fastest_mode`), ζ = k_c r_L(E_J) =
    4πJE_J/(c e B²), k_c v_A = 4πJ/(c√(4πρ)) (Eq. 7, independent of B). The
    instability is driven only if ζ(B0) > ζ_c (:func:`~crescape.physics.dispersion.critical_kc_rL`),
    the threshold that replaces Eq. (4). g(ζ) is tabulated once.
``"cold"``
    Bell's cold maximum k_c v_A/2 (:func:`crescape.physics.instability.gamma_max_cold`),
    driven if Eq. (4) holds with J = eE_J φ, i.e. ζ(B0) > 1.
``"paper"``
    Eq. (7), γ = k_max v_A (:func:`crescape.physics.instability.gamma_max_paper`), same threshold.

Saturation criteria (``criteria``: any subset; the smallest cap binds)
----------------------------------------------------------------------
``"larmor"``
    Eq. (8) computed by the dispersion relation: the nonresonant branch
    disappears when ζ(B) drops to ζ_c, B_L = √(4πJE_J/(c e ζ_c))
    (:func:`crescape.physics.dispersion.saturation_field`; with the "cold" and
    "paper" rates ζ_c = 1, :func:`crescape.physics.saturation.B_sat_current`).
``"alfven"``
    Growth stops when the CR drift relative to the gas, v_d = J/(e N_J), has
    dropped to the Alfvén speed in the amplified field (text before Eq. 10):
    B_A = v_d √(4πρ).
``"energy_flux"``
    The field energy flux carried at ṽ_A cannot exceed the CR energy flux in
    the gas frame F_E: (B²/4π) ṽ_A ≤ F_E, B_E = ((4π)^{3/2} ρ^{1/2} F_E)^{1/3}.
    This is the form of Eq. (14), δB³ = π(4π)^{3/2} ρ^{1/2} E²φ/4, with E²φ
    replaced by the full gas-frame energy flux and without the factor π/4.

Integration (``closure``)
-------------------------
``"exponential"``
    Exact over the step for the frozen rate: δB → min(δB e^{γΔt}, max(δB, δB_cap)),
    δB_cap = √(B_cap² − B0²). Stable for any γΔt (growth takes years, steps Myr).
``"instantaneous"``
    Where the instability is driven, δB is set to the cap at once (the closure
    the paper uses implicitly). The tests compare the two.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import constants as C
from ..physics import instability

__all__ = [
    "FieldGrowth",
    "CRITERIA",
    "RATES",
    "CLOSURES",
    "BRANCHES",
    "growth_table",
    "resonant_table",
]

CRITERIA = ("larmor", "alfven", "energy_flux")
RATES = ("dispersion", "cold", "paper")
CLOSURES = ("exponential", "instantaneous")
BRANCHES = ("nonresonant", "full")


@functools.lru_cache(maxsize=8)
def growth_table(slope: float = 2.0, t_max: float = np.inf, n: int = 121):
    """Tabulated γ_max/(k_c v_A) against ln ζ from the dispersion relation, and ζ_c.

    Returns
    -------
    (ln_zeta, g, zeta_c)
        For ζ above the table g → 1/2 (Bell's cold value); for ζ ≤ ζ_c g = 0.
    """
    from ..physics import dispersion

    zc = float(dispersion.critical_kc_rL(slope, t_max))
    lz = np.linspace(np.log(zc), np.log(zc) + 14.0, n)
    _, g = dispersion.fastest_mode(np.exp(lz), slope, t_max)
    g = np.asarray(g, dtype=float)
    g[0] = 0.0
    return lz, np.maximum(g, 0.0), zc


@functools.lru_cache(maxsize=8)
def resonant_table(slope: float = 2.0, t_max: float = np.inf, n: int = 81):
    """γ_max/(k_c v_A) against ln ζ below the nonresonant threshold ζ_c, from the same relation.

    Below ζ_c the right-hand mode has no purely growing (nonresonant) branch, but the
    full dispersion relation, ω̂² = q² ∓ q (1 − σ(qζ)) with the complex CR response σ
    (Bell 2004, Eqs. 8-13; Im σ is the gyroresonant interaction of Kulsrud & Pearce
    1969), still has growing roots. This is the fastest growth of either polarisation
    over a grid of q = k/k_c (``growth_curve(mode="max")``), from ζ_c e^-10 up to ζ_c.

    Returns
    -------
    (ln_zeta, g)
    """
    from ..physics import dispersion

    zc = float(dispersion.critical_kc_rL(slope, t_max))
    lz = np.linspace(np.log(zc) - 10.0, np.log(zc), n)
    q = np.geomspace(1e-6, 1e4, 700)
    g = dispersion.growth_curve(q[None, :], np.exp(lz)[:, None], slope, t_max, mode="max")
    return lz, np.maximum(np.asarray(g).max(axis=1), 0.0)


class FieldGrowth:
    """The field-growth operator: rate, caps, exponential or instantaneous integration (flux freezing: :class:`crescape.simulate.coupled.FieldTransportOp`).

    Parameters
    ----------
    B0 : float or array
        Seed (ordered) field [G]; sets the threshold of the instability.
    criteria : sequence of str
        Saturation criteria among :data:`CRITERIA` (at least one).
    rate : {"dispersion", "cold", "paper"}
    closure : {"exponential", "instantaneous"}
    slope : float
        Index of the current spectrum for the dispersion relation (2 for Eq. 3).
    t_max : float
        E_max/E_J for the dispersion relation.
    branch : {"nonresonant", "full"}
        With the "dispersion" rate: growth only on the nonresonant branch (ζ(B0) > ζ_c,
        default), or also below it at the rate of the same dispersion relation
        (:func:`resonant_table`: the resonant branch).
    """

    def __init__(
        self,
        B0,
        criteria=("larmor",),
        rate="dispersion",
        closure="exponential",
        slope=2.0,
        t_max=np.inf,
        branch="nonresonant",
    ):
        criteria = tuple(criteria)
        if branch not in BRANCHES:
            raise ValueError(f"branch = {branch!r} is not allowed: must be one of {BRANCHES}")
        if branch == "full" and rate != "dispersion":
            raise ValueError(
                f"branch = 'full' is not allowed with rate = {rate!r}: only with 'dispersion'"
            )
        self.branch = branch
        if not criteria or any(c not in CRITERIA for c in criteria):
            raise ValueError(
                f"criteria = {criteria!r} is not allowed: must be a non-empty subset of {CRITERIA}"
            )
        if rate not in RATES:
            raise ValueError(f"rate = {rate!r} is not allowed: must be one of {RATES}")
        if closure not in CLOSURES:
            raise ValueError(f"closure = {closure!r} is not allowed: must be one of {CLOSURES}")
        if np.any(np.asarray(B0) <= 0):
            raise ValueError(f"B0 = {B0} G is not allowed: must be > 0")
        self.B0 = B0
        self.criteria = criteria
        self.rate = rate
        self.closure = closure
        self.slope = float(slope)
        self.t_max = float(t_max)
        if rate == "dispersion":
            self._lz, self._g, self.zeta_c = growth_table(self.slope, self.t_max)
            if branch == "full":
                lr, gr = resonant_table(self.slope, self.t_max)
                g_nr = self._g.copy()
                g_nr[0] = gr[-1]  # continuous at ζ_c
                self._lz = np.concatenate([lr[:-1], self._lz])
                self._g = np.concatenate([gr[:-1], g_nr])
        else:
            self.zeta_c = 1.0

    # ------------------------------------------------------------------ linear theory
    def zeta(self, J, E_J, B):
        """ζ = k_c r_L(E_J) = 4πJE_J/(c e B²)."""
        return 4.0 * np.pi * np.abs(J) * E_J / (C.c * C.e * np.asarray(B) ** 2)

    def driven(self, J, E_J):
        """Whether the instability is driven in the seed field (ζ(B0) > ζ_c; Eq. 4 for ζ_c = 1).

        With ``branch = "full"`` any current drives it (the resonant branch below ζ_c)."""
        if self.branch == "full":
            return np.abs(np.asarray(J, dtype=float)) > 0
        return self.zeta(J, E_J, self.B0) > self.zeta_c

    def nonresonant(self, J, E_J):
        """Whether the seed field is below the nonresonant threshold, ζ(B0) > ζ_c."""
        return self.zeta(J, E_J, self.B0) > self.zeta_c

    def growth_rate(self, J, rho, E_J, B):
        """γ [s^-1] at current J [statA cm^-2], density ρ, current energy E_J [erg], field B [G].

        Zero where the instability is not driven in B0. With the Larmor
        criterion the rate is evaluated in the total field B (it vanishes at
        the Larmor cap); otherwise in B0 (linear theory of the seed field).
        """
        J = np.abs(np.asarray(J, dtype=float))
        Bx = B if "larmor" in self.criteria else np.broadcast_to(self.B0, np.shape(J))
        if self.rate == "dispersion":
            z = self.zeta(J, E_J, Bx)
            with np.errstate(divide="ignore"):
                lz = np.log(np.maximum(z, 1e-300))
            g = np.interp(lz, self._lz, self._g, left=0.0, right=0.5)
            gam = g * instability.gamma_max_paper(J, rho)
        elif self.rate == "cold":
            gam = instability.gamma_max_cold(J, rho) * (self.zeta(J, E_J, Bx) > 1.0)
        else:
            gam = instability.gamma_max_paper(J, rho) * (self.zeta(J, E_J, Bx) > 1.0)
        return np.where(self.driven(J, E_J), gam, 0.0)

    # ------------------------------------------------------------------ saturation
    def caps(self, J, rho, E_J, N_J, F_E) -> dict:
        """The cap on the total field of each selected criterion [G].

        Parameters
        ----------
        J : array
            Gas-frame CR current of particles above E_J [statA cm^-2].
        rho : array
        E_J : float
        N_J : array
            Number density of those particles [cm^-3].
        F_E : array
            Gas-frame CR energy flux [erg cm^-2 s^-1].
        """
        J = np.abs(np.asarray(J, dtype=float))
        out = {}
        if "larmor" in self.criteria:
            out["larmor"] = np.sqrt(4.0 * np.pi * J * E_J / (C.c * C.e * self.zeta_c))
        if "alfven" in self.criteria:
            with np.errstate(divide="ignore", invalid="ignore"):
                # no particles in the cell (the inner flux has not yet filled it): no drift limit
                vd = np.where(N_J > 0, J / (C.e * np.maximum(N_J, 1e-300)), np.inf)
            out["alfven"] = vd * np.sqrt(4.0 * np.pi * rho)
        if "energy_flux" in self.criteria:
            out["energy_flux"] = np.cbrt((4.0 * np.pi) ** 1.5 * np.sqrt(rho) * np.maximum(F_E, 0.0))
        return out

    def cap(self, J, rho, E_J, N_J, F_E):
        """(B_cap, code): the smallest cap and the index in ``self.criteria`` of the one that binds."""
        c = self.caps(J, rho, E_J, N_J, F_E)
        stack = np.array([c[k] for k in self.criteria])
        i = np.argmin(stack, axis=0)
        return np.take_along_axis(stack, i[None], 0)[0], i

    # ------------------------------------------------------------------ integration
    def grow(self, dB, gamma, B_cap, dt):
        """δB after dt of growth at the frozen rate γ with the cap (see the module docstring).

        Returns
        -------
        (dB_new, dW) : the new δB and the field energy density gained, (δB_new² − δB²)/8π.
        """
        dB = np.asarray(dB, dtype=float)
        B0 = np.broadcast_to(self.B0, dB.shape)
        dB_cap = np.sqrt(np.maximum(B_cap**2 - B0**2, 0.0))
        target = np.maximum(dB, dB_cap)
        active = gamma > 0
        if self.closure == "exponential":
            grown = dB * np.exp(np.minimum(gamma * dt, 700.0))
            new = np.where(active, np.minimum(grown, target), dB)
        else:
            new = np.where(active, target, dB)
        return new, (new**2 - dB**2) / (8.0 * np.pi)

    def attrs(self) -> dict:
        return {
            "field_criteria": ",".join(self.criteria),
            "field_rate": self.rate,
            "field_closure": self.closure,
            "field_branch": self.branch,
            "field_zeta_c": self.zeta_c,
        }


def magnetic_pressure(dB):
    """Pressure of the transverse field along z, δB²/8π [erg cm^-3]."""
    return np.asarray(dB) ** 2 / (8.0 * np.pi)
