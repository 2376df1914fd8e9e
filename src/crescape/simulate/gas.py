"""1D Euler equations of the circumgalactic gas: second-order Godunov finite volumes.

Solves, in a geometry of cross-section A(z) (planar A = 1, spherical A = r²),

    ∂ρ/∂t   + A⁻¹∂_z(A ρu)         = 0,
    ∂(ρu)/∂t + A⁻¹∂_z(A ρu²) + ∂_z P = f,
    ∂E/∂t   + A⁻¹∂_z(A (E + P)u)   = f u,          E = P/(γ−1) + ρu²/2,

with an external force density f [dyn cm^-3] (the CR pressure gradient and the
magnetic pressure gradient of the coupled run, :mod:`crescape.simulate.coupled`).
In the isothermal option the energy equation is dropped and P = ρ c_s².

Scheme (Toro 2009, *Riemann Solvers and Numerical Methods for Fluid
Dynamics*, 3rd ed.):

* piecewise-linear reconstruction of the primitive variables (ρ, u, P) with the
  minmod or monotonised-central limiter, slopes on the actual (non-uniform)
  cell spacing;
* HLLC fluxes (Toro §10.4, wave speeds of Davis 1988, Toro Eq. 10.48) for the
  adiabatic gas, HLL fluxes (Toro §10.3) for the isothermal gas;
* the pressure part of the momentum flux in curvilinear geometry written as
  A⁻¹∂_z(A P) − P A⁻¹∂_z A, the geometric source P_i (A_{i+1/2} − A_{i−1/2})/V_i,
  so that a uniform pressure stays in equilibrium exactly in every geometry;
* in a static potential Φ (``potential=``), a hydrostatic reconstruction:
  density and pressure are each cell's local isothermal equilibrium plus a
  limited perturbation, ghosts and reservoirs in equilibrium (Käppeli & Mishra
  2014, J. Comput. Phys. 259, 199), so that with the balanced gravity source
  (:class:`crescape.simulate.coupled.gravity.Gravity`) an isothermal atmosphere
  stays at rest to round-off;
* second-order strong-stability-preserving Runge-Kutta (Heun) in time
  (Shu & Osher 1988), the force f held fixed over the step: the momentum
  given to the gas is exactly Σ f_i V_i Δt, and the work Σ f_i ū_i V_i Δt
  (ū the stage average) is returned so that budgets can close.

Boundaries: ``"reflecting"`` (a wall: mirrored ρ, P, opposite u),
``"outflow"`` (zero gradient) or ``"inflow"`` (a reservoir at rest: the ghost
cells hold the reservoir's ρ and P and u = 0) on each side. With a reservoir
the flux through the boundary face is the Godunov flux of the Riemann problem
between the reservoir at rest and the first cell: subsonic inflow or outflow
is set by the characteristic leaving the interior and by the reservoir's
Riemann invariants (the exact-Riemann form of a characteristic boundary), and
the gas that enters brings only the reservoir's enthalpy; no kinetic energy
is supplied by the ghost state (Toro 2009, §6.3; the boundary fluxes are
counted in the budget). Density and pressure floors keep
the state physical; the mass and energy they add are counted.

Two implementations of the same scheme: :func:`rhs_reference` (numpy, readable)
and the numba kernel ``_rhs_fast`` (``backend="numba"``); the tests compare them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

__all__ = [
    "GasState",
    "hydrostatic_factor",
    "EulerSolver",
    "rhs_reference",
    "exact_riemann",
    "LIMITERS",
    "BOUNDARIES",
]

#: slope limiters (codes used by the kernels)
LIMITERS = {"minmod": 0, "mc": 1}
#: boundary kinds (codes used by the kernels)
BOUNDARIES = {"reflecting": 0, "outflow": 1, "inflow": 2}


@dataclass
class GasState:
    """Conserved variables per cell: ρ [g cm^-3], ρu [g cm^-2 s^-1], E [erg cm^-3]; time; budgets.

    ``budget`` holds cumulative boundary fluxes (per unit A as the geometry
    defines it): mass, momentum and energy that entered through the inner
    face and left through the outer face, the momentum and work given by the
    force, the momentum of the geometric pressure source, and what the floors added.
    """

    rho: np.ndarray
    mom: np.ndarray
    ener: np.ndarray
    t: float = 0.0
    budget: dict = field(default_factory=dict)

    def __post_init__(self):
        for k in GAS_BUDGET_KEYS:
            self.budget.setdefault(k, 0.0)

    @property
    def u(self) -> np.ndarray:
        """Velocity [cm/s]."""
        return self.mom / self.rho

    def copy(self) -> GasState:
        return GasState(
            self.rho.copy(), self.mom.copy(), self.ener.copy(), self.t, dict(self.budget)
        )


GAS_BUDGET_KEYS = (
    "mass_in",
    "mass_out",
    "mom_in",
    "mom_out",
    "energy_in",
    "energy_out",
    "force_momentum",
    "force_work",
    "geometric_momentum",
    "floor_mass",
    "floor_energy",
)


# --------------------------------------------------------------------------- reference (numpy)


def _limit_np(a, b, code):
    if code == 0:
        return np.where(a * b > 0, np.sign(a) * np.minimum(np.abs(a), np.abs(b)), 0.0)
    s = np.sign(a)
    m = np.minimum(np.minimum(2 * np.abs(a), 2 * np.abs(b)), 0.5 * np.abs(a + b))
    return np.where(a * b > 0, s * m, 0.0)


def _ghost_np(q, x, z0, z1, bc_in, bc_out, odd, v_in=None, v_out=None):
    """Two ghost cells each side; odd=True flips the sign at reflecting walls (velocity)."""
    s = -1.0 if odd else 1.0
    if bc_in == 2 and v_in is not None:
        gl = [v_in, v_in]
        xl = [2 * z0 - x[1], 2 * z0 - x[0]]
    elif bc_in == 2:  # the reservoir is at rest
        gl = [0.0, 0.0]
        xl = [2 * z0 - x[1], 2 * z0 - x[0]]
    elif bc_in == 0:
        gl = [s * q[1], s * q[0]]
        xl = [2 * z0 - x[1], 2 * z0 - x[0]]
    else:
        gl = [q[0], q[0]]
        xl = [2 * z0 - x[1], 2 * z0 - x[0]]
    if bc_out == 2 and v_out is not None:
        gr = [v_out, v_out]
    elif bc_out == 2:
        gr = [0.0, 0.0]
    elif bc_out == 0:
        gr = [s * q[-1], s * q[-2]]
    else:
        gr = [q[-1], q[-1]]
    xr = [2 * z1 - x[-1], 2 * z1 - x[-2]]
    return np.concatenate([gl, q, gr]), np.concatenate([xl, x, xr])


def _hllc_np(rL, uL, pL, rR, uR, pR, gamma):
    aL = np.sqrt(gamma * pL / rL)
    aR = np.sqrt(gamma * pR / rR)
    EL = pL / (gamma - 1) + 0.5 * rL * uL**2
    ER = pR / (gamma - 1) + 0.5 * rR * uR**2
    SL = np.minimum(uL - aL, uR - aR)
    SR = np.maximum(uL + aL, uR + aR)
    Ss = (pR - pL + rL * uL * (SL - uL) - rR * uR * (SR - uR)) / (rL * (SL - uL) - rR * (SR - uR))
    FL = np.array([rL * uL, rL * uL**2 + pL, (EL + pL) * uL])
    FR = np.array([rR * uR, rR * uR**2 + pR, (ER + pR) * uR])
    UL = np.array([rL, rL * uL, EL])
    UR = np.array([rR, rR * uR, ER])

    def star(r, u, p, E, S):
        fac = r * (S - u) / (S - Ss)
        return np.array([fac, fac * Ss, fac * (E / r + (Ss - u) * (Ss + p / (r * (S - u))))])

    FsL = FL + SL * (star(rL, uL, pL, EL, SL) - UL)
    FsR = FR + SR * (star(rR, uR, pR, ER, SR) - UR)
    return np.where(SL >= 0, FL, np.where(Ss >= 0, FsL, np.where(SR > 0, FsR, FR)))


def _hll_iso_np(rL, uL, rR, uR, cs2):
    a = np.sqrt(cs2)
    SL = np.minimum(uL - a, uR - a)
    SR = np.maximum(uL + a, uR + a)
    FL = np.array([rL * uL, rL * uL**2 + rL * cs2, 0 * rL])
    FR = np.array([rR * uR, rR * uR**2 + rR * cs2, 0 * rR])
    UL = np.array([rL, rL * uL, 0 * rL])
    UR = np.array([rR, rR * uR, 0 * rR])
    Fs = (SR * FL - SL * FR + SL * SR * (UR - UL)) / (SR - SL)
    return np.where(SL >= 0, FL, np.where(SR <= 0, FR, Fs))


def hydrostatic_factor(dphi, theta):
    """exp(−ΔΦ/θ): the isothermal hydrostatic ratio ρ(x)/ρ(x₀) = P(x)/P(x₀) over ΔΦ = Φ(x) − Φ(x₀).

    θ = P/ρ [cm² s^-2] of the cell whose local equilibrium it describes (Käppeli &
    Mishra 2014, J. Comput. Phys. 259, 199, isothermal equilibria: dP/dx = −ρ dΦ/dx
    with P/ρ constant).
    """
    return np.exp(-dphi / theta)


def _ghosts_wb_np(rho, u, p, theta, phig, phif, bc_in, bc_out, bval, isothermal, cs2):
    """Ghosted (ρ, u, P) with the density and pressure of the ghosts in hydrostatic equilibrium.

    An ``"inflow"`` reservoir is the isothermal equilibrium through (ρ, P) of the
    reservoir at the boundary face; a wall or an open boundary extends the
    equilibrium of the adjacent cell; the velocity is mirrored (wall), copied (open)
    or zero (reservoir).
    """
    n = rho.size
    rg, ug, pg = np.empty(n + 4), np.empty(n + 4), np.empty(n + 4)
    rg[2:-2], ug[2:-2], pg[2:-2] = rho, u, p
    for bc, ghosts, cell, face, res, mirror in (
        (bc_in, slice(0, 2), 0, phif[0], bval[0:2], [1, 0]),
        (bc_out, slice(n + 2, n + 4), n - 1, phif[-1], bval[2:4], [n - 1, n - 2]),
    ):
        if bc == 2:
            fac = hydrostatic_factor(phig[ghosts] - face, res[1] / res[0])
            rg[ghosts], pg[ghosts], ug[ghosts] = res[0] * fac, res[1] * fac, 0.0
        else:
            fac = hydrostatic_factor(phig[ghosts] - phig[cell + 2], theta[cell])
            rg[ghosts], pg[ghosts] = rho[cell] * fac, p[cell] * fac
            ug[ghosts] = -u[mirror] if bc == 0 else u[cell]
    if isothermal:
        pg = rg * cs2
    return rg, ug, pg


def _faces_wb_np(rho, u, p, faces, phig, phif, isothermal, cs2, limiter, bc_in, bc_out, bval):
    """Left and right (ρ, u, P) on the n + 1 faces by hydrostatic reconstruction.

    Each cell's density and pressure are written as its local isothermal equilibrium
    q_i e^{−(Φ(x) − Φ_i)/θ_i} plus a perturbation, whose slope is limited
    (Käppeli & Mishra 2014): an atmosphere in equilibrium reconstructs
    to the same state on both sides of every face.
    """
    n = rho.size
    theta = np.full(n, cs2) if isothermal else p / rho
    rg, ug, pg = _ghosts_wb_np(rho, u, p, theta, phig, phif, bc_in, bc_out, bval, isothermal, cs2)
    x = 0.5 * (faces[1:] + faces[:-1])
    xg = np.concatenate(
        [
            [2 * faces[0] - x[1], 2 * faces[0] - x[0]],
            x,
            [2 * faces[-1] - x[-1], 2 * faces[-1] - x[-2]],
        ]
    )
    thg = np.full(n + 4, cs2) if isothermal else pg / rg
    c = np.arange(1, n + 3)
    eL = hydrostatic_factor(phig[c - 1] - phig[c], thg[c])
    eR = hydrostatic_factor(phig[c + 1] - phig[c], thg[c])
    dxl, dxr = xg[c] - xg[c - 1], xg[c + 1] - xg[c]
    cl, cr = c[:-1], c[1:]  # cells left of faces 0..n, right of faces 0..n
    k = np.arange(n + 1)
    out = []
    for q, hydro in ((rg, True), (ug, False), (pg, True)):
        if hydro:
            s = _limit_np(-(q[c - 1] - q[c] * eL) / dxl, (q[c + 1] - q[c] * eR) / dxr, limiter)
            fL = q[cl] * hydrostatic_factor(phif[k] - phig[cl], thg[cl])
            fR = q[cr] * hydrostatic_factor(phif[k] - phig[cr], thg[cr])
        else:
            s = _limit_np((q[c] - q[c - 1]) / dxl, (q[c + 1] - q[c]) / dxr, limiter)
            fL, fR = q[cl], q[cr]
        qL = fL + s[:-1] * (faces - xg[cl])
        qR = fR - s[1:] * (xg[cr] - faces)
        out.append((qL, qR))
    return out


def _faces_np(rho, u, p, x, faces, limiter, bc_in, bc_out, bval):
    """Left and right (ρ, u, P) on the n + 1 faces: limited linear reconstruction of each."""
    fg = np.concatenate(
        [[faces[0] - (faces[1] - faces[0])], faces, [faces[-1] + (faces[-1] - faces[-2])]]
    )  # faces of the cells -1..n
    prims = []
    for q, odd, vi, vo in (
        (rho, False, bval[0], bval[2]),
        (u, True, None, None),
        (p, False, bval[1], bval[3]),
    ):
        qg, xg = _ghost_np(q, x, faces[0], faces[-1], bc_in, bc_out, odd, vi, vo)
        a = (qg[1:-1] - qg[:-2]) / (xg[1:-1] - xg[:-2])
        b = (qg[2:] - qg[1:-1]) / (xg[2:] - xg[1:-1])
        s = _limit_np(a, b, limiter)  # slopes for cells -1..n (n+2 values)
        c = qg[1:-1]
        qL = (c + s * (fg[1:] - xg[1:-1]))[:-1]  # left state at faces 0..n
        qR = (c - s * (xg[1:-1] - fg[:-1]))[1:]
        prims.append((qL, qR))
    return prims


def rhs_reference(
    rho,
    mom,
    ener,
    faces,
    area,
    volume,
    force,
    gamma,
    isothermal,
    cs2,
    limiter,
    bc_in,
    bc_out,
    bval,
    phig=None,
    phif=None,
):
    """dU/dt of the scheme (numpy reference), and the face fluxes.

    Parameters
    ----------
    rho, mom, ener : arrays (n,)
    faces, area : arrays (n+1,)
        Face positions [cm] and areas A.
    volume : array (n,)
    force : array (n,)
        External force density f [dyn cm^-3].
    gamma : float
    isothermal : bool
    cs2 : float
        Isothermal sound speed squared [cm² s^-2] (ignored if adiabatic).
    limiter, bc_in, bc_out : int
        Codes of :data:`LIMITERS` and :data:`BOUNDARIES`.
    bval : array (4,)
        (ρ, P) of the inner and outer reservoirs (used by ``"inflow"``); with a
        potential, their values on the boundary faces.
    phig, phif : arrays (n + 4,), (n + 1,) or None
        Gravitational potential [cm² s^-2] at the cell centres (two ghosts each
        side included) and on the faces: hydrostatic reconstruction
        (:func:`_faces_wb_np`). None: plain reconstruction of (ρ, u, P).

    Returns
    -------
    (drho, dmom, dener, F) with F (3, n+1) the face fluxes (not multiplied by A).
    """
    x = 0.5 * (faces[1:] + faces[:-1])
    u = mom / rho
    p = rho * cs2 if isothermal else (gamma - 1) * (ener - 0.5 * rho * u**2)
    if phig is not None:
        prims = _faces_wb_np(
            rho, u, p, faces, phig, phif, isothermal, cs2, limiter, bc_in, bc_out, bval
        )
    else:
        prims = _faces_np(rho, u, p, x, faces, limiter, bc_in, bc_out, bval)
    (rL, rR), (uL, uR), (pL, pR) = prims
    if isothermal:
        F = _hll_iso_np(rL, uL, rR, uR, cs2)
        pc = rho * cs2
    else:
        F = _hllc_np(rL, uL, pL, rR, uR, pR, gamma)
        pc = p
    AF = F * area[None, :]
    d = -(AF[:, 1:] - AF[:, :-1]) / volume[None, :]
    geo = pc * (area[1:] - area[:-1]) / volume
    drho = d[0]
    dmom = d[1] + geo + force
    dener = np.zeros_like(rho) if isothermal else d[2] + force * u
    return drho, dmom, dener, F


# --------------------------------------------------------------------------- fast (numba)


@njit(cache=True, inline="always")
def _limit(a, b, code):
    if a * b <= 0.0:
        return 0.0
    if code == 0:
        return a if abs(a) < abs(b) else b
    m = min(2.0 * abs(a), 2.0 * abs(b), 0.5 * abs(a + b))
    return m if a > 0 else -m


@njit(cache=True)
def _rhs_fast(
    rho,
    mom,
    ener,
    faces,
    area,
    volume,
    force,
    gamma,
    isothermal,
    cs2,
    limiter,
    bc_in,
    bc_out,
    bval,
    wb,
    phig,
    phif,
):
    n = rho.size
    ng = n + 4
    q = np.empty((3, ng))
    xg = np.empty(ng)
    fg = np.empty(ng + 1)  # faces of the ghosted grid
    for i in range(n):
        r = rho[i]
        uu = mom[i] / r
        q[0, i + 2] = r
        q[1, i + 2] = uu
        q[2, i + 2] = r * cs2 if isothermal else (gamma - 1.0) * (ener[i] - 0.5 * r * uu * uu)
        xg[i + 2] = 0.5 * (faces[i] + faces[i + 1])
    z0 = faces[0]
    z1 = faces[n]
    for k in range(2):
        src = 1 - k  # ghost 0 mirrors cell 1, ghost 1 mirrors cell 0
        dst = 3 - k
        xg[k] = 2 * z0 - xg[2 + src]
        xg[n + 2 + k] = 2 * z1 - xg[n + 1 - k]
        for v in range(3):
            if bc_in == 2:  # a reservoir at rest
                q[v, k] = bval[0] if v == 0 else (bval[1] if v == 2 else 0.0)
            elif bc_in == 0:
                s = -1.0 if v == 1 else 1.0
                q[v, k] = s * q[v, 2 + src]
            else:
                q[v, k] = q[v, 2]
            if bc_out == 2:
                q[v, n + 2 + k] = bval[2] if v == 0 else (bval[3] if v == 2 else 0.0)
            elif bc_out == 0:
                s = -1.0 if v == 1 else 1.0
                q[v, n + 2 + k] = s * q[v, n + 1 - k]
            else:
                q[v, n + 2 + k] = q[v, n + 1]
        _ = dst
    for i in range(n + 1):
        fg[i + 2] = faces[i]
    fg[1] = faces[0] - (faces[1] - faces[0])
    fg[n + 3] = faces[n] + (faces[n] - faces[n - 1])
    # left/right states at the n+1 physical faces
    qL = np.empty((3, n + 1))
    qR = np.empty((3, n + 1))
    if wb:
        _ghosts_wb(q, phig, phif, n, bc_in, bc_out, bval, isothermal, cs2)
    for c in range(1, n + 3):  # ghosted cells -1..n
        th = 1.0
        if wb:
            th = cs2 if isothermal else q[2, c] / q[0, c]
        for v in range(3):
            if wb and v != 1:  # perturbation of the cell's local hydrostatic equilibrium
                eL = np.exp(-(phig[c - 1] - phig[c]) / th)
                eR = np.exp(-(phig[c + 1] - phig[c]) / th)
                a = -(q[v, c - 1] - q[v, c] * eL) / (xg[c] - xg[c - 1])
                b = (q[v, c + 1] - q[v, c] * eR) / (xg[c + 1] - xg[c])
            else:
                a = (q[v, c] - q[v, c - 1]) / (xg[c] - xg[c - 1])
                b = (q[v, c + 1] - q[v, c]) / (xg[c + 1] - xg[c])
            s = _limit(a, b, limiter)
            if c <= n + 1:
                base = q[v, c]
                if wb and v != 1:
                    base *= np.exp(-(phif[c - 1] - phig[c]) / th)
                qL[v, c - 1] = base + s * (fg[c + 1] - xg[c])
            if c >= 2:
                base = q[v, c]
                if wb and v != 1:
                    base *= np.exp(-(phif[c - 2] - phig[c]) / th)
                qR[v, c - 2] = base - s * (xg[c] - fg[c])
    F = np.zeros((3, n + 1))
    for k in range(n + 1):
        rL = qL[0, k]
        uL = qL[1, k]
        pL = qL[2, k]
        rR = qR[0, k]
        uR = qR[1, k]
        pR = qR[2, k]
        if isothermal:
            a = np.sqrt(cs2)
            SL = min(uL - a, uR - a)
            SR = max(uL + a, uR + a)
            f0L = rL * uL
            f1L = rL * uL * uL + rL * cs2
            f0R = rR * uR
            f1R = rR * uR * uR + rR * cs2
            if SL >= 0:
                F[0, k] = f0L
                F[1, k] = f1L
            elif SR <= 0:
                F[0, k] = f0R
                F[1, k] = f1R
            else:
                F[0, k] = (SR * f0L - SL * f0R + SL * SR * (rR - rL)) / (SR - SL)
                F[1, k] = (SR * f1L - SL * f1R + SL * SR * (rR * uR - rL * uL)) / (SR - SL)
            continue
        aL = np.sqrt(gamma * pL / rL)
        aR = np.sqrt(gamma * pR / rR)
        EL = pL / (gamma - 1) + 0.5 * rL * uL * uL
        ER = pR / (gamma - 1) + 0.5 * rR * uR * uR
        SL = min(uL - aL, uR - aR)
        SR = max(uL + aL, uR + aR)
        Ss = (pR - pL + rL * uL * (SL - uL) - rR * uR * (SR - uR)) / (
            rL * (SL - uL) - rR * (SR - uR)
        )
        if SL >= 0:
            F[0, k] = rL * uL
            F[1, k] = rL * uL * uL + pL
            F[2, k] = (EL + pL) * uL
        elif SR <= 0:
            F[0, k] = rR * uR
            F[1, k] = rR * uR * uR + pR
            F[2, k] = (ER + pR) * uR
        elif Ss >= 0:
            fac = rL * (SL - uL) / (SL - Ss)
            F[0, k] = rL * uL + SL * (fac - rL)
            F[1, k] = rL * uL * uL + pL + SL * (fac * Ss - rL * uL)
            F[2, k] = (EL + pL) * uL + SL * (
                fac * (EL / rL + (Ss - uL) * (Ss + pL / (rL * (SL - uL)))) - EL
            )
        else:
            fac = rR * (SR - uR) / (SR - Ss)
            F[0, k] = rR * uR + SR * (fac - rR)
            F[1, k] = rR * uR * uR + pR + SR * (fac * Ss - rR * uR)
            F[2, k] = (ER + pR) * uR + SR * (
                fac * (ER / rR + (Ss - uR) * (Ss + pR / (rR * (SR - uR)))) - ER
            )
    drho = np.empty(n)
    dmom = np.empty(n)
    dener = np.zeros(n)
    for i in range(n):
        iv = 1.0 / volume[i]
        drho[i] = -(area[i + 1] * F[0, i + 1] - area[i] * F[0, i]) * iv
        dmom[i] = (
            -(area[i + 1] * F[1, i + 1] - area[i] * F[1, i]) * iv
            + q[2, i + 2] * (area[i + 1] - area[i]) * iv
            + force[i]
        )
        if not isothermal:
            dener[i] = (
                -(area[i + 1] * F[2, i + 1] - area[i] * F[2, i]) * iv + force[i] * q[1, i + 2]
            )
    return drho, dmom, dener, F


@njit(cache=True)
def _ghosts_wb(q, phig, phif, n, bc_in, bc_out, bval, isothermal, cs2):
    """Ghost density and pressure in hydrostatic equilibrium (as :func:`_ghosts_wb_np`)."""
    for side in range(2):
        bc = bc_in if side == 0 else bc_out
        g0 = 0 if side == 0 else n + 2
        cell = 2 if side == 0 else n + 1
        face = phif[0] if side == 0 else phif[n]
        for k in range(2):
            g = g0 + k
            if bc == 2:
                r0, p0 = bval[2 * side], bval[2 * side + 1]
                fac = np.exp(-(phig[g] - face) / (p0 / r0))
            else:
                r0, p0 = q[0, cell], q[2, cell]
                th = cs2 if isothermal else p0 / r0
                fac = np.exp(-(phig[g] - phig[cell]) / th)
            q[0, g] = r0 * fac
            q[2, g] = q[0, g] * cs2 if isothermal else p0 * fac


# --------------------------------------------------------------------------- solver


class EulerSolver:
    """Second-order Godunov solver of the 1D Euler equations with a force source.

    Parameters
    ----------
    grid : crescape.simulate.grid.SpatialGrid
        Cells and geometry (planar or spherical).
    gamma : float
        Adiabatic index (> 1), 5/3 by default.
    isothermal : bool
        Drop the energy equation, P = ρ c_s².
    cs_iso : float
        Isothermal sound speed [cm/s] (needed if ``isothermal``).
    limiter : {"minmod", "mc"}
    inner, outer : {"reflecting", "outflow"}
    backend : {"numba", "reference"}
    rho_floor, p_floor : float
        Floors on density [g cm^-3] and pressure [erg cm^-3]; what they add is counted in the budget.
    reservoir : (ρ_in, P_in, ρ_out, P_out)
        Ghost-cell density and pressure of ``"inflow"`` boundaries (for an isothermal gas P = ρc_s² is used).
    """

    def __init__(
        self,
        grid,
        gamma=5.0 / 3.0,
        isothermal=False,
        cs_iso=None,
        limiter="mc",
        inner="reflecting",
        outer="outflow",
        backend="numba",
        rho_floor=0.0,
        p_floor=0.0,
        reservoir=(1.0, 1.0, 1.0, 1.0),
        potential=None,
    ):
        if not gamma > 1:
            raise ValueError(f"gamma = {gamma} is not allowed: must be > 1")
        if isothermal and not (cs_iso is not None and cs_iso > 0):
            raise ValueError(
                f"cs_iso = {cs_iso} is not allowed for an isothermal gas: must be > 0 cm/s"
            )
        for name, val, table in (
            ("limiter", limiter, LIMITERS),
            ("inner", inner, BOUNDARIES),
            ("outer", outer, BOUNDARIES),
        ):
            if val not in table:
                raise ValueError(f"{name} = {val!r} is not allowed: must be one of {tuple(table)}")
        if backend not in ("numba", "reference"):
            raise ValueError(
                f"backend = {backend!r} is not allowed: must be 'numba' or 'reference'"
            )
        self.grid = grid
        self.gamma = float(gamma)
        self.isothermal = bool(isothermal)
        self.cs2 = float(cs_iso) ** 2 if isothermal else 0.0
        self.limiter = limiter
        self.inner, self.outer = inner, outer
        self.backend = backend
        self.rho_floor = float(rho_floor)
        self.p_floor = float(p_floor)
        self._codes = (LIMITERS[limiter], BOUNDARIES[inner], BOUNDARIES[outer])
        rv = np.array(reservoir, dtype=float)
        if self.isothermal:
            rv[1], rv[3] = rv[0] * self.cs2, rv[2] * self.cs2
        if rv.shape != (4,) or np.any(rv <= 0):
            raise ValueError(f"reservoir = {reservoir} is not allowed: must be 4 values > 0")
        self.bval = rv
        self.set_potential(potential)

    def set_potential(self, potential) -> None:
        """Use the hydrostatic reconstruction in the potential Φ(z) [cm² s^-2] (None: none).

        ``potential`` is a callable of the coordinate z [cm] (e.g.
        :meth:`crescape.physics.potential.GalaxyPotential.phi_axis`); it is
        evaluated once at the cell centres, the two ghost centres on each side
        and the faces. The gravitational force itself is a source term
        (:class:`crescape.simulate.coupled.gravity.Gravity`) built on the same
        local equilibria, so that an isothermal atmosphere in equilibrium stays
        at rest to round-off. The reservoirs of ``"inflow"`` boundaries then
        hold their (ρ, P) on the boundary faces, extended hydrostatically.
        """
        g = self.grid
        self.potential = potential
        if potential is None:
            self.wb = False
            self.phig = np.zeros(0)
            self.phif = np.zeros(0)
            return
        x, f = g.centres, g.faces
        xg = np.concatenate(
            [[2 * f[0] - x[1], 2 * f[0] - x[0]], x, [2 * f[-1] - x[-1], 2 * f[-1] - x[-2]]]
        )
        self.phig = np.ascontiguousarray(np.broadcast_to(potential(xg), xg.shape), dtype=float)
        self.phif = np.ascontiguousarray(np.broadcast_to(potential(f), f.shape), dtype=float)
        if not (np.all(np.isfinite(self.phig)) and np.all(np.isfinite(self.phif))):
            raise ValueError("potential is not allowed: must be finite at every cell and face")
        self.wb = True

    def hydrostatic_state(self, rho_face, P_face) -> GasState:
        """The isothermal atmosphere at rest through (ρ, P) on the inner face, in the potential.

        ρ_i = ρ_b e^{−(Φ_i − Φ_b)/θ}, P_i = θ ρ_i with θ = P_b/ρ_b (c_s² for an
        isothermal gas): the discrete equilibrium of the hydrostatic reconstruction.
        """
        if not self.wb:
            raise ValueError("hydrostatic_state needs a potential (set_potential)")
        theta = self.cs2 if self.isothermal else P_face / rho_face
        fac = hydrostatic_factor(self.phig[2:-2] - self.phif[0], theta)
        return self.state(rho_face * fac, 0.0, rho_face * theta * fac)

    # ---------------------------------------------------------------- helpers
    def state(self, rho, u, P) -> GasState:
        """A state from primitive variables (arrays broadcast to the grid)."""
        n = self.grid.n
        rho = np.array(np.broadcast_to(rho, n), dtype=float)
        u = np.array(np.broadcast_to(u, n), dtype=float)
        P = np.array(np.broadcast_to(P, n), dtype=float)
        if np.any(rho <= 0):
            raise ValueError("rho must be > 0 in every cell")
        ener = np.zeros(n) if self.isothermal else P / (self.gamma - 1) + 0.5 * rho * u**2
        return GasState(rho, rho * u, ener)

    def pressure(self, s: GasState) -> np.ndarray:
        """Gas pressure [erg cm^-3]."""
        if self.isothermal:
            return s.rho * self.cs2
        return (self.gamma - 1) * (s.ener - 0.5 * s.mom**2 / s.rho)

    def sound_speed(self, s: GasState) -> np.ndarray:
        if self.isothermal:
            return np.full_like(s.rho, np.sqrt(self.cs2))
        return np.sqrt(self.gamma * np.maximum(self.pressure(s), 0) / s.rho)

    def max_dt(self, s: GasState, cfl: float = 0.4, extra_speed=0.0) -> float:
        """CFL time step min Δz/(|u| + c_s + extra) × cfl [s]."""
        speed = np.abs(s.u) + self.sound_speed(s) + extra_speed
        return float(cfl * np.min(self.grid.dz / np.maximum(speed, 1e-300)))

    def rhs(self, rho, mom, ener, force):
        out = self._rhs(rho, mom, ener, force)
        if self.inner == "inflow" and not self.isothermal:
            self._exact_reservoir_face(out, rho, mom, ener)
        return out

    def _exact_reservoir_face(self, out, rho, mom, ener):
        """Replace the flux through the inner face by the exact Godunov flux of the Riemann
        problem between the reservoir at rest and the first cell (Toro 2009, §4.5, §6.3)."""
        g = self.grid
        u0 = mom[0] / rho[0]
        p0 = (self.gamma - 1) * (ener[0] - 0.5 * rho[0] * u0**2)
        if not p0 > 0:
            return
        r0 = rho[0]
        if self.wb:  # the first cell's equilibrium on the face, where the reservoir is defined
            fac = hydrostatic_factor(self.phif[0] - self.phig[2], p0 / r0)
            r0, p0 = r0 * fac, p0 * fac
        # in units of the reservoir (the exact solver works with pressures of order 1)
        rs, ps = self.bval[0], self.bval[1]
        us = np.sqrt(ps / rs)
        right = (r0 / rs, u0 / us, p0 / ps)
        r, u, p = _exact_state_at_face(1.0, 0.0, 1.0, *right, self.gamma)
        r, u, p = r * rs, u * us, p * ps
        E = p / (self.gamma - 1) + 0.5 * r * u * u
        Fx = np.array([r * u, r * u * u + p, (E + p) * u])
        F = out[3]
        A0, V0 = g.area[0], g.volume[0]
        dF = (Fx - F[:, 0]) * A0 / V0
        out[0][0] += dF[0]
        out[1][0] += dF[1]
        out[2][0] += dF[2]
        F[:, 0] = Fx

    def _rhs(self, rho, mom, ener, force):
        g = self.grid
        lim, bi, bo = self._codes
        args = (
            rho,
            mom,
            ener,
            g.faces,
            g.area,
            g.volume,
            force,
            self.gamma,
            self.isothermal,
            self.cs2,
            lim,
            bi,
            bo,
            self.bval,
        )
        if self.backend == "numba":
            return _rhs_fast(*args, self.wb, self.phig, self.phif)
        if self.wb:
            return rhs_reference(*args, self.phig, self.phif)
        return rhs_reference(*args)

    def _floor(self, rho, mom, ener, budget, w):
        V = self.grid.volume
        if self.rho_floor > 0:
            low = rho < self.rho_floor
            if low.any():
                budget["floor_mass"] += float(np.sum((self.rho_floor - rho[low]) * V[low])) * w
                rho = np.where(low, self.rho_floor, rho)
        if not self.isothermal and self.p_floor > 0:
            p = (self.gamma - 1) * (ener - 0.5 * mom**2 / rho)
            low = p < self.p_floor
            if low.any():
                dE = (self.p_floor - p[low]) / (self.gamma - 1)
                budget["floor_energy"] += float(np.sum(dE * V[low])) * w
                ener = ener.copy()
                ener[low] += dE
        return rho, mom, ener

    # ---------------------------------------------------------------- step
    def step(self, s: GasState, dt: float, force=None, heating=None, sources=()) -> GasState:
        """Advance by dt with SSP-RK2 (Heun); the force density is held fixed over the step.

        Parameters
        ----------
        s : GasState
            Updated in place (and returned), including the budget.
        dt : float
        force : array or None
            Force density f [dyn cm^-3] (momentum source).
        heating : array or None
            Energy source [erg cm^-3 s^-1] that replaces the work f·u of the force
            in the energy equation. None: f·u of each stage.
        sources : sequence of source terms
            Objects with ``name`` and ``rates(rho, u, P, t) -> (s_mom, s_ener)``
            [dyn cm^-3, erg cm^-3 s^-1], evaluated on each Runge–Kutta stage (so
            that work is time-centred); what each delivered per cell over the
            step, (Δt/2)(s¹ + s²) V, is left in ``self.delivered[name]`` as
            (momentum, energy) arrays. A source with ``uses_face_flux = True``
            is called as ``rates(rho, u, P, t, flux=F)`` with the stage's face
            fluxes F (3, n + 1) (not multiplied by A), e.g. to write its energy
            from the mass fluxes. The stage-averaged velocity ½(u⁰ + u¹)
            is ``self.u_bar`` and the stage-averaged face fluxes (3, n + 1)
            are ``self.face_flux``.
        """
        g = self.grid
        f = (
            np.zeros(g.n)
            if force is None
            else np.ascontiguousarray(np.broadcast_to(force, g.n), dtype=float)
        )
        b = s.budget
        rho0, mom0, ener0 = s.rho, s.mom, s.ener
        u0 = mom0 / rho0
        d1 = self.rhs(rho0, mom0, ener0, f)
        if heating is not None and not self.isothermal:
            heating = np.broadcast_to(np.asarray(heating, dtype=float), g.n)
            d1[2][:] += heating - f * u0
        t0 = s.t
        src1 = self._sources(sources, rho0, mom0, ener0, t0, d1)
        rho1 = rho0 + dt * d1[0]
        mom1 = mom0 + dt * d1[1]
        ener1 = ener0 + dt * d1[2]
        rho1, mom1, ener1 = self._floor(rho1, mom1, ener1, b, 0.5)
        u1 = mom1 / rho1
        d2 = self.rhs(rho1, mom1, ener1, f)
        if heating is not None and not self.isothermal:
            d2[2][:] += heating - f * u1
        src2 = self._sources(sources, rho1, mom1, ener1, t0 + dt, d2)
        V = g.volume
        self.delivered = {
            name: (0.5 * dt * (a[0] + b[0]) * V, 0.5 * dt * (a[1] + b[1]) * V)
            for (name, a), b in zip(src1.items(), src2.values(), strict=True)
        }
        self.u_bar = 0.5 * (u0 + u1)
        rho2 = 0.5 * (rho0 + rho1 + dt * d2[0])
        mom2 = 0.5 * (mom0 + mom1 + dt * d2[1])
        ener2 = 0.5 * (ener0 + ener1 + dt * d2[2])
        rho2, mom2, ener2 = self._floor(rho2, mom2, ener2, b, 1.0)
        # budgets: Heun averages the two stages
        F = 0.5 * (d1[3] + d2[3])
        self.face_flux = F
        A = g.area
        b["mass_in"] += A[0] * F[0, 0] * dt
        b["mass_out"] += A[-1] * F[0, -1] * dt
        b["mom_in"] += A[0] * F[1, 0] * dt
        b["mom_out"] += A[-1] * F[1, -1] * dt
        b["energy_in"] += A[0] * F[2, 0] * dt
        b["energy_out"] += A[-1] * F[2, -1] * dt
        b["force_momentum"] += float(np.sum(f * V)) * dt
        if self.isothermal:
            pass
        elif heating is not None:
            b["force_work"] += float(np.sum(heating * V)) * dt
        else:
            b["force_work"] += float(np.sum(f * 0.5 * (u0 + u1) * V)) * dt
        p0 = rho0 * self.cs2 if self.isothermal else (self.gamma - 1) * (ener0 - 0.5 * rho0 * u0**2)
        p1 = rho1 * self.cs2 if self.isothermal else (self.gamma - 1) * (ener1 - 0.5 * rho1 * u1**2)
        b["geometric_momentum"] += float(np.sum(0.5 * (p0 + p1) * np.diff(A))) * dt
        s.rho, s.mom, s.ener = rho2, mom2, ener2
        s.t += dt
        return s

    def _sources(self, sources, rho, mom, ener, t, d):
        """Add the rates of the source terms at one stage to d; return them by name."""
        out = {}
        if not sources:
            return out
        u = mom / rho
        P = rho * self.cs2 if self.isothermal else (self.gamma - 1) * (ener - 0.5 * rho * u**2)
        for src in sources:
            if getattr(src, "uses_face_flux", False):
                sm, se = src.rates(rho, u, P, t, flux=d[3])
            else:
                sm, se = src.rates(rho, u, P, t)
            sm = np.broadcast_to(np.asarray(sm, dtype=float), rho.shape)
            se = np.broadcast_to(np.asarray(se, dtype=float), rho.shape)
            if self.isothermal:
                se = np.zeros_like(rho)
            d[1][:] += sm
            d[2][:] += se
            out[src.name] = (sm, se)
        return out

    def totals(self, s: GasState) -> dict:
        """Mass, momentum and energy in the domain (Σ q V)."""
        V = self.grid.volume
        return {
            "mass": float(np.sum(s.rho * V)),
            "momentum": float(np.sum(s.mom * V)),
            "energy": float(np.sum(s.ener * V)),
        }

    def attrs(self) -> dict:
        return {
            "gas_gamma": self.gamma,
            "gas_isothermal": int(self.isothermal),
            "gas_limiter": self.limiter,
            "gas_riemann": "hll" if self.isothermal else "hllc",
            "gas_time_integrator": "ssp_rk2",
            "gas_inner": self.inner,
            "gas_outer": self.outer,
        }


# --------------------------------------------------------------------------- exact Riemann solution


@njit(cache=True)
def _fk(p, r, pk, a, g):
    if p > pk:
        A = 2.0 / ((g + 1.0) * r)
        B = (g - 1.0) / (g + 1.0) * pk
        q = np.sqrt(A / (p + B))
        return (p - pk) * q, q * (1.0 - (p - pk) / (2.0 * (B + p)))
    return (
        2.0 * a / (g - 1.0) * ((p / pk) ** ((g - 1.0) / (2.0 * g)) - 1.0),
        1.0 / (r * a) * (p / pk) ** (-(g + 1.0) / (2.0 * g)),
    )


@njit(cache=True)
def _exact_state_at_face(rL, uL, pL, rR, uR, pR, g):
    """(ρ, u, p) at x/t = 0 of the exact Riemann solution (Toro 2009, §4.2–4.5), states of order 1."""
    aL = np.sqrt(g * pL / rL)
    aR = np.sqrt(g * pR / rR)
    p = max(1e-12, 0.5 * (pL + pR))
    for _ in range(100):
        f1, d1 = _fk(p, rL, pL, aL, g)
        f2, d2 = _fk(p, rR, pR, aR, g)
        dp = (f1 + f2 + uR - uL) / (d1 + d2)
        p = max(p - dp, 1e-14)
        if abs(dp) < 1e-14 * p:
            break
    us = 0.5 * (uL + uR) + 0.5 * (_fk(p, rR, pR, aR, g)[0] - _fk(p, rL, pL, aL, g)[0])
    gm = (g - 1.0) / (g + 1.0)
    s = 0.0
    if s <= us:
        if p > pL:
            SL = uL - aL * np.sqrt((g + 1.0) / (2.0 * g) * p / pL + (g - 1.0) / (2.0 * g))
            if s <= SL:
                return rL, uL, pL
            return rL * (p / pL + gm) / (gm * p / pL + 1.0), us, p
        aLs = aL * (p / pL) ** ((g - 1.0) / (2.0 * g))
        if s <= uL - aL:
            return rL, uL, pL
        if s >= us - aLs:
            return rL * (p / pL) ** (1.0 / g), us, p
        c = 2.0 / (g + 1.0) + gm / aL * (uL - s)
        return (
            rL * c ** (2.0 / (g - 1.0)),
            2.0 / (g + 1.0) * (aL + (g - 1.0) / 2.0 * uL + s),
            pL * c ** (2.0 * g / (g - 1.0)),
        )
    if p > pR:
        SR = uR + aR * np.sqrt((g + 1.0) / (2.0 * g) * p / pR + (g - 1.0) / (2.0 * g))
        if s >= SR:
            return rR, uR, pR
        return rR * (p / pR + gm) / (gm * p / pR + 1.0), us, p
    aRs = aR * (p / pR) ** ((g - 1.0) / (2.0 * g))
    if s >= uR + aR:
        return rR, uR, pR
    if s <= us + aRs:
        return rR * (p / pR) ** (1.0 / g), us, p
    c = 2.0 / (g + 1.0) - gm / aR * (uR - s)
    return (
        rR * c ** (2.0 / (g - 1.0)),
        2.0 / (g + 1.0) * (-aR + (g - 1.0) / 2.0 * uR + s),
        pR * c ** (2.0 * g / (g - 1.0)),
    )


def exact_riemann(x, t, left, right, gamma=1.4, x0=0.0):
    """Exact solution of the Riemann problem of the Euler equations (Toro 2009, ch. 4).

    Parameters
    ----------
    x : array
        Positions.
    t : float
        Time (> 0).
    left, right : (rho, u, p)
        Initial states left and right of ``x0``.

    Returns
    -------
    (rho, u, p) arrays at ``x``.

    Notes
    -----
    The star pressure solves f_L(p) + f_R(p) + u_R − u_L = 0 (Toro Eq. 4.5)
    by Newton iteration; the sampling follows Toro §4.5.
    """
    rL, uL, pL = left
    rR, uR, pR = right
    g = gamma
    aL, aR = np.sqrt(g * pL / rL), np.sqrt(g * pR / rR)

    def fk(p, r, pk, a):
        if p > pk:
            A, B = 2 / ((g + 1) * r), (g - 1) / (g + 1) * pk
            f = (p - pk) * np.sqrt(A / (p + B))
            df = np.sqrt(A / (B + p)) * (1 - (p - pk) / (2 * (B + p)))
        else:
            f = 2 * a / (g - 1) * ((p / pk) ** ((g - 1) / (2 * g)) - 1)
            df = 1 / (r * a) * (p / pk) ** (-(g + 1) / (2 * g))
        return f, df

    p = max(1e-12, 0.5 * (pL + pR))
    for _ in range(100):
        f1, d1 = fk(p, rL, pL, aL)
        f2, d2 = fk(p, rR, pR, aR)
        dp = (f1 + f2 + uR - uL) / (d1 + d2)
        p = max(p - dp, 1e-14)
        if abs(dp) < 1e-14 * p:
            break
    us = 0.5 * (uL + uR) + 0.5 * (fk(p, rR, pR, aR)[0] - fk(p, rL, pL, aL)[0])
    xi = (np.asarray(x, dtype=float) - x0) / t
    rho = np.empty_like(xi)
    u = np.empty_like(xi)
    pr = np.empty_like(xi)
    gm = (g - 1) / (g + 1)
    for i, s in enumerate(xi):
        if s <= us:  # left of contact
            if p > pL:
                SL = uL - aL * np.sqrt((g + 1) / (2 * g) * p / pL + (g - 1) / (2 * g))
                if s <= SL:
                    rho[i], u[i], pr[i] = rL, uL, pL
                else:
                    rho[i], u[i], pr[i] = rL * (p / pL + gm) / (gm * p / pL + 1), us, p
            else:
                aLs = aL * (p / pL) ** ((g - 1) / (2 * g))
                if s <= uL - aL:
                    rho[i], u[i], pr[i] = rL, uL, pL
                elif s >= us - aLs:
                    rho[i], u[i], pr[i] = rL * (p / pL) ** (1 / g), us, p
                else:
                    c = 2 / (g + 1) + gm / aL * (uL - s)
                    rho[i] = rL * c ** (2 / (g - 1))
                    u[i] = 2 / (g + 1) * (aL + (g - 1) / 2 * uL + s)
                    pr[i] = pL * c ** (2 * g / (g - 1))
        else:
            if p > pR:
                SR = uR + aR * np.sqrt((g + 1) / (2 * g) * p / pR + (g - 1) / (2 * g))
                if s >= SR:
                    rho[i], u[i], pr[i] = rR, uR, pR
                else:
                    rho[i], u[i], pr[i] = rR * (p / pR + gm) / (gm * p / pR + 1), us, p
            else:
                aRs = aR * (p / pR) ** ((g - 1) / (2 * g))
                if s >= uR + aR:
                    rho[i], u[i], pr[i] = rR, uR, pR
                elif s <= us + aRs:
                    rho[i], u[i], pr[i] = rR * (p / pR) ** (1 / g), us, p
                else:
                    c = 2 / (g + 1) - gm / aR * (uR - s)
                    rho[i] = rR * c ** (2 / (g - 1))
                    u[i] = 2 / (g + 1) * (-aR + (g - 1) / 2 * uR + s)
                    pr[i] = pR * c ** (2 * g / (g - 1))
    return rho, u, pr
