"""Diagnostics of a coupled run: totals, the budgets against the ledger, face fluxes, energy sources.

Functions of a :class:`~crescape.simulate.coupled.simulation.CGMSimulation` (its methods of the
same names call them).
"""

from __future__ import annotations

import numpy as np

from ..boundaries import PrescribedFlux
from ..field import magnetic_pressure
from .exchange import energy_per_cell

__all__ = ["totals", "budgets", "face_fluxes", "cr_supplied", "energy_sources", "status_history"]


def totals(sim) -> dict:
    """Mass, momentum, energies and CR number in the domain (per unit A)."""
    V = sim.grid.volume
    t = sim.solver.totals(sim.state.gas)
    t["cr_energy"] = float(np.sum(energy_per_cell(sim.g, sim.pgrid.energy, sim.pgrid.dy, V)))
    t["field_energy"] = float(np.sum(magnetic_pressure(sim.state.dB) * V))
    t["cr_number"] = sim.transport.number(sim.g)
    return t


def budgets(sim) -> dict:
    """Residuals of the four budgets, the energy sources by name, and the corrections.

    ``*_residual``: (change of the total − sum of its sources in the ledger) over a
    scale (the initial mass; the sum of the absolute momentum sources; the CR energy
    supplied plus the absolute gas energy fluxes; the particles that entered).
    ``corrections``: what floors added and what could not be paid, relative to the
    CR energy supplied (the run requires < 1e-6).
    """
    now, ini, L = sim.totals(), sim.initial, sim.ledger
    out = {}
    out["mass_residual"] = (now["mass"] - ini["mass"] - L.sources("mass")) / ini["mass"]
    mom = L.entries["momentum"]
    scale = sum(abs(v) for v in mom.values()) or 1.0
    out["momentum_residual"] = (now["momentum"] - ini["momentum"] - L.sources("momentum")) / scale
    etot = lambda d: d["energy"] + d["cr_energy"] + d["field_energy"]  # noqa: E731
    en = L.entries["energy"]
    supply = sim.cr_supplied()
    scale = (
        supply
        + abs(en.get("gas_in", 0.0))
        + abs(en.get("gas_out", 0.0))
        + ini["cr_energy"]
        + ini["field_energy"]
    ) or 1.0
    out["energy_residual"] = (
        (etot(now) - etot(ini) - L.sources("energy")) / scale
        if not sim.config.isothermal
        else float("nan")
    )
    num = L.entries["number"]
    nscale = sum(abs(v) for v in num.values()) or max(ini["cr_number"], 1e-300)
    out["cr_number_residual"] = (now["cr_number"] - ini["cr_number"] - L.sources("number")) / nscale
    corr = L.corrections("energy")
    out["corrections"] = float(sum(abs(v) for v in corr.values())) / (supply or scale)
    return out


def face_fluxes(sim) -> dict:
    """Total fluxes through the faces over the last step (per unit A of the geometry).

    ``mass`` = ρu; ``momentum`` = ρu² + P + (A P_CR + A δB²/8π)/A on the faces (the
    face values of the pressure forces); ``energy`` = the gas energy flux + the CR energy
    flux (the transport's Σ E F Δy plus the CR pressure work flux Φ/(AΔt)) + the
    Poynting flux 2uW. ``energy_sink`` is the energy of the CRs that left the momentum
    grid in the last step (per unit time and A, cumulated from the inner face).

    The gas fluxes are those of the last step (stage averages); the CR flux is
    evaluated from the state at the end of the step, not from the sub-steps of the
    transport, so the energy flux is a diagnostic: in a steady state ``mass`` and
    ``momentum`` are constant along the domain, ``energy`` + ``energy_sink`` only to
    the accuracy of that evaluation (~10% near the boundary on coarse grids).
    """
    A = sim.grid.area
    F = sim.solver.face_flux
    E, dy = sim.pgrid.energy, sim.pgrid.dy
    dt = float(sim.state.aux.get("last_dt", 0.0)) or 1.0
    sim.set_transport(sim.state)
    if isinstance(sim.inner, PrescribedFlux):
        sim.inner.flux = sim.phi.copy()
        sim.transport._bv_cache = None
    Fcr = sim.transport.flux(sim.g, sim.t) @ (E * dy)
    W = magnetic_pressure(sim.state.dB)
    W_in = magnetic_pressure(sim.seed_dB)
    uf = sim.u_faces
    Wup = np.where(uf > 0, np.concatenate([[W_in], W]), np.concatenate([W, [W_in]]))
    mom = F[1] + (sim.cr_force.AP + sim.field_force.AP) / np.where(A > 0, A, 1.0)
    en = F[2] + Fcr + sim.cr_face_work(dt) / (np.where(A > 0, A, 1.0) * dt) + 2 * uf * Wup
    edge = getattr(sim, "last_edge_energy", np.zeros(sim.grid.n))
    sink = np.concatenate([[0.0], np.cumsum(-edge)]) / (np.where(A > 0, A, 1.0) * dt)
    return {"mass": F[0], "momentum": mom, "energy": en, "energy_sink": sink}


def cr_supplied(sim) -> float:
    """CR energy supplied through the halo boundary, injected + pressure work there."""
    en = sim.ledger.entries["energy"]
    return en.get("cr_injected", 0.0) + en.get("cr_pressure_work_inner", 0.0)


def energy_sources(sim) -> dict:
    """Where the energy came from and went (ledger entries, relative to the CR energy supplied)."""
    s = sim.cr_supplied() or 1.0
    return {k: v / s for k, v in sim.ledger.entries["energy"].items()}


def status_history(sim) -> dict:
    """Per-step history of the field status (see :data:`.operators.STATUS`)."""
    names = sim.status_names
    h = np.array(sim.history, dtype=float).reshape(-1, 3 + len(names))
    tot = sim.status_time @ sim.grid.volume
    return {
        "t": h[:, 0],
        "dt": h[:, 1],
        "inner": h[:, 2].astype(int),
        "cells": h[:, 3:].astype(int),
        "names": names,
        "time_fraction": tot / (tot.sum() or 1.0),
    }
