"""Flavour ratios at Earth."""

import numpy as np
import pytest

from crescape.physics import oscillation as osc


def test_pmns_unitary():
    U = osc.pmns_matrix()
    np.testing.assert_allclose(U @ U.conj().T, np.eye(3), atol=1e-12)


def test_transition_matrix_stochastic_and_symmetric():
    P = osc.transition_matrix()
    np.testing.assert_allclose(P.sum(axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(P, P.T, atol=1e-12)


def test_tribimaximal_limit():
    # sin^2 θ12 = 1/3, θ23 = 45°, θ13 = 0: P is known exactly (Harrison, Perkins, Scott 2002)
    th12 = np.degrees(np.arcsin(np.sqrt(1 / 3)))
    P = osc.transition_matrix(theta12=th12, theta23=45.0, theta13=0.0, delta_cp=0.0)
    ref = np.array([[10, 4, 4], [4, 7, 7], [4, 7, 7]]) / 18
    np.testing.assert_allclose(P, ref, atol=1e-12)
    np.testing.assert_allclose(
        osc.flavour_ratio_at_earth((1, 2, 0), theta12=th12, theta23=45.0, theta13=0.0),
        1 / 3,
        atol=1e-12,
    )


def test_pion_source_nufit_close_to_equal():
    r = osc.flavour_ratio_at_earth((1, 2, 0))
    assert r.sum() == pytest.approx(1.0, rel=1e-6, abs=0)
    # NuFIT 5.2 NO (θ23 = 42.2°): 0.335 : 0.338 : 0.327, within 0.02 of 1/3 each
    np.testing.assert_allclose(r, [0.3349, 0.3384, 0.3267], atol=5e-4)


def test_flux_conserved():
    src = np.array([1.0, 2.0, 0.0])
    assert osc.flavour_ratio_at_earth(src, normalise=False).sum() == pytest.approx(
        3.0, rel=1e-6, abs=0
    )


@pytest.mark.parametrize("bad", [(1, 2), (-1, 2, 0), (0, 0, 0), (np.nan, 1, 1)])
def test_bad_source(bad):
    with pytest.raises(ValueError, match="source"):
        osc.flavour_ratio_at_earth(bad)
