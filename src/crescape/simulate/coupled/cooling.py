"""Radiative cooling of the gas of the coupled run, integrated exactly.

The cooling function is the CIE Λ_N(T) of Sutherland & Dopita (1993, ApJS 88, 253,
Table 6), shipped as ``crescape/data/files/cooling_sd93_cie.ecsv`` for [Fe/H] from
"nil" (H and He only) to +0.5 (:func:`sd93_cooling_function`; the interpolation and the
exact integral are :class:`crescape.physics.cooling.CoolingFunction`). The gas loses
internal energy at the rate L = n_e n_t Λ_N(T) [erg cm^-3 s^-1] (Λ_net = n_e n_t Λ_N, the definition in the notes distributed with the SD93 tables) with the
densities of a fully ionised H + He gas (:func:`crescape.physics.cooling.cooling_densities`)
and T = μ m_p P/(ρ k_B). At fixed density and momentum (the operator-split step) the
temperature obeys dT/dt = −aΛ_N(T), a = (γ − 1) n_e n_t/(n k_B), n = n_e + n_t, which is
integrated exactly (Townsend 2009, ApJS 181, 391): unconditionally stable. The energy
removed is reported to the ledger as ``radiative_cooling``.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from ... import constants as C
from ...physics.cooling import METALLICITIES, CoolingFunction, cooling_densities
from .operators import Operator

__all__ = ["sd93_cooling_function", "RadiativeCooling", "add_cooling"]


def sd93_cooling_function(feh: str = "0.0") -> CoolingFunction:
    """The CIE Λ_N(T) of Sutherland & Dopita (1993, Table 6) for [Fe/H] = ``feh``
    (a key of :data:`crescape.physics.cooling.METALLICITIES`), from the shipped table."""
    lt, ll = _table(feh)
    return CoolingFunction(lt, ll, f"Sutherland & Dopita (1993) CIE, [Fe/H] = {feh}")


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
        The step keeps the temperature change of every cell below ``courant`` × T, so that
        the splitting stays accurate (0: no limit; the step itself is exact for any Δt).
        A cell can lose at most T − T_min (the table stops at T_min): where that is below
        ``courant`` × T it sets no limit; elsewhere the limit is ``courant`` × T/|dT/dt|
        (:meth:`limits`).
    """

    name = "radiative_cooling"

    def __init__(self, solver, X_H, feh="0.0", courant=0.2):
        if solver.isothermal:
            from ...errors import ParameterError

            raise ParameterError(
                "cooling = 'sd93' is not allowed with isothermal = true: "
                "must be used with an adiabatic gas (an isothermal gas has no energy equation)"
            )
        self.solver = solver
        self.X_H = float(X_H)
        self.function = sd93_cooling_function(feh)
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
        """``cooling``: ``courant`` × T/|dT/dt| over the cells that can still lose more than
        ``courant`` × T before reaching T_min (a cell within that of T_min cannot change by
        more, whatever the step: limiting by (T − T_min)/|dT/dt| would stall the run there)."""
        if self.courant <= 0:
            return {}
        T, a, _ = self._thermo(state.gas)
        rate = a * self.function(T)
        live = (rate > 0) & (T - self.function.T_min > self.courant * T)
        if not live.any():
            return {}
        tc = float(np.min(T[live] / rate[live]))
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
        return {"cooling_function": self.function.label}


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
