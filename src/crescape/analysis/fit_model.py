"""The full-spectrum CGM model, tabulated once per fit: fast enough for likelihood fits.

:class:`crescape.spectra.CGMEmission` (KAB06 pp spectra, neutrino oscillations, the
halo geometry, γγ absorption on the CMB) costs 10-35 ms per likelihood evaluation
(ν at the IceCube bins and γ at the IGRB bands, depending on the machine's load).
A fit evaluates it 10⁴-10⁶ times, so :class:`FullSpectrumTable` splits it into

* an exact prefactor that carries δ_G and L_CR (and the normalisation of every
  spectrum),

  .. math::

      A(\\theta) = n_{\\rm target}(\\delta_G)\\,
      \\frac{\\phi(E_*)}{{\\rm shape}(E_*)}\\,\\frac{1}{\\tilde v_A},

  the target density of Eq. (16) (:func:`crescape.physics.cgm_source.target_density`),
  the escaping flux of Eq. (3) over its unnormalised shape
  (:func:`crescape.physics.escape.escape_flux`,
  :func:`crescape.physics.spectrum.spectral_shape`; the ratio is the same at every
  energy E_*) and the advection speed of Eq. (15) in the field of Eq. (8)
  (:func:`crescape.physics.cgm_source.advection_speed`, the field taken at the energy
  of :func:`crescape.physics.cgm_source.field_energy`, by default where E²φ peaks, as in
  :class:`~crescape.spectra.CGMEmission`): the proton density of
  Eq. (15) is A/n_target × shape(E), and the emission is linear in the target
  density and in the proton density;
* the response to the shape, S(E; s, E_max) = E²F(E)/A, which depends on the CR
  slope s and the cutoff E_max only. It is computed with the direct model on a
  grid of the free shape parameters over the prior box (s in steps of at most
  :data:`SLOPE_STEP`, log10 E_max in steps of at most :data:`LOG_EMAX_STEP`) and
  on a fixed grid in log E (:data:`POINTS_PER_DECADE`), then interpolated with
  cubic Lagrange polynomials in (s, log10 E_max, log E) of ln S, limited: clamped to
  the range of the four stencil values, and linear where the stencil reaches the
  floor of the table (a spectrum cut off at E_max, where a cubic would ring).

So E²F(E; θ) = A(θ) S(E; s, E_max) reproduces the direct model up to the
interpolation, which the tests bound (:data:`TOLERANCE`); each evaluation is an
interpolation of a table and costs far below a millisecond. The table is built
once per fit (a second for one free shape parameter, ≈ 20 s for slope and
E_max together over the default prior box).

The break of the source spectrum (:mod:`crescape.physics.spectrum`: ``E_break``,
``slope_high``) adds two more shape axes, s₂ in steps of at most
:data:`SLOPE_HIGH_STEP` and log10 E_break in steps of at most :data:`LOG_EBREAK_STEP`
(coarser than the others, and s too in a table with a break axis, in steps of
:data:`SLOPE_HIGH_STEP`: a table of s × s₂ × E_break over the default boxes is
13 × 21 × 15 direct evaluations of ≈ 50 ms each). The response to a break is smooth in both (the pp quadratures are
split at the break, :func:`crescape.physics.pp.emissivity`), and the tests bound its
interpolation by :data:`TOLERANCE_BREAK`. The stencil of every axis is gathered at
once (4^k values per energy node), so an evaluation with three shape axes stays
well below a millisecond.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import astropy.units as u
import numpy as np

from .. import constants as C
from ..params import ParameterError, Parameters

__all__ = [
    "FullSpectrumTable",
    "SLOPE_STEP",
    "LOG_EMAX_STEP",
    "SLOPE_HIGH_STEP",
    "LOG_EBREAK_STEP",
    "TOLERANCE_BREAK",
    "POINTS_PER_DECADE",
    "NU_RANGE",
    "GAMMA_RANGE",
    "TOLERANCE",
    "shape_prefactor",
    "describe_field_energy",
]

#: largest grid step of the CR slope s
SLOPE_STEP = 0.05
#: largest grid step of log10(E_max / GeV)
LOG_EMAX_STEP = 0.1
#: largest grid step of the index above the break, s₂
SLOPE_HIGH_STEP = 0.1
#: largest grid step of log10(E_break / GeV)
LOG_EBREAK_STEP = 0.2
#: energy nodes per decade of the tabulated spectra
POINTS_PER_DECADE = 16
#: energy ranges of the tables [GeV]: neutrinos (IceCube to the UHE limits), γ rays (the IGRB)
NU_RANGE = (1e2, 1e12)
GAMMA_RANGE = (5e-2, 2e3)
#: the largest relative difference from the direct model that the tests allow (bin means,
#: band integrals and chi2 over the prior box)
TOLERANCE = 2e-3
#: the same for tables with the break axes (coarser grids; measured: 1.8e-3 on the 2025 bins,
#: 1.3e-3 on the IGRB bands, 7e-5 on chi2 over s 1.8-2.6, s2 2.2-3.6, log10 E_break 3-5.8)
TOLERANCE_BREAK = 3e-3
#: ln S is floored at this many e-folds below the largest value of the table (no -inf)
_LN_FLOOR = 230.0


def shape_prefactor(p, field_energy="peak") -> np.ndarray:
    """A(θ) = n_target φ(E_*)/shape(E_*)/ṽ_A, vectorised over parameter sets.

    Eqs. (3), (8), (15), (16): the target density, the normalisation of the escaping
    flux (its value over the unnormalised spectral shape) and the advection speed in
    the saturated field. ``p`` is a :class:`~crescape.params.Parameters` or its cgs
    namespace (:attr:`Parameters.cgs`), whose values may be arrays (one parameter set
    per element). E_* = 10 E_min lies inside the spectrum for every allowed E_max.
    ``field_energy``: the energy of the field in ṽ_A, 'peak' or an energy [erg]
    (:func:`crescape.physics.cgm_source.field_energy`, as ``E_ref`` of
    :class:`~crescape.spectra.CGMEmission`, whose proton density this reproduces).
    """
    from ..physics import cgm_source
    from ..physics.escape import escape_flux
    from ..physics.instability import gas_density
    from ..physics.spectrum import spectral_shape

    p = p.cgs if isinstance(p, Parameters) else p
    spec = (p.L_CR, p.R_d, p.slope, p.E_min, p.E_max, p.cutoff)
    brk = (p.E_break, p.slope_high)
    rho = gas_density(p.delta_G, p.Omega_b_h2, p.rho_cr_h2)
    n_t = cgm_source.target_density(p.delta_G, p.Omega_b_h2, p.rho_cr_h2, p.X_H, "paper")
    E_f = cgm_source.field_energy(field_energy, p.slope, p.E_min, p.E_max, p.cutoff, *brk)
    if np.any(np.isfinite(p.E_break)):
        # with a break: φ/shape = L/(2π R_d² Λ) (Eq. 3), Λ once; ṽ_A in the field of Eq. (8)
        # at E_f from φ(E_f) = that times shape(E_f), as CGMEmission
        from ..physics.instability import alfven_speed
        from ..physics.saturation import B_sat
        from ..physics.spectrum import energy_norm

        norm = p.L_CR / (
            2.0 * np.pi * p.R_d**2 * energy_norm(p.slope, p.E_min, p.E_max, p.cutoff, *brk)
        )
        phi_f = norm * spectral_shape(E_f, p.slope, p.E_min, p.E_max, p.cutoff, *brk)
        v_A = alfven_speed(B_sat(E_f**2 * phi_f), rho)
        return np.asarray(n_t * norm / v_A, dtype=float)
    E_star = 10.0 * np.asarray(p.E_min, dtype=float)
    norm = escape_flux(E_star, *spec) / spectral_shape(E_star, p.slope, p.E_min, p.E_max, p.cutoff)
    v_A = cgm_source.advection_speed(*spec, rho, E_f)  # the field at E_f, as CGMEmission
    return np.asarray(n_t * norm / v_A, dtype=float)


def describe_field_energy(field_energy: str | float) -> str:
    """The field-energy convention of ṽ_A in words, for the fit's outputs."""
    if isinstance(field_energy, str):
        return (
            "peak: the field of Eq. (8) where E^2 phi of the escaping spectrum peaks "
            "(E_min for s >= 2, E_break for s < 2 < s2; cgm_source.field_energy)"
        )
    return f"fixed: the field of Eq. (8) at E = {field_energy / C.GeV:g} GeV"


def _axis(lo: float, hi: float, step: float) -> np.ndarray:
    n = max(4, int(math.ceil((hi - lo) / step - 1e-9)) + 1)
    return np.linspace(lo, hi, n)


def _cubic(x: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices (m, 4), weights (m, 4) of 4-point Lagrange interpolation on a uniform grid, and
    the linear-interpolation weights (m, 4) on the two stencil nodes that bracket x.

    The stencil is shifted inside the grid at its ends (extrapolation is clipped to the grid).
    """
    x = np.clip(np.asarray(x, dtype=float), grid[0], grid[-1])
    h = grid[1] - grid[0]
    n = grid.size
    i0 = np.clip(np.floor((x - grid[0]) / h).astype(int) - 1, 0, n - 4)
    idx = i0[:, None] + np.arange(4)[None, :]
    t = (x[:, None] - grid[idx]) / h  # position relative to each node, in steps
    # Lagrange basis on nodes 0..3 at u = (x - x_i0)/h
    u_ = t[:, 0]
    w = np.stack(
        [
            -(u_ - 1) * (u_ - 2) * (u_ - 3) / 6.0,
            u_ * (u_ - 2) * (u_ - 3) / 2.0,
            -u_ * (u_ - 1) * (u_ - 3) / 2.0,
            u_ * (u_ - 1) * (u_ - 2) / 6.0,
        ],
        axis=1,
    )
    j = np.clip(np.floor(u_).astype(int), 0, 2)  # the bracketing interval within the stencil
    f = np.clip(u_ - j, 0.0, 1.0)
    wl = np.zeros_like(w)
    rows = np.arange(x.size)
    wl[rows, j] = 1.0 - f
    wl[rows, j + 1] = f
    return idx, w, wl


def _limited(y: np.ndarray, w: np.ndarray, wl: np.ndarray, cut: float, axis: int) -> np.ndarray:
    """The cubic interpolation of stencil values ``y`` along ``axis`` (4 long), limited:

    linear between the bracketing nodes where the stencil touches the floor of the table
    (a cut-off spectrum: a cubic through the drop to the floor rings), and clamped to the
    range of the stencil values elsewhere (no overshoot).
    """
    cub = np.sum(y * w, axis=axis)
    lin = np.sum(y * wl, axis=axis)
    lo, hi = np.min(y, axis=axis), np.max(y, axis=axis)
    return np.where(lo <= cut, lin, np.clip(cub, lo, hi))


class FullSpectrumTable:
    """E²F of :class:`crescape.spectra.CGMEmission` for a fit's free parameters, tabulated.

    Parameters
    ----------
    base : Parameters
        The fixed parameters (the free ones are replaced).
    free : sequence of (name, log10, lo, hi)
        The free parameters and their prior boxes in fit variables; the shape
        parameters ``slope``, ``E_max`` (log10 GeV), ``slope_high`` and ``E_break``
        (log10 GeV) become table axes, ``delta_G`` and ``L_CR`` enter the exact
        prefactor. ``eta`` does not enter the full model.
    species : sequence of str
        The species tabulated (``"nu_all"``, ``"gamma"``).
    field_energy : 'peak' or float
        The energy of the field of Eq. (8) in ṽ_A: 'peak' (default) or an energy [erg]
        (:func:`crescape.physics.cgm_source.field_energy`); the prefactor and the direct
        model of the table use it alike (it cancels in the response S).

    Raises
    ------
    ParameterError
        If ``eta`` is free (the full spectra have no η).
    """

    AXES = ("slope", "E_max", "slope_high", "E_break")
    #: the largest grid step of each axis (in its fit variable)
    STEPS = {
        "slope": SLOPE_STEP,
        "E_max": LOG_EMAX_STEP,
        "slope_high": SLOPE_HIGH_STEP,
        "E_break": LOG_EBREAK_STEP,
    }
    #: the axes in log10 GeV
    LOG_AXES = ("E_max", "E_break")

    def __init__(
        self,
        base: Parameters,
        free: Sequence[tuple[str, bool, float, float]],
        species: Sequence[str] = ("nu_all", "gamma"),
        field_energy: str | float = "peak",
    ):
        from ..physics.cgm_source import check_field_energy

        check_field_energy(field_energy)
        self.field_energy = field_energy
        names = [f[0] for f in free]
        if "eta" in names:
            raise ParameterError(
                "free = eta is not allowed with the full-spectrum model: the KAB06 spectra have "
                "no eta (it belongs to the delta-function Eq. 16); use model='eq17'"
            )
        self.base = base
        self.free = list(free)
        self.axes: list[tuple[str, np.ndarray]] = []
        steps = dict(self.STEPS)
        if {"slope_high", "E_break"} & set(names):  # a break table: s as coarse as s₂
            steps["slope"] = SLOPE_HIGH_STEP
        for name, _log, lo, hi in self.free:
            if name in self.AXES:
                self.axes.append((name, _axis(lo, hi, steps[name])))
        #: slope_high follows slope (the base has none of its own) when only slope is free
        self._tied = base.galaxy.slope_high is None and "slope_high" not in names
        rng = {"nu_all": NU_RANGE, "gamma": GAMMA_RANGE}
        self.lnE: dict[str, np.ndarray] = {}
        for sp in species:
            a, b = (math.log10(x) for x in rng[sp])
            n = int(round((b - a) * POINTS_PER_DECADE)) + 1
            self.lnE[sp] = np.linspace(a, b, n) * math.log(10.0)
        self._cut: dict[str, float] = {}
        self._e_stencils: dict = {}
        self.tables = self._build()

    # ----------------------------------------------------------------------- building
    def _grid_params(self, values: dict[str, float]) -> Parameters:
        ch = dict(values)
        for name in self.LOG_AXES:
            if name in ch:
                ch[name] = 10.0 ** ch[name] * u.GeV
        return self.base.replace(**ch) if ch else self.base

    def _build(self) -> dict[str, np.ndarray]:
        from ..spectra import CGMEmission

        shape = [ax.size for _, ax in self.axes]
        out = {sp: np.empty((*shape, lnE.size)) for sp, lnE in self.lnE.items()}
        for idx in np.ndindex(*shape) if shape else [()]:
            vals = {name: float(ax[i]) for (name, ax), i in zip(self.axes, idx, strict=True)}
            p = self._grid_params(vals)
            A = float(shape_prefactor(p, self.field_energy))
            m = CGMEmission(p, E_ref=self._E_ref_arg())
            for sp, lnE in self.lnE.items():
                sed = m.sed(np.exp(lnE) * u.GeV, sp).to_value(u.Unit("GeV / (cm2 s sr)"))
                out[sp][idx] = sed / A
        for sp, t in out.items():
            with np.errstate(divide="ignore"):
                lt = np.log(t)
            top = np.nanmax(lt[np.isfinite(lt)])
            out[sp] = np.maximum(np.nan_to_num(lt, nan=-np.inf), top - _LN_FLOOR)
            self._cut[sp] = top - 0.9 * _LN_FLOOR
        return out

    def _E_ref_arg(self):
        """:attr:`field_energy` as the ``E_ref`` of :class:`~crescape.spectra.CGMEmission`."""
        fe = self.field_energy
        return fe if isinstance(fe, str) else fe * u.erg

    # ----------------------------------------------------------------------- evaluation
    def _shape_values(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """The fit variables of the table axes, (n,) each."""
        names = [f[0] for f in self.free]
        return {name: theta[:, names.index(name)] for name, _ in self.axes}

    def ln_response(self, species: str, theta: np.ndarray, E_GeV: np.ndarray) -> np.ndarray:
        """ln S(E) for fit vectors ``theta`` (n, k), shape (n, len(E))."""
        theta = np.atleast_2d(theta)
        n = theta.shape[0]
        t = self.tables[species]
        cut = self._cut[species]
        k = len(self.axes)
        lnE_t = self.lnE[species]
        x = np.log(np.asarray(E_GeV, dtype=float))
        if x.min() < lnE_t[0] - 1e-9 or x.max() > lnE_t[-1] + 1e-9:
            raise ParameterError(
                f"E = {np.exp(x.min()):.3g}-{np.exp(x.max()):.3g} GeV is outside the tabulated "
                f"{species} range {np.exp(lnE_t[0]):.3g}-{np.exp(lnE_t[-1]):.3g} GeV"
            )
        key = (species, x.tobytes())
        if key not in self._e_stencils:  # the energies of a likelihood are the same every call
            if len(self._e_stencils) > 16:
                self._e_stencils.clear()
            idx, w, wl = _cubic(x, lnE_t)
            need, pos = np.unique(idx, return_inverse=True)  # the table's ln E nodes used
            self._e_stencils[key] = (need, pos.reshape(idx.shape), w, wl)
        need, pos, w, wl = self._e_stencils[key]
        stencils = self._stencils(theta)
        if k:
            # the 4^k stencil of every row at once, at the needed ln E nodes: (n, 4, ..., 4, m)
            index = tuple(
                st[0].reshape(n, *(4 if j == i else 1 for j in range(k)), 1)
                for i, st in enumerate(stencils)
            )
            cur = t[(*index, need.reshape((1,) * (k + 1) + (-1,)))]
        else:
            cur = np.broadcast_to(t[..., need], (n, need.size))
        # contract the parameter axes, one at a time: (n, 4, rest..., m) -> (n, rest..., m)
        for _idx, ws, wls in stencils:
            extra = (1,) * (cur.ndim - 2)
            cur = _limited(cur, ws.reshape(n, 4, *extra), wls.reshape(n, 4, *extra), cut, axis=1)
        # cur: (n, m); interpolate in ln E
        return _limited(cur[:, pos], w[None, :, :], wl[None, :, :], cut, axis=-1)

    def _stencils(self, theta: np.ndarray) -> list:
        """The interpolation stencils of the table axes for ``theta`` (the last one is kept:
        the ν and γ spectra of one likelihood evaluation share them)."""
        last = getattr(self, "_last_stencils", None)
        if last is not None and last[0].shape == theta.shape and np.array_equal(last[0], theta):
            return last[1]
        vals = self._shape_values(theta)
        st = [_cubic(vals[name], ax) for name, ax in self.axes]
        self._last_stencils = (theta.copy(), st)
        return st

    def cgs_of(self, theta: np.ndarray):
        """The cgs namespace of the base parameters with the rows of ``theta`` (n, k) put in
        (each free value an array (n,)); no :class:`~crescape.params.Parameters` is built."""
        from types import SimpleNamespace

        from ..params import SPECS

        theta = np.atleast_2d(theta)
        p = vars(self.base.cgs).copy()
        for i, (name, log, _lo, _hi) in enumerate(self.free):
            v = 10.0 ** theta[:, i] if log else theta[:, i]
            if name not in self._cgs_factor:
                self._cgs_factor[name] = float((1.0 * SPECS[name].unit).cgs.value)
            p[name] = v * self._cgs_factor[name]
        if self._tied:  # no slope_high of its own: it is the slope (Galaxy)
            p["slope_high"] = p["slope"]
        return SimpleNamespace(**p)

    _cgs_factor: dict[str, float] = {}

    def prefactor(self, theta: np.ndarray) -> np.ndarray:
        """A(θ) for fit vectors (n, k), shape (n,); the last one is kept (ν and γ share it)."""
        theta = np.atleast_2d(theta)
        last = getattr(self, "_last", None)
        if last is not None and last[0].shape == theta.shape and np.array_equal(last[0], theta):
            return last[1]
        A = np.broadcast_to(
            np.asarray(shape_prefactor(self.cgs_of(theta), self.field_energy), dtype=float),
            (theta.shape[0],),
        )
        self._last = (theta.copy(), A)
        return A

    def sed(self, species: str, theta: np.ndarray, E_GeV) -> np.ndarray:
        """E²F [GeV cm^-2 s^-1 sr^-1] = A(θ) S(E; θ) for fit vectors ``theta`` (n, k)."""
        A = self.prefactor(theta)[:, None]
        return A * np.exp(self.ln_response(species, theta, E_GeV))

    def describe(self) -> dict[str, object]:
        return {
            "method": "exact prefactor (delta_G, L_CR) x tabulated response to the CR shape, "
            "cubic Lagrange interpolation of ln S in (s, log10 E_max, s2, log10 E_break, ln E)",
            "axes": {name: [float(ax[0]), float(ax[-1]), int(ax.size)] for name, ax in self.axes},
            "points_per_decade": POINTS_PER_DECADE,
            "field_energy": describe_field_energy(self.field_energy),
            "tolerance_vs_direct": TOLERANCE_BREAK
            if any(name in ("slope_high", "E_break") for name, _ in self.axes)
            else TOLERANCE,
        }
