"""1.5D MHD driven by a fixed cosmic-ray current: Bell's nonresonant instability on a grid.

The gas moves along x, parallel to the mean field B0 x̂, and carries transverse
velocities and fields (Gaussian units, periodic box of length L):

    ∂ρ/∂t    + ∂_x(ρu_x)                                   = 0,
    ∂(ρu_x)/∂t + ∂_x(ρu_x² + P + B²/8π − B_x²/4π)          = 0,
    ∂(ρu_⊥)/∂t + ∂_x(ρu_x u_⊥ − B_x B_⊥/4π)               = F_⊥,
    ∂B_⊥/∂t   + ∂_x(u_x B_⊥ − u_⊥ B_x)                    = 0,
    ∂E/∂t     + ∂_x[(E + P + B²/8π) u_x − B_x (u·B)/4π]   = u·F,

with E = P/(γ−1) + ρu²/2 + B²/8π, B_x = B0 constant (∂_x B_x = 0 in 1D), and
⊥ = y, z. In the isothermal option P = ρ c_s² and the energy equation is dropped.

The CR force (Bell 2004, MNRAS 353, 550, Eqs. 5–8). The cosmic rays carry a
fixed current J_CR = J x̂ that the plasma compensates: the current in the
thermal plasma is j_th = (c/4π)∇×B − J_CR (the return current −J_CR plus the
current that supports the perturbed field), so the Lorentz force on the gas is

    (1/c) j_th × B = (1/4π)(∇×B)×B − (1/c) J_CR × B,

and the CR term is the external force density

    F = −(1/c) J_CR × B = −(J/c) x̂ × δB,   F_y = +(J/c) B_z,   F_z = −(J/c) B_y

(B0 x̂ drops out). In the ideal-MHD field E = −u×B/c, the field does work
−E·J_CR = (1/c) J_CR·(u×B) = u·F on the gas plus field, which is the source of
the total-energy equation above. Writing b = B_y + i B_z and F_y + iF_z = −i (J/c) b,
small perturbations ∝ exp[i(kx − ωt)] obey ω² = k²v_A² − k k_c v_A² with
k_c = 4πJ/(cB0), v_A = B0/√(4πρ) (Bell 2004, the cold relation of
:func:`crescape.physics.dispersion.dispersion_modes` with σ = 0): the helicity
B_y + iB_z ∝ e^{ikx}, k > 0 (called "right" here, as in :mod:`~crescape.physics.dispersion`)
grows for 0 < k < k_c at the rate γ = v_A√(k(k_c − k)), fastest γ = k_c v_A/2 at
k = k_c/2; the opposite helicity (B_y + iB_z ∝ e^{−ikx}, "left") is a stable
wave with ω² = k²v_A² + k k_c v_A².

Scheme: finite volumes on a uniform periodic grid; piecewise-linear
reconstruction of the primitive variables (ρ, u_x, u_y, u_z, B_y, B_z, P) with the
minmod or monotonised-central limiter (the gas solver's, :mod:`crescape.simulate.gas`),
or unlimited central slopes for smooth linear runs (``limiter="none"``);
HLL fluxes (Harten, Lax & van Leer 1983; Toro 2009, §10.3) with the fast
magnetosonic signal speeds of Davis (1988) (Toro 2009, Eq. 10.48, with the fast
speed in place of the sound speed), or the HLLD fluxes of
Miyoshi & Kusano (2005), J. Comput. Phys. 208, 315, which resolve the Alfvén and
contact waves (``riemann="hlld"``; for the isothermal gas the isothermal HLLD of
Mignone 2007, J. Comput. Phys. 225, 1427, which resolves the Alfvén waves); the CR
force and its work evaluated on the cell averages at each stage; second-order
strong-stability-preserving Runge–Kutta in time (Heun; Shu & Osher 1988). The
momentum and energy given by the CR force are accumulated with the same Runge–Kutta
weights as the state, so that in the periodic box Σ ρu and ΣE change by exactly the
recorded impulse and work.

Options beyond the fixed current: the CR current's linear response σ(k r_L)
(``cr_energy``, :meth:`BellMHD.cr_source`), the same σ as
:mod:`crescape.physics.dispersion`, applied mode by mode on the periodic box; and
the Hall term (``hall=True``, :meth:`BellMHD.hall_step`), with the local density (the
exact mean-density step in Fourier space plus a finite-volume correction), Strang-split
with the Runge–Kutta step. The kernels live in :mod:`crescape.simulate.mhd_kernels`.

The scheme is a set of operators of the coupled framework (:mod:`crescape.simulate.mhd_ops`:
the flux update with the CR force, the Hall step), composed by the coupled
:class:`~crescape.simulate.coupled.splitting.SplitStepper` (:meth:`BellMHD.stepper`), with
the CR impulse and work in a :class:`~crescape.simulate.coupled.ledger.Ledger`;
:class:`BellMHD` is the set-up (seeding, linear relation, totals).

Two implementations of the same scheme: :func:`rhs_reference` (numpy, readable)
and the numba kernel ``_rhs_fast`` (``backend="numba"``); the tests compare them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import constants as C
from ..errors import ParameterError
from ..units import to_cgs
from .coupled.ledger import Ledger
from .mhd_kernels import (  # noqa: F401  (the kernels' private names stay importable here)
    MHD_LIMITERS,
    VARIABLES,
    _conserved_np,
    _cr_source_np,
    _fast_speed_np,
    _flux_np,
    _hlld_flux,
    _primitive_np,
    _rhs_fast,
    _state_flux,
    rhs_reference,
)
from .mhd_ops import IMPULSE, WORK, HallOperator, MHDFluxOperator

__all__ = [
    "MHDState",
    "BellMHD",
    "rhs_reference",
    "mode_amplitude",
    "fit_growth_rate",
    "linear_growth_run",
    "VARIABLES",
]

_FOURPI = 4.0 * np.pi
_EIGHTPI = 8.0 * np.pi


@dataclass
class MHDState:
    """Conserved variables per cell (rows of :data:`VARIABLES`, cgs, Gaussian B), the clock, a ledger.

    ``ledger`` (:class:`crescape.simulate.coupled.ledger.Ledger`) holds, per unit area
    [cgs], the cumulative x-, y- and z-momentum and the energy that the CR current has
    given the gas and field (entries :data:`crescape.simulate.mhd_ops.IMPULSE` and
    ``WORK``); :attr:`budget` reads them under the names ``impulse_x``, ``impulse_y``,
    ``impulse_z`` and ``work``. ``steps`` counts steps; ``aux`` holds what the stepper keeps
    between steps (the last step).
    """

    U: np.ndarray
    t: float = 0.0
    ledger: Ledger = field(default_factory=Ledger)
    steps: int = 0
    aux: dict = field(default_factory=dict)

    def copy(self) -> MHDState:
        return MHDState(self.U.copy(), self.t, self.ledger.copy(), self.steps, dict(self.aux))

    @property
    def step(self) -> int:
        """The step count (the name the stepper and the run observers read)."""
        return self.steps

    def set_time(self, t: float) -> None:
        self.t = float(t)

    def set_step(self, n: int) -> None:
        self.steps = int(n)

    @property
    def budget(self) -> dict:
        """The CR impulse (``impulse_x``, ``_y``, ``_z``) and ``work`` from the ledger [cgs per area]."""
        out = {f"impulse_{ax}": self.ledger.get(*e) for ax, e in zip("xyz", IMPULSE, strict=True)}
        out["work"] = self.ledger.get(*WORK)
        return out

    @property
    def rho(self) -> np.ndarray:
        return self.U[0]

    @property
    def u(self) -> np.ndarray:
        """Velocity (3, N) [cm/s]."""
        return self.U[1:4] / self.U[0]

    @property
    def B_perp(self) -> np.ndarray:
        """Transverse field (2, N) [G]."""
        return self.U[4:6]

    def to_arrays(self) -> dict:
        """The state as named arrays (for a checkpoint)."""
        out = {"U": self.U, "t": np.float64(self.t), "step": np.int64(self.steps)}
        out.update({f"aux_{k}": np.asarray(v) for k, v in self.aux.items()})
        out.update(self.ledger.to_arrays())
        return out

    @classmethod
    def from_arrays(cls, a: dict) -> MHDState:
        aux = {k[4:]: np.array(a[k]) for k in a if k.startswith("aux_")}
        aux = {k: (float(v) if v.ndim == 0 else v) for k, v in aux.items()}
        return cls(
            np.array(a["U"], dtype=float), float(a["t"]), Ledger.from_arrays(a), int(a["step"]), aux
        )


# --------------------------------------------------------------------------- solver


def _positive(name, value, unit, allow_zero=False):
    v = float(to_cgs(name, value, unit))
    if not (v > 0 or (allow_zero and v == 0)):
        rng = ">= 0" if allow_zero else "> 0"
        raise ParameterError(f"{name} = {v:g} {unit} is not allowed: must be {rng}")
    return v


class BellMHD:
    """1.5D MHD in a periodic box with a fixed CR current J x̂ along B0 x̂ (module docstring).

    Parameters
    ----------
    n_cells : int
        Number of cells (>= 8).
    length : float or Quantity [cm]
        Box length L (> 0).
    B0 : float or Quantity [G]
        Parallel field B_x (> 0).
    rho : float or Quantity [g cm^-3]
        Density of the uniform initial state (> 0).
    J : float or Quantity [statA cm^-2]
        CR current density along +x (>= 0), carried by the CRs and compensated by
        the plasma's return current (Bell 2004).
    sound_speed : float or Quantity [cm/s]
        Initial sound speed (> 0): adiabatic √(γP/ρ), or the isothermal c_s.
    gamma : float
        Adiabatic index (1 < γ <= 3; default 5/3).
    isothermal : bool
        Drop the energy equation, P = ρ c_s².
    limiter : {"mc", "minmod", "none"}
        Slope limiter of the reconstruction (``"none"``: unlimited central slopes, the
        linear scheme, for smooth linear runs: the limiters' clipping at extrema makes
        harmonics of a seeded mode, which the fastest mode then amplifies).
    backend : {"numba", "numpy"}
        Fast kernel or the readable reference (:func:`rhs_reference`).
    riemann : {"hll", "hlld"}
        Face fluxes: HLL (default) or HLLD (Miyoshi & Kusano 2005; for the isothermal gas
        the isothermal HLLD of Mignone 2007, J. Comput. Phys. 225, 1427).
    cfl : float
        Courant number (0 < cfl <= 0.8) of the fast-wave step; the step is also
        kept below ``cfl``/(k_c v_A,max), the CR-force time.
    cr_energy : float, Quantity [erg] or None
        Energy E of the lowest-energy current-carrying CRs, r_L = E/(eB0) (> 0). None
        (default): no CR response, σ = 0 (Bell's fixed current). Otherwise the
        CR current responds to the transverse field mode by mode with the σ of
        :mod:`crescape.physics.dispersion` (see :meth:`response_factor`).
    cr_slope : float or None
        Index s of the current spectrum dJ/dE ∝ E^-s (1 < s <= 10, default 2, the
        paper's escaping flux); None for CRs of one energy (Bell 2004, Eq. 10).
    cr_spectrum : {"power_law", "one_energy", "drifting_p4"}
        The current's spectrum: the power law of ``cr_slope`` (default; ``cr_slope=None``
        means one energy), one energy, or an isotropic f ∝ p^-4 drifting through the
        plasma (Amato & Blasi 2009; :func:`crescape.physics.dispersion.drifting_p4_complement`,
        ``cr_slope`` unused).
    cr_energy_max : float, Quantity [erg]
        Highest energy of the current spectrum (> cr_energy, default ∞).
    hall : bool
        Add the Hall term (ion inertia, the electrons carry the return current),
        with the ion inertial length d_i = v_A/Ω_i of the initial state
        (:meth:`hall_step`).
    hall_density : {"local", "mean"}
        Density n of the Hall field j_th × B/(nec): each cell's (default; the exact step with
        the box mean plus a finite-volume correction, :class:`~.mhd_ops.HallOperator`), or
        the box mean alone (the exact spectral step).

    Raises
    ------
    ParameterError
        On any value outside the ranges above.

    Examples
    --------
    >>> sim = BellMHD(64, 1.0, 1.0, 1.0, J=0.0, sound_speed=1.0)
    >>> s = sim.uniform_state()
    >>> round(float(sim.totals(s)["mass"]), 12)
    1.0
    """

    def __init__(
        self,
        n_cells,
        length,
        B0,
        rho,
        J,
        sound_speed,
        gamma=5.0 / 3.0,
        isothermal=False,
        limiter="mc",
        backend="numba",
        cfl=0.4,
        riemann="hll",
        cr_energy=None,
        cr_slope=2.0,
        cr_energy_max=np.inf,
        hall=False,
        cr_spectrum="power_law",
        hall_density="local",
    ):
        if isinstance(n_cells, bool) or not isinstance(n_cells, (int, np.integer)) or n_cells < 8:
            raise ParameterError(f"n_cells = {n_cells!r} is not allowed: must be an integer >= 8")
        self.n = int(n_cells)
        self.L = _positive("length", length, "cm")
        self.B0 = _positive("B0", B0, "G")
        self.rho0 = _positive("rho", rho, "g / cm3")
        self.J = _positive("J", J, "statA / cm2", allow_zero=True)
        self.cs0 = _positive("sound_speed", sound_speed, "cm / s")
        v_A = self.B0 / np.sqrt(4.0 * np.pi * self.rho0)
        if not v_A < C.c:
            raise ParameterError(
                f"B0 = {self.B0:g} G and rho = {self.rho0:g} g/cm3 are not allowed: their Alfvén "
                f"speed {v_A / 1e5:.3g} km/s must be below the speed of light (non-relativistic MHD)"
            )
        if not self.cs0 < C.c:
            raise ParameterError(
                f"sound_speed = {self.cs0 / 1e5:g} km/s is not allowed: must be below the speed of "
                "light (non-relativistic MHD)"
            )
        g = float(gamma)
        if not (1.0 < g <= 3.0):
            raise ParameterError(f"gamma = {gamma!r} is not allowed: must be in (1, 3]")
        self.gamma = g
        self.isothermal = bool(isothermal)
        if limiter not in MHD_LIMITERS:
            raise ParameterError(
                f"limiter = {limiter!r} is not allowed: must be one of {sorted(MHD_LIMITERS)}"
            )
        self.limiter = limiter
        if riemann not in ("hll", "hlld"):
            raise ParameterError(f"riemann = {riemann!r} is not allowed: must be 'hll' or 'hlld'")
        self.riemann = riemann
        if backend not in ("numba", "numpy"):
            raise ParameterError(
                f"backend = {backend!r} is not allowed: must be 'numba' or 'numpy'"
            )
        self.backend = backend
        c = float(cfl)
        if not (0.0 < c <= 0.8):
            raise ParameterError(f"cfl = {cfl!r} is not allowed: must be in (0, 0.8]")
        self.cfl = c
        self.dx = self.L / self.n
        self.x = (np.arange(self.n) + 0.5) * self.dx
        self.Jc = self.J / C.c
        self.cs2 = self.cs0**2
        self._out = np.empty((7, self.n))
        self._src = np.empty((7, self.n))
        if cr_spectrum not in ("power_law", "one_energy", "drifting_p4"):
            raise ParameterError(
                f"cr_spectrum = {cr_spectrum!r} is not allowed: must be 'power_law', "
                "'one_energy' or 'drifting_p4'"
            )
        if cr_spectrum == "one_energy":
            cr_slope = None
        self.cr_spectrum = "one_energy" if cr_slope is None else cr_spectrum
        self._init_response(cr_energy, cr_slope, cr_energy_max)
        self.hall = bool(hall)
        if hall_density not in ("local", "mean"):
            raise ParameterError(
                f"hall_density = {hall_density!r} is not allowed: must be 'local' or 'mean'"
            )
        self.hall_density = hall_density

    def _init_response(self, cr_energy, cr_slope, cr_energy_max):
        """Check the CR-response options and tabulate 1 − σ per Fourier index (or None)."""
        from ..physics.dispersion import _check_slope, _complement, drifting_p4_complement

        if cr_energy is None:
            self.cr_energy, self.cr_slope, self.cr_energy_max = None, cr_slope, cr_energy_max
            self.response = None
            return
        self.cr_energy = _positive("cr_energy", cr_energy, "erg")
        emax = (
            np.inf
            if cr_energy_max is None or (np.isscalar(cr_energy_max) and np.isinf(cr_energy_max))
            else float(to_cgs("cr_energy_max", cr_energy_max, "erg"))
        )
        if not emax > self.cr_energy:
            raise ParameterError(
                f"cr_energy_max = {emax:g} erg is not allowed: must be > cr_energy = "
                f"{self.cr_energy:g} erg"
            )
        self.cr_energy_max = emax
        drifting = self.cr_spectrum == "drifting_p4"
        self.cr_slope = None if (cr_slope is None or drifting) else float(_check_slope(cr_slope))
        m = np.fft.fftfreq(self.n, 1.0 / self.n)
        x = 2.0 * np.pi * np.abs(m) / self.L * self.larmor_radius
        mult = np.zeros(self.n, dtype=complex)
        nz = m != 0  # m = 0: the current follows the uniform field, 1 − σ(0) = 0
        t_max = self.cr_energy_max / self.cr_energy
        if drifting:
            mult[nz] = drifting_p4_complement(x[nz], t_max)
        else:
            mult[nz] = _complement(x[nz], self.cr_slope, t_max)
        # b = B_y + iB_z ∝ e^{ikx}: σ(|k| r_L) for both signs of k (the protons gyrate one
        # way in this representation; docs/mhd.md); dispersion_modes writes the left mode as
        # B_y − iB_z ∝ e^{i(kx − ωt)}, hence its σ* and ω_L = −ω*
        self.response = mult

    # derived scales ------------------------------------------------------
    @property
    def k_c(self) -> float:
        """k_c = 4πJ/(cB0) [cm^-1] (Bell 2004; the paper's k_max, Eq. 5)."""
        return _FOURPI * self.J / (C.c * self.B0)

    @property
    def v_A(self) -> float:
        """v_A = B0/√(4πρ) of the initial state [cm/s]."""
        return self.B0 / np.sqrt(_FOURPI * self.rho0)

    @property
    def gamma_max(self) -> float:
        """Bell's fastest cold growth rate k_c v_A/2 [s^-1] (Bell 2004)."""
        return 0.5 * self.k_c * self.v_A

    @property
    def larmor_radius(self) -> float:
        """r_L = E/(eB0) [cm] of the lowest-energy current-carrying CRs (``cr_energy``), or NaN."""
        return np.nan if self.cr_energy is None else self.cr_energy / (C.e * self.B0)

    @property
    def kc_rL(self) -> float:
        """ζ = k_c r_L, how far the current is above the threshold of the nonresonant branch."""
        return self.k_c * self.larmor_radius

    @property
    def ion_inertial_length(self) -> float:
        """d_i = v_A/Ω_i [cm] of the initial state, Ω_i = eB0/(m_p c)."""
        from ..physics.thermal import ion_cyclotron_frequency

        return self.v_A / float(ion_cyclotron_frequency(self.B0))

    def response_factor(self, m) -> complex:
        """1 − σ of Fourier index m (b = B_y + iB_z ∝ e^{2πimx/L}); 1 without the CR response.

        σ(|k| r_L) is :func:`crescape.physics.dispersion.sigma_complement` (power law)
        or the one-energy K of Bell (2004, Eq. 10), the same function as in
        :func:`~crescape.physics.dispersion.dispersion_modes`; m < 0 (left helicity)
        has the same σ(|k| r_L) (in b the protons gyrate one way; :mod:`~crescape.physics.dispersion`
        writes the left mode as the conjugate field, hence its σ*), and m = 0 gives 0.
        """
        if self.response is None:
            return 1.0 + 0j
        return complex(self.response[int(m) % self.n])

    def wavenumber(self, m: int) -> float:
        """k = 2π m/L [cm^-1] of Fourier index m."""
        return 2.0 * np.pi * m / self.L

    # states ----------------------------------------------------------------
    def uniform_state(self) -> MHDState:
        """Gas at rest, ρ = rho, B = B0 x̂, pressure from sound_speed."""
        n = self.n
        W = np.zeros((7, n))
        W[0] = self.rho0
        W[6] = self.rho0 * self.cs2 / (1.0 if self.isothermal else self.gamma)
        return MHDState(_conserved_np(W, self.B0, self.gamma, self.isothermal))

    def linear_frequency(self, m: int, polarisation: str = "right", rho=None) -> complex:
        """ω [s^-1] of the growing (or, if stable, one) root for k = 2πm/L, this run's physics.

        :func:`crescape.physics.dispersion.dispersion_modes` with the run's CR response
        (``cr_energy``, ``cr_slope``, ``cr_energy_max``; σ = 0 without it) and Hall term, at
        the density ``rho`` (default: the initial one), in the convention of this solver:
        b = B_y + iB_z ∝ e^{i(±kx − ωt)}. ``dispersion_modes`` writes the left mode as
        B_y − iB_z ∝ e^{i(kx − ω_L t)}, so here ω = −ω_L* (same growth rate, opposite real
        part). Without a current (J = 0) the Alfvén wave ω = k v_A (the Hall correction is
        then left out). For the drifting p^-4 spectrum, which ``dispersion_modes`` does not
        take, the same quadratic (its ``_solve_modes``) with ``drifting_p4_complement``.
        """
        from ..physics.dispersion import _solve_modes, dispersion_modes

        self._check_polarisation(polarisation)
        rho = self.rho0 if rho is None else float(rho)
        k = self.wavenumber(m)
        if self.J == 0.0:
            return complex(k * self.B0 / np.sqrt(_FOURPI * rho))
        resp = self.cr_energy is not None
        if resp and self.cr_spectrum == "drifting_p4":
            from ..physics.thermal import ion_cyclotron_frequency

            oms = self.response_factor(m if polarisation == "right" else -m)
            modes = _solve_modes(
                k,
                self.k_c,
                self.B0**2 / (_FOURPI * rho),
                np.array(oms),
                Omega=float(ion_cyclotron_frequency(self.B0)),
                hall=self.hall,
            )
            om = complex(modes[polarisation])
            return om if polarisation == "right" else -om.conjugate()
        om = complex(
            dispersion_modes(
                k,
                self.J,
                self.B0,
                rho,
                self.cr_energy if resp else 1.0,
                slope=self.cr_slope,
                E_max=self.cr_energy_max,
                cr_response=resp,
                hall=self.hall,
            )[polarisation]
        )
        return om if polarisation == "right" else -om.conjugate()

    def _eigenmode(self, m, a, polarisation, phase, rho):
        """(u_y + iu_z, B_y + iB_z) of one eigenmode of the linear relation (see :meth:`seed_mode`)."""
        k = self.wavenumber(m)
        sign = 1.0 if polarisation == "right" else -1.0
        om = self.linear_frequency(m, polarisation, rho)
        b = a * self.B0 * np.exp(1j * (sign * k * self.x + phase))
        if om == 0:  # k = k_c: the marginal mode, B alone is a steady state
            return np.zeros_like(b), b
        mult = self.response_factor(m if sign > 0 else -m)
        # ρ ω u = −(κ B0/4π − (J/c)(1 − σ)) b, κ = ±k (the momentum equation, linearised)
        return -(sign * k - self.k_c * mult) * self.B0 * b / (_FOURPI * rho * om), b

    def _add_perturbation(self, state, du, b):
        W = _primitive_np(state.U, self.B0, self.gamma, self.isothermal, self.cs2)
        W[2] += du.real
        W[3] += du.imag
        W[4] += b.real
        W[5] += b.imag
        out = state.copy()
        out.U = _conserved_np(W, self.B0, self.gamma, self.isothermal)
        return out

    def _check_polarisation(self, polarisation):
        if polarisation not in ("right", "left"):
            raise ParameterError(
                f"polarisation = {polarisation!r} is not allowed: must be 'right' or 'left'"
            )

    def _check_m(self, name, m):
        if not (isinstance(m, (int, np.integer)) and 1 <= m < self.n // 2):
            raise ParameterError(
                f"{name} = {m!r} is not allowed: must be an integer in [1, {self.n // 2 - 1}]"
            )

    def seed_mode(
        self, state: MHDState, m: int, amplitude: float, polarisation: str = "right", phase=0.0
    ) -> MHDState:
        """Add one circularly polarised eigenmode of the cold relation, δB/B0 = amplitude.

        ``"right"``: B_y + iB_z = a B0 e^{i(kx + phase)}, k = 2πm/L > 0 (unstable for k < k_c);
        ``"left"``: B_y + iB_z = a B0 e^{i(−kx + phase)}. The velocity is the eigenvector
        u_y + iu_z = −(κ − k_c) B0 b/(4πρω), κ = ±k, with ω from
        :func:`crescape.physics.dispersion.dispersion_modes` (σ = 0, Bell 2004).
        The energy is raised by the perturbation's kinetic and magnetic energy (P unchanged).
        With the CR response or the Hall term, ω is the root of that relation
        (:meth:`linear_frequency`) and k_c becomes k_c (1 − σ) (:meth:`response_factor`).
        """
        self._check_polarisation(polarisation)
        self._check_m("m", m)
        a = float(amplitude)
        if not (np.isfinite(a) and a > 0):
            raise ParameterError(
                f"amplitude = {amplitude!r} is not allowed: must be finite and > 0"
            )
        rho = float(np.mean(state.U[0]))
        du, b = self._eigenmode(m, a, polarisation, float(phase), rho)
        return self._add_perturbation(state, du, b)

    def seed_noise(
        self, state: MHDState, amplitude: float, m_max: int, seed=0, polarisations=("right", "left")
    ) -> MHDState:
        """Add the eigenmodes m = 1 … m_max of each polarisation with random phases.

        Each mode has δB/B0 = amplitude/√(number of modes), so that the rms
        δB/B0 is ``amplitude``; the velocity of each is its eigenvector (:meth:`seed_mode`).
        """
        self._check_m("m_max", m_max)
        for p in polarisations:
            self._check_polarisation(p)
        a = float(amplitude)
        if not (np.isfinite(a) and a > 0):
            raise ParameterError(
                f"amplitude = {amplitude!r} is not allowed: must be finite and > 0"
            )
        rng = np.random.default_rng(seed)
        rho = float(np.mean(state.U[0]))
        am = a / np.sqrt(m_max * len(polarisations))
        du = np.zeros(self.n, complex)
        b = np.zeros(self.n, complex)
        for p in polarisations:
            for m in range(1, m_max + 1):
                dui, bi = self._eigenmode(m, am, p, rng.uniform(0, 2 * np.pi), rho)
                du += dui
                b += bi
        return self._add_perturbation(state, du, b)

    # stepping ----------------------------------------------------------------
    def primitive(self, state: MHDState) -> np.ndarray:
        """(ρ, u_x, u_y, u_z, B_y, B_z, P) per cell."""
        return _primitive_np(state.U, self.B0, self.gamma, self.isothermal, self.cs2)

    def max_dt(self, state: MHDState) -> float:
        """cfl dx / max(|u_x| + c_f), and cfl/(k_c v_A,max) for the CR force [s]: the smallest
        limit of :meth:`operators` (:meth:`MHDFluxOperator.limits <.mhd_ops.MHDFluxOperator.limits>`)."""
        lim = {}
        for op in self.operators():
            lim.update(op.limits(state))
        return min(lim.values())

    def cr_source(self, U) -> np.ndarray:
        """CR force density and its work (7, N) with the CR current's linear response.

        The CR current is J_CR = J x̂ + δj, δj_y + iδj_z = (J/B0) F^-1[σ_m b_m] (the part of the
        current that follows the perturbed field lines, Bell 2004, Eqs. 8-10; b_m the
        Fourier amplitudes of b = B_y + iB_z, σ_m = 1 − :meth:`response_factor`). The force
        on the plasma, which carries the return current, is F = −(1/c) J_CR × B:

            F_y + iF_z = −i (J/c) F^-1[(1 − σ_m) b_m],   F_x = −(1/c)(δj_y B_z − δj_z B_y),

        and its work u·F is the energy source (module docstring). Without the response
        this is the kernels' F = −(J/c) x̂ × B.
        """
        if self.response is None:
            return _cr_source_np(U, self.Jc, self.isothermal)
        b = U[4] + 1j * U[5]
        bh = np.fft.fft(b)
        f = self.cr_force_perp(b)
        dj = (self.J / self.B0) * np.fft.ifft((1.0 - self.response) * bh)
        S = np.zeros_like(U)
        S[1] = -(dj.real * U[5] - dj.imag * U[4]) / C.c
        S[2] = f.real
        S[3] = f.imag
        if not self.isothermal:
            S[6] = (U[1] * S[1] + U[2] * S[2] + U[3] * S[3]) / U[0]
        return S

    def cr_force_perp(self, b) -> np.ndarray:
        """F_y + iF_z = −i (J/c) F^-1[(1 − σ_m) b_m] [dyn cm^-3] of b = B_y + iB_z (:meth:`cr_source`;
        without the response −i (J/c) b, the kernels' F = −(J/c) x̂ × B)."""
        if self.response is None:
            return -1j * self.Jc * b
        return -1j * self.Jc * np.fft.ifft(self.response * np.fft.fft(b))

    def rhs(self, U):
        """(dU/dt, CR source) with the chosen backend."""
        if self.response is not None:
            Jc, self.Jc = self.Jc, 0.0
            try:
                out, _ = self._rhs_backend(U)
            finally:
                self.Jc = Jc
            S = self.cr_source(U)
            return out + S, S
        return self._rhs_backend(U)

    def _rhs_backend(self, U):
        if self.backend == "numpy":
            return rhs_reference(
                U,
                self.dx,
                self.B0,
                self.Jc,
                self.gamma,
                self.isothermal,
                self.cs2,
                self.limiter,
                self.riemann,
            )
        out, src = np.empty_like(U), np.empty_like(U)
        _rhs_fast(
            U,
            self.dx,
            self.B0,
            self.Jc,
            self.gamma,
            self.isothermal,
            self.cs2,
            MHD_LIMITERS[self.limiter],
            out,
            src,
            1 if self.riemann == "hlld" else 0,
        )
        return out, src

    def hall_step(self, state: MHDState, dt: float) -> MHDState:
        """Advance the Hall part of the induction equation over dt (a copy of ``state``).

        With massless electrons that carry the plasma current j_th = (c/4π)∇×B − J_CR, the
        field is frozen into the electrons, E = −u×B/c + j_th × B/(n e c) (the generalised
        Ohm's law of Hall MHD, e.g. Huba 2003, Lect. Notes Phys. 615, 166, here with the CR
        current in j_th). In 1.5D j_th × B/c is the force density g = (B0/4π)∂_x b + F_⊥ on
        the plasma (b = B_y + iB_z, F_y + iF_z of :meth:`cr_force_perp`), the Hall field is
        E_y + iE_z = g/(ne), and the Hall part of the induction equation is

            ∂_t b = −i (c/e) ∂_x (g/n),   n = ρ/m_p.

        With the box-mean density n̄ it is linear with constant coefficients, exact mode by
        mode: ∂_t b_m = i d_i v_A k [k − k_c (1 − σ_m)] b_m, k = 2πm/L (d_i, v_A of n̄); with
        the ideal step this gives ω² = R (1 ∓ ω/Ω_i), R = k²v_A² ∓ k k_c v_A² (1 − σ), the Hall
        form of :func:`crescape.physics.dispersion.dispersion_modes`. With
        ``hall_density="local"`` the rest, −i (c/e) ∂_x[(1/n − 1/n̄) g], is added in finite
        volumes (:class:`~.mhd_ops.HallOperator`). The velocities are not changed; the
        magnetic energy changes by the work −J_CR·E_Hall (j_th·E_Hall = 0), which is added to
        each cell's energy (its pressure unchanged) and to the ledger's ``cr_work``.
        """
        out = state.copy()
        if self.hall:
            HallOperator(self, 1.0).advance(out, dt, out.ledger)
        return out

    def operators(self) -> list:
        """The operators of one step, in order (:mod:`crescape.simulate.mhd_ops`).

        :class:`~.mhd_ops.MHDFluxOperator` alone, or with the Hall term Strang's splitting
        (Strang 1968): :class:`~.mhd_ops.HallOperator` over Δt/2, the flux operator, the Hall
        operator over Δt/2 (with its two parts in the reverse order, so that the whole step
        is symmetric).
        """
        flux = MHDFluxOperator(self)
        if self.hall:
            return [HallOperator(self, 0.5), flux, HallOperator(self, 0.5, reverse=True)]
        return [flux]

    def stepper(self):
        """:meth:`operators` composed by the coupled :class:`~.coupled.splitting.SplitStepper`.

        The step is the smallest operator limit (no ramp of the first steps: the step
        depends only on the state, so a resumed run is bit-identical to an uninterrupted one).
        """
        from .coupled.splitting import SplitStepper

        return SplitStepper(self.operators(), growth=np.inf)

    def step(self, state: MHDState, dt: float) -> MHDState:
        """One step of :meth:`stepper` over dt on a copy of ``state``: SSP-RK2 (Heun),
        U1 = U + dt L(U), U' = (U + U1 + dt L(U1))/2 (Shu & Osher 1988), with the Hall term
        Strang-split around it (:meth:`operators`)."""
        s = state.copy()
        self.stepper().step(s, dt, s.ledger)
        return s

    def run(self, state: MHDState, t_end: float, every: int = 1, observe=None, max_steps=10**8):
        """Advance a copy of ``state`` to t_end [s] with the largest stable steps (:meth:`stepper`).

        ``observe(state)`` is called at the start, every ``every`` steps and at t_end.
        """
        s = state.copy()
        stepper = self.stepper()
        if observe is not None:
            observe(s)
        n0 = s.steps

        def after(st):
            if st.steps - n0 >= max_steps and st.t < t_end:
                raise RuntimeError(f"max_steps = {max_steps} reached at t = {st.t:g} s")
            if observe is not None and (st.steps % every == 0 or st.t >= t_end):
                observe(st)

        stepper.advance_to(s, t_end, s.ledger, after)
        return s

    def totals(self, state: MHDState) -> dict:
        """Σ U dx per unit area: mass, momentum (x, y, z), energy (gas + field, incl. B0²/8π)."""
        T = state.U.sum(axis=1) * self.dx
        return {
            "mass": T[0],
            "momentum_x": T[1],
            "momentum_y": T[2],
            "momentum_z": T[3],
            "energy": T[6],
        }


# --------------------------------------------------------------------------- diagnostics


def mode_amplitude(state: MHDState, m: int) -> complex:
    """Fourier amplitude (1/N) Σ (B_y + iB_z) e^{−2πi m j/N} [G]; m > 0 "right", m < 0 "left" helicity."""
    b = state.U[4] + 1j * state.U[5]
    n = b.size
    return complex(np.fft.fft(b)[m % n] / n)


def fit_growth_rate(t, amp, t_min=None, t_max=None) -> float:
    """Least-squares slope of ln|amp| against t on [t_min, t_max]: the growth rate of |δB_k| [s^-1]."""
    t = np.asarray(t, dtype=float)
    y = np.log(np.abs(np.asarray(amp)))
    sel = np.ones(t.size, bool)
    if t_min is not None:
        sel &= t >= t_min
    if t_max is not None:
        sel &= t <= t_max
    if sel.sum() < 3:
        raise ParameterError(
            f"fit window [{t_min}, {t_max}] s holds {sel.sum()} samples: need >= 3"
        )
    return float(np.polyfit(t[sel], y[sel], 1)[0])


def linear_growth_run(
    k_over_kc: float,
    n_cells: int = 64,
    polarisation: str = "right",
    efolds: float = 4.0,
    amplitude: float = 1e-6,
    kc_rL: float | None = None,
    kc_di: float | None = None,
    **kwargs,
) -> dict:
    """Measure the growth rate of one seeded mode in a box of one wavelength (code units).

    B0 = 1 G, k_c = 1 cm^-1 (J = cB0/(4π)), ρ = 1 g cm^-3 (or, with ``kc_di``, the density
    whose ion inertial length is d_i = kc_di/k_c); L = 2π/k; sound speed v_A unless
    given. ``kc_rL`` switches on the CR response with r_L = kc_rL/k_c (``cr_energy`` =
    e B0 r_L; ``cr_slope``, ``cr_energy_max`` may be passed on), ``kc_di`` the Hall term.
    The mode is followed for ``efolds`` growth times 1/γ (γ: the cold maximum
    k_c v_A/2, or with the response or the Hall term the expected rate, at least a tenth of
    it); the rate is fitted to ln|δB_k| after the first growth time. Returns ``measured``, ``expected`` (Im ω of
    :func:`crescape.physics.dispersion.dispersion_modes` for the same physics),
    ``frequency`` (measured phase rotation rate, the sign convention of e^{−iωt}) and
    ``expected_frequency`` (Re ω), all in units of k_c v_A.
    """
    q = float(k_over_kc)
    if not (0.0 < q < 10.0):
        raise ParameterError(f"k_over_kc = {k_over_kc!r} is not allowed: must be in (0, 10)")
    B0, kc = 1.0, 1.0
    rho = 1.0
    if kc_di is not None:
        d_i = float(kc_di) / kc
        if not (np.isfinite(d_i) and d_i > 0):
            raise ParameterError(f"kc_di = {kc_di!r} is not allowed: must be finite and > 0")
        rho = (C.m_p * C.c / (C.e * d_i)) ** 2 / _FOURPI  # d_i = m_p c/(e √(4πρ))
        kwargs["hall"] = True
    if kc_rL is not None:
        kwargs["cr_energy"] = C.e * B0 * float(kc_rL) / kc
    J = kc * C.c * B0 / _FOURPI
    k = q * kc
    vA = B0 / np.sqrt(_FOURPI * rho)
    kwargs.setdefault("sound_speed", vA)
    sim = BellMHD(n_cells, 2.0 * np.pi / k, B0, rho, J, **kwargs)
    s = sim.seed_mode(sim.uniform_state(), 1, amplitude, polarisation)
    m = 1 if polarisation == "right" else -1
    om = sim.linear_frequency(1, polarisation)
    ts, amps = [], []

    def observe(st):
        ts.append(st.t)
        amps.append(mode_amplitude(st, m))

    cold = kc_rL is None and kc_di is None
    g = om.imag if (not cold and om.imag >= 0.1 * sim.gamma_max) else sim.gamma_max
    t_end = efolds / g
    sim.run(s, t_end, observe=observe)
    ts, amps = np.array(ts), np.array(amps)
    t0 = 1.0 / g
    rate = fit_growth_rate(ts, amps, t_min=t0)
    sel = ts >= t0
    # e^{−iωt} with b ∝ e^{±ikx}: the phase of the amplitude decreases at Re ω
    phase = np.unwrap(np.angle(amps[sel]))
    freq = -float(np.polyfit(ts[sel], phase, 1)[0])
    unit = kc * vA
    return {
        "measured": rate / unit,
        "expected": om.imag / unit,
        "frequency": freq / unit,
        "expected_frequency": om.real / unit,
        "n_steps": len(ts) - 1,
        "final_amplitude": float(np.abs(amps[-1])) / B0,
    }
