"""The energy of the field of Eq. (8) in the advection speed: cgm_source.field_energy.

Outside truths: the closed forms of the largest E²φ(E) on [E_min, E_max] of the escaping
spectrum of Eq. (3) (E^{2-s} piecewise with the break, times exp(−E/E_max), whose
stationary point is (2 − s) E_max), and a brute-force maximum on a fine grid of energies.
"""

import numpy as np
import pytest

from crescape import constants as C
from crescape.params import ParameterError, Parameters
from crescape.physics import cgm_source as cs
from crescape.physics.escape import escape_energy_flux

GeV = C.GeV


def _peak(slope, E_min, E_max, cutoff, E_break=np.inf, slope_high=None):
    return cs.field_energy("peak", slope, E_min, E_max, cutoff, E_break, slope_high)


@pytest.mark.parametrize(
    "args, want",
    [
        # s > 2: E²φ falls from E_min (E_min = 3 GeV, not the former fixed 1 GeV)
        ((2.3, 3 * GeV, 1e6 * GeV, "sharp"), 3 * GeV),
        ((2.3, 3 * GeV, 1e6 * GeV, "exponential"), 3 * GeV),
        # s = 2: flat (sharp; the lowest energy is taken) or falling as exp(-E/E_max)
        ((2.0, GeV, 1e6 * GeV, "sharp"), GeV),
        ((2.0, GeV, 1e6 * GeV, "exponential"), GeV),
        # s < 2 without a break: E_max (sharp), (2 - s) E_max (exponential)
        ((1.5, GeV, 1e6 * GeV, "sharp"), 1e6 * GeV),
        ((1.5, GeV, 1e6 * GeV, "exponential"), 0.5e6 * GeV),
        ((1.2, GeV, 1e8 * GeV, "exponential"), 0.8e8 * GeV),
        # s < 2 < s2: E_break (sharp); min(E_break, (2 - s) E_max) (exponential)
        ((1.2, GeV, 1e8 * GeV, "sharp", 7e5 * GeV, 3.2), 7e5 * GeV),
        ((1.2, GeV, 1e8 * GeV, "exponential", 7e5 * GeV, 3.2), 7e5 * GeV),
        ((1.5, GeV, 1e5 * GeV, "exponential", 9e4 * GeV, 3.0), 0.5e5 * GeV),
        # s > 2 > s2: the larger end, here E_max (E²φ rises by 1e5^0.5 / 1e3^0.2 = 79)
        ((2.2, GeV, 1e8 * GeV, "sharp", 1e3 * GeV, 1.5), 1e8 * GeV),
        # s < 2 and s2 < 2: above the break, (2 - s2) E_max for the exponential cutoff
        ((1.5, GeV, 1e8 * GeV, "exponential", 1e5 * GeV, 1.8), 0.2e8 * GeV),
        # s >= 2 with a break to s2 > 2: E_min
        ((2.2, GeV, 1e6 * GeV, "sharp", 1e3 * GeV, 2.6), GeV),
    ],
)
def test_peak_energy_closed_forms(args, want):
    assert float(_peak(*args)) == pytest.approx(want, rel=1e-12, abs=0)


def test_s2_sharp_peak_is_E_min_exactly():
    # the flat E²φ of the paper's s = 2: E_min itself (bit for bit), not a round-off winner
    assert _peak(2.0, GeV, 1e6 * GeV, "sharp") == GeV
    assert _peak(2.0, GeV, 1e6 * GeV, "sharp", 1e4 * GeV, 2.0) == GeV
    # E² E^-2 rounds to 1 - 2^-53 at 10 GeV and to 1 at 1 PeV: still E_min
    assert _peak(2.0, 10 * GeV, 1e6 * GeV, "sharp") == 10 * GeV


@pytest.mark.parametrize("with_break", [True, False])
@pytest.mark.parametrize("cutoff", ["sharp", "exponential"])
def test_peak_is_the_largest_energy_flux_on_a_fine_grid(cutoff, with_break):
    rng = np.random.default_rng(1 + with_break)
    n = 60
    s = rng.uniform(1.0, 3.5, n)
    s2 = rng.uniform(1.0, 4.0, n)
    E_min = 10 ** rng.uniform(-1, 1, n) * GeV
    E_max = 10 ** rng.uniform(4, 9, n) * GeV
    E_b = np.where(rng.random(n) < 0.7, E_min * (E_max / E_min) ** rng.uniform(0.1, 0.9, n), np.inf)
    if not with_break:  # the closed forms of the single power law
        E_b = np.full(n, np.inf)
    pk = _peak(s, E_min, E_max, cutoff, E_b, s2)
    assert pk.shape == (n,)
    assert np.all((pk >= E_min) & (pk <= E_max))
    E = np.geomspace(E_min, E_max, 4001, axis=-1)  # (n, 4001), with the kink at the break
    E = np.concatenate([E, np.where(np.isfinite(E_b), E_b, E_max)[:, None]], axis=1)
    col = (s[:, None], E_min[:, None], E_max[:, None], cutoff, E_b[:, None], s2[:, None])
    grid = escape_energy_flux(E, 1e41, 10 * C.kpc, *col)
    at_pk = escape_energy_flux(pk, 1e41, 10 * C.kpc, s, E_min, E_max, cutoff, E_b, s2)
    assert np.all(at_pk >= grid.max(axis=1) * (1 - 1e-12))
    # and the grid comes close to it (the peak is a maximum, not just an upper bound)
    assert np.all(grid.max(axis=1) >= at_pk * (1 - 1e-5))


def test_vectorised_equals_one_at_a_time():
    s = np.array([2.3, 2.0, 1.5, 1.2])
    Eb = np.array([np.inf, np.inf, 1e5, 7e5]) * GeV
    s2 = np.array([2.3, 2.0, 3.0, 3.2])
    E_max = 1e8 * GeV
    vec = _peak(s, GeV, E_max, "exponential", Eb, s2)
    one = [
        float(_peak(si, GeV, E_max, "exponential", b, t))
        for si, b, t in zip(s, Eb, s2, strict=True)
    ]
    assert np.array_equal(vec, one)


def test_a_fixed_energy_is_returned_as_given():
    assert cs.field_energy(GeV, 1.5, GeV, 1e6 * GeV, "sharp") is GeV
    E = np.array([1.0, 10.0]) * GeV
    assert cs.field_energy(E, 1.5, GeV, 1e6 * GeV, "sharp") is E


@pytest.mark.parametrize("bad", ["peaks", "", -1.0, 0.0, np.nan, np.inf])
def test_bad_field_energy(bad):
    with pytest.raises(ParameterError, match="E_ref = .* is not allowed: must be 'peak'"):
        cs.field_energy(bad, 2.0, GeV, 1e6 * GeV, "sharp")


def _vA(p, E_ref):
    q = p.cgs
    rho = 1e-28
    spec = (q.L_CR, q.R_d, q.slope, q.E_min, q.E_max, q.cutoff, rho, E_ref)
    return cs.advection_speed(*spec, E_break=q.E_break, slope_high=q.slope_high)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"slope": 2.3},
        {"slope": 2.2, "cutoff": "exponential", "E_max": "3 PeV"},
        {"cutoff": "exponential"},
        {"slope": 2.2, "E_break": "10 TeV", "slope_high": 2.7},
    ],
)
def test_peak_advection_speed_is_the_1GeV_one_for_s_at_least_2(changes):
    p = Parameters().replace(**changes)
    assert _vA(p, "peak") == _vA(p, GeV)
    # 'peak' is the default of advection_speed and cr_density
    q = p.cgs
    spec = (q.L_CR, q.R_d, q.slope, q.E_min, q.E_max, q.cutoff, 1e-28)
    brk = {"E_break": q.E_break, "slope_high": q.slope_high}
    assert cs.advection_speed(*spec, **brk) == _vA(p, GeV)
    E = np.array([10.0, 1e4]) * GeV
    assert np.array_equal(cs.cr_density(E, *spec, **brk), cs.cr_density(E, *spec, GeV, **brk))


def test_peak_advection_speed_is_never_below_the_1GeV_one():
    rng = np.random.default_rng(2)
    for _ in range(40):
        ch = {
            "slope": float(rng.uniform(1.05, 3.0)),
            "E_max": float(10 ** rng.uniform(5, 9)),
            "cutoff": str(rng.choice(["sharp", "exponential"])),
        }
        if rng.random() < 0.6:
            ch["E_break"] = float(10 ** rng.uniform(2, 4.9))
            ch["slope_high"] = float(rng.uniform(1.5, 4.0))
        p = Parameters().replace(**ch)
        assert _vA(p, "peak") >= _vA(p, GeV) * (1 - 1e-12), ch


def test_hard_broken_spectrum_advection_speed_ratio():
    # s = 1.2 below a break at 700 TeV: δB ∝ (E²φ)^{1/2} ∝ E^{(2-s)/2} up to the break (Eq. 8)
    p = Parameters().replace(slope=1.2, slope_high=3.2, E_break="700 TeV", E_max="100 PeV")
    ratio = _vA(p, "peak") / _vA(p, GeV)
    assert ratio == pytest.approx(7e5**0.4, rel=1e-12, abs=0)
