"""Radiative cooling of the gas in collisional ionisation equilibrium, integrated exactly.

The cooling function is the CIE Λ_N(T) of Sutherland & Dopita (1993, ApJS 88, 253,
Table 6), shipped as ``crescape/data/files/cooling_sd93_cie.ecsv`` for [Fe/H] from
"nil" (H and He only) to +0.5. The gas loses internal energy at the rate

    L = n_e n_t Λ_N(T)   [erg cm^-3 s^-1]          (SD93, §2: Λ_net = n_e n_t Λ_N)

with the electron and ion densities of a fully ionised gas of hydrogen mass fraction X and
helium Y = 1 − X (metals neglected in the densities): n_e = (X + Y/2) ρ/m_p,
n_t = (X + Y/4) ρ/m_p, and T = μ m_p P/(ρ k_B) with 1/μ = 2X + 3Y/4
(:func:`crescape.physics.instability.mean_molecular_weight`).

Λ_N is interpolated linearly in log Λ against log T (a power law on each interval of the
table), extended above the table's 10^8.5 K by the power law of its last interval (free-free,
as the table's notes advise) and set to zero below its 10^4 K (no cooling below the table).

At fixed density and momentum (the operator-split cooling step) the temperature obeys
dT/dt = −a Λ_N(T) with a = (γ − 1) n_e n_t/(n k_B), n = n_e + n_t, so that
Y(T) = ∫_{T_min}^{T} dT'/Λ_N(T') falls by a Δt exactly; Y is closed-form on each power-law
interval and is inverted interval by interval: the exact integration of Townsend (2009,
ApJS 181, 391, §2–3), unconditionally stable and exact for the interpolated Λ_N. The energy
removed is reported to the ledger as ``radiative_cooling``.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from ... import constants as C
from ...physics.instability import mean_molecular_weight
from .operators import Operator

__all__ = ["METALLICITIES", "CoolingFunction", "RadiativeCooling", "cooling_densities"]

#: column suffix of each [Fe/H] in the shipped table
METALLICITIES = {
    "nil": "nil",
    "-3.0": "m30",
    "-2.0": "m20",
    "-1.5": "m15",
    "-1.0": "m10",
    "-0.5": "m05",
    "0.0": "00",
    "+0.5": "p05",
}


def _table(feh: str):
    from astropy.table import Table

    from ...errors import ParameterError

    if feh not in METALLICITIES:
        raise ParameterError(
            f"metallicity = {feh!r} is not allowed: must be one of {', '.join(METALLICITIES)}"
        )
    ref = resources.files("crescape.data").joinpath("files/cooling_sd93_cie.ecsv")
    with resources.as_file(ref) as p:
        t = Table.read(p, format="ascii.ecsv")
    return np.asarray(t["log_T"], dtype=float), np.asarray(
        t[f"log_Lambda_N_{METALLICITIES[feh]}"], dtype=float
    )


class CoolingFunction:
    """Λ_N(T) [erg cm³ s^-1], piecewise power law through the SD93 table, and its integral Y(T).

    Parameters
    ----------
    feh : str
        [Fe/H], a key of :data:`METALLICITIES` (default solar, "0.0").
    """

    def __init__(self, feh: str = "0.0"):
        self.feh = feh
        lt, ll = _table(feh)
        self.T = 10.0**lt
        self.L = 10.0**ll
        self.T_min = float(self.T[0])
        # slope of each interval, the last one continued above the table
        self.alpha = np.diff(ll) / np.diff(lt)
        # Y at the nodes: Y_k = ∫_{T_0}^{T_k} dT/Λ
        seg = self._segment_integral(np.arange(self.T.size - 1), self.T[1:])
        self.Y = np.concatenate([[0.0], np.cumsum(seg)])

    def _segment_integral(self, k, T):
        """∫_{T_k}^{T} dT'/Λ on interval k (Λ = Λ_k (T/T_k)^α_k)."""
        Tk, Lk, a = self.T[k], self.L[k], self.alpha[k]
        x = np.log(T / Tk)
        one = np.abs(1.0 - a) < 1e-12
        b = np.where(one, 1.0, 1.0 - a)
        return Tk / Lk * np.where(one, x, np.expm1(b * x) / b)

    def _interval(self, T):
        return np.clip(np.searchsorted(self.T, T, side="right") - 1, 0, self.T.size - 2)

    def __call__(self, T):
        """Λ_N(T); zero below the table."""
        T = np.asarray(T, dtype=float)
        k = self._interval(T)
        lam = self.L[k] * (T / self.T[k]) ** self.alpha[k]
        return np.where(T >= self.T_min, lam, 0.0)

    def integral(self, T):
        """Y(T) = ∫_{T_min}^{T} dT'/Λ_N(T') [K s erg^-1 cm^-3] (0 at and below T_min)."""
        T = np.maximum(np.asarray(T, dtype=float), self.T_min)
        k = self._interval(T)
        return self.Y[k] + self._segment_integral(k, T)

    def inverse(self, Y):
        """T with Y(T) = Y (T_min for Y ≤ 0)."""
        Y = np.asarray(Y, dtype=float)
        k = np.clip(np.searchsorted(self.Y, Y, side="right") - 1, 0, self.T.size - 2)
        Tk, Lk, a = self.T[k], self.L[k], self.alpha[k]
        dY = np.maximum(Y - self.Y[k], 0.0) * Lk / Tk
        one = np.abs(1.0 - a) < 1e-12
        b = np.where(one, 1.0, 1.0 - a)
        x = np.where(one, dY, np.log1p(np.maximum(b * dY, -1.0 + 1e-300)) / b)
        return np.where(Y > 0.0, Tk * np.exp(x), self.T_min)

    def cool(self, T0, a, dt):
        """The temperature after Δt of isochoric cooling dT/dt = −aΛ_N(T), exactly (Townsend 2009)."""
        return self.inverse(self.integral(T0) - np.asarray(a) * dt)


def cooling_densities(rho, X_H):
    """(n_e, n_t, μ) of a fully ionised H + He gas of hydrogen mass fraction X_H [cm^-3]."""
    Y = 1.0 - X_H
    n = np.asarray(rho, dtype=float) / C.m_p
    return (X_H + 0.5 * Y) * n, (X_H + 0.25 * Y) * n, mean_molecular_weight(X_H)


class RadiativeCooling(Operator):
    """The cooling step of the gas: exact isochoric integration in each cell, paid by the gas.

    Parameters
    ----------
    solver : crescape.simulate.gas.EulerSolver
        For γ and the pressure of the state (an isothermal gas cannot cool: refused).
    X_H : float
        Hydrogen mass fraction.
    feh : str
        [Fe/H] of the cooling function (:data:`METALLICITIES`).
    courant : float
        The step limit is ``courant`` × the shortest cooling time (T − T_min)/|dT/dt|
        (0: no limit; the step is exact for any Δt, the limit keeps the splitting accurate).
    """

    name = "radiative_cooling"

    def __init__(self, solver, X_H, feh="0.0", courant=0.2):
        if solver.isothermal:
            raise ValueError("radiative cooling is not allowed with an isothermal gas")
        self.solver = solver
        self.X_H = float(X_H)
        self.function = CoolingFunction(feh)
        self.courant = float(courant)

    def _thermo(self, gas):
        ne, nt, mu = cooling_densities(gas.rho, self.X_H)
        P = self.solver.pressure(gas)
        T = mu * C.m_p * P / (gas.rho * C.k_B)
        a = (self.solver.gamma - 1.0) * ne * nt / ((ne + nt) * C.k_B)
        return T, a, ne + nt

    def cooling_time(self, gas):
        """(T − T_min)/(aΛ_N(T)) per cell [s] (inf where the gas does not cool)."""
        T, a, _ = self._thermo(gas)
        rate = a * self.function(T)
        return np.where(rate > 0, (T - self.function.T_min) / np.where(rate > 0, rate, 1.0), np.inf)

    def limits(self, state):
        if self.courant <= 0:
            return {}
        tc = float(np.min(self.cooling_time(state.gas)))
        return {"cooling": self.courant * tc} if np.isfinite(tc) and tc > 0 else {}

    def energy_lost(self, gas, dt):
        """Cool ``gas`` in place over Δt; return the internal energy removed per cell [erg cm^-3]."""
        T0, a, n = self._thermo(gas)
        T1 = self.function.cool(T0, a, dt)
        dE = n * C.k_B * np.maximum(T0 - T1, 0.0) / (self.solver.gamma - 1.0)
        gas.ener = gas.ener - dE
        return dE

    def advance(self, state, dt, ledger):
        dE = self.energy_lost(state.gas, dt)
        ledger.add("energy", self.name, -float(np.sum(dE * self.solver.grid.volume)))

    def attrs(self):
        return {"cooling_function": f"Sutherland & Dopita (1993) CIE, [Fe/H] = {self.function.feh}"}


def add_cooling(sim, feh="0.0", courant=0.2) -> RadiativeCooling:
    """Add the cooling step to a coupled run, right after its gas step; return the operator."""
    op = RadiativeCooling(sim.solver, float(sim.params.cgs.X_H), feh, courant)
    ops = [o for o in sim.stepper.operators if o.name != op.name]
    i = next(k for k, o in enumerate(ops) if o.name == "gas")
    ops.insert(i + 1, op)
    sim.stepper.operators = ops
    sim.ops = ops
    sim.cooling = op
    return op
