"""Radiative cooling of a gas in collisional ionisation equilibrium (cgs floats).

A tabulated normalised cooling function Λ_N(T) [erg cm³ s^-1] (Sutherland & Dopita 1993,
ApJS 88, 253; Λ_net = n_e n_t Λ_N as defined in the notes distributed with their tables),
interpolated linearly in log Λ against log T (a power law on each interval), extended above the table by the power law of its last
interval (free-free, as the table's notes advise) and zero below its first temperature;
its integral Y(T) = ∫_{T_min}^{T} dT'/Λ_N, closed-form on each interval, and the inverse,
which give the exact isochoric cooling step of Townsend (2009, ApJS 181, 391): with
dT/dt = −aΛ_N(T), Y falls by aΔt.

The table itself is data, shipped as ``crescape/data/files/cooling_sd93_cie.ecsv`` and read
by :mod:`crescape.simulate.coupled.cooling`.
"""

from __future__ import annotations

import numpy as np

from .. import constants as C
from ._typing import ArrayLike, FloatArray
from .instability import mean_molecular_weight

__all__ = ["METALLICITIES", "CoolingFunction", "cooling_densities"]

#: [Fe/H] of each column of the shipped Sutherland & Dopita (1993) Table 6, and its suffix
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


class CoolingFunction:
    """Λ_N(T) [erg cm³ s^-1], a power law on each interval of a table, and its integral Y(T).

    Parameters
    ----------
    log_T, log_Lambda : arrays
        log10 T [K] (increasing) and log10 Λ_N [erg cm³ s^-1] of the table.
    label : str
        What the table is (kept for the output attributes).
    """

    def __init__(self, log_T, log_Lambda, label: str = ""):
        self.label = label
        lt = np.asarray(log_T, dtype=float)
        ll = np.asarray(log_Lambda, dtype=float)
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


def cooling_densities(rho: ArrayLike, X_H: float) -> tuple[FloatArray, FloatArray, float]:
    """(n_e, n_t, μ) of a fully ionised H + He gas of hydrogen mass fraction X_H [cm^-3]."""
    Y = 1.0 - X_H
    n = np.asarray(rho, dtype=float) / C.m_p
    return (X_H + 0.5 * Y) * n, (X_H + 0.25 * Y) * n, mean_molecular_weight(X_H)
