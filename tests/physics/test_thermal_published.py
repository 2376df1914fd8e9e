"""The thermal modification against what the published sources state (crescape.physics.thermal).

Sources that could be consulted (docs/dispersion.md, §5.2): the paper's own text
after Eq. (7), which quotes refs [13, 14] (Reville et al. 2008, IJMPD 17, 1795;
Zweibel & Everett 2010, ApJ 709, 1412) for the condition and the reduced rate;
the abstract and Introduction of Zweibel & Everett (2010); the abstracts of
Reville, Kirk & Duffy (2006, 'A current driven instability in parallel,
relativistic shocks') and of Marret et al. (2021, arXiv:2010.10237). The body
text of Reville et al. (2008), Zweibel & Everett (2010) and Marret et al.
(2021), where their thermal condition, reduced growth rate and numbers are,
could not be consulted, so no number of theirs is tested here; the tests check
the statements that could be read, with the full relation (CR response, Hall
term, ion temperature) of :func:`crescape.physics.thermal.warm_fastest_growth`.
"""

from __future__ import annotations

import numpy as np
import pytest

from crescape import constants as C
from crescape.params import Parameters
from crescape.physics import thermal as T
from crescape.physics.dispersion import dispersion_modes
from crescape.physics.escape import current_above
from crescape.physics.instability import B_star_paper

_P = Parameters()
_G = _P.galaxy.cgs
RHO1 = _P.cgm.cgs.delta_G * _P.cgm.cgs.Omega_b_h2 * _P.cgm.cgs.rho_cr_h2  # delta_G = 1
E1 = C.GeV
J1 = float(current_above(E1, _G.L_CR, _G.R_d, _G.slope, _G.E_min, _G.E_max))  # J(>1 GeV)
T6 = 1e6
B_STAR = float(B_star_paper(J1, RHO1, T6))  # 1.81e-9 G


def _reduction(B0, Tk=T6):
    """γ_max(T)/γ_max(T = 0) of the full relation (CR response, Hall term) at J(>1 GeV)."""
    _, g_w, _ = T.warm_fastest_growth(J1, B0, RHO1, E1, Tk)
    _, g_c, _ = T.warm_fastest_growth(J1, B0, RHO1, E1, 0.0)
    return float(g_w / g_c)


def test_paper_claim_reduction_only_by_factor_two():
    """Paper, text after Eq. (7), on refs [13, 14]: below B_* 'the growth rate of the
    instability is reduced, but only by a factor ~2 for the values of the parameters
    typical of our problem'.

    Full relation at δ_G = 1, T = 1e6 K, E = 1 GeV: at B0 = B_*(paper) the rate is
    reduced by < 2 % (the paper's condition marks the onset, τ = 1/2), it is halved at
    B0 = 0.244 B_* (τ = 34.4, as the reduced cubic model predicts), and at the default
    seed field 1e-10 G (0.056 B_*) it is cut to 0.121 of the cold rate, a factor 8, not
    2. The paper's 'factor ~2' therefore holds only for 0.24 B_* ≲ B0 ≲ B_*
    (discrepancy recorded in docs/dispersion.md §5.2)."""
    assert _reduction(B_STAR) > 0.98
    r_half = _reduction(0.244 * B_STAR)
    assert r_half == pytest.approx(0.5, abs=0.01)
    tau = float(T.thermal_parameter(J1, 0.244 * B_STAR, RHO1, T6))
    assert tau == pytest.approx(34.4, rel=2e-3, abs=0)
    assert r_half == pytest.approx(2.0 * float(T.warm_growth_max(tau)[1]), abs=2e-3)
    r_default = _reduction(1e-10)
    assert r_default == pytest.approx(0.121, abs=0.003)
    assert 1.0 / r_default > 4.0  # well beyond 'a factor ~2'


def test_hot_limit_of_the_full_relation():
    """Far below B_* the full relation follows the hot limit of the reduced model,
    γ_warm/γ_cold = √3 τ^(-1/3) (docs/dispersion.md §5.2), to 1 %: so γ_warm ∝ B0 at
    fixed J, ρ, T (τ ∝ B0^-3), and the mode propagates with Re ω = -γ/√3
    (ω = -τq²/2 + iγ in units of k_c v_A: the FLR term adds a real frequency)."""
    for frac in (0.1, 0.0556):
        B0 = frac * B_STAR
        tau = float(T.thermal_parameter(J1, B0, RHO1, T6))
        assert _reduction(B0) == pytest.approx(np.sqrt(3.0) * tau ** (-1.0 / 3.0), rel=0.01, abs=0)
        _, g_w, w_r = T.warm_fastest_growth(J1, B0, RHO1, E1, T6)
        assert float(w_r / g_w) == pytest.approx(-1.0 / np.sqrt(3.0), rel=0.02, abs=0)


@pytest.mark.parametrize("B0", [3.0 * B_STAR, 1e-10], ids=["cold", "thermal"])
def test_zweibel_everett_mode_character(B0):
    """Zweibel & Everett (2010), Introduction: the instability 'amplifies low frequency,
    right circularly polarized electromagnetic fluctuations with wavenumber parallel to
    the ambient magnetic field', with a wavelength much less than the gyroradius of the
    CRs that drive it. At the fastest mode of the full relation, with and without
    thermal reduction: the right-hand mode grows > 10 times faster than the left-hand
    one at the same k (12.7 at 3 B_*, where k r_L = 8.7 and the left-hand mode still
    grows through the resonant part Im σ ≈ 3π/(8 k r_L); 400 at 1e-10 G),
    |ω| < 1e-2 Ω_i, and k r_L(1 GeV) > 8."""
    k_f, g_f, w_r = T.warm_fastest_growth(J1, B0, RHO1, E1, T6)
    modes = dispersion_modes(k_f, J1, B0, RHO1, E1, hall=True, T=T6)
    assert float(modes["right"].imag) == pytest.approx(float(g_f), rel=1e-9, abs=0)
    assert float(modes["left"].imag) < 0.1 * float(g_f)
    omega_i = float(T.ion_cyclotron_frequency(B0))
    assert abs(complex(modes["right"])) < 1e-2 * omega_i
    assert float(k_f) * E1 / (C.e * B0) > 8.0


def test_temperature_limits_and_substantially_reduces_growth():
    """Reville, Kirk & Duffy (2006), abstract: thermal effects in the background plasma
    limit the maximum growth rate; Marret et al. (2021), abstract: increasing the
    ambient temperature can substantially reduce the growth rate. At B0 = 1e-10 G,
    δ_G = 1, E = 1 GeV the fastest growth of the full relation falls strictly with T
    from 0 to 1e7 K, by a factor 18 at 1e7 K."""
    temps = np.array([0.0, 1e3, 1e4, 1e5, 1e6, 1e7])
    g = np.array([float(T.warm_fastest_growth(J1, 1e-10, RHO1, E1, t)[1]) for t in temps])
    assert np.all(np.diff(g) < 0)
    assert g[0] / g[-1] == pytest.approx(17.9, rel=0.02, abs=0)
