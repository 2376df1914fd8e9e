"""Fixtures shared by the test modules of the analytic chain and the emission model."""

import numpy as np
import pytest
from scipy.integrate import quad

from crescape import constants as C


def _shell_path(w, R_out, d=8.178 * C.kpc, R_d=10.0 * C.kpc):
    """(1/4π)∫dΩ∫ds w(r) = ∫ r² w(r) ln((r + d)/|r − d|)/(2 r d) dr [cm] (scipy quad): the
    sky-averaged path through a spherical emissivity w(r) seen from d, the shell average of
    1/|x − x_sun|², split at d and R_d where w or the kernel has a kink."""

    def g(r):
        return r * w(r) * np.log((r + d) / abs(r - d)) / (2.0 * d)

    edges = [0.0, d, R_d, R_out]
    return sum(
        quad(g, a, b, limit=400, epsabs=0, epsrel=1e-11)[0]
        for a, b in zip(edges[:-1], edges[1:], strict=True)
    )


@pytest.fixture(scope="session")
def shell_path():
    """``shell_path(w, R_out, d=R_sun, R_d=10 kpc)``: the sky-averaged path by direct quadrature."""
    return _shell_path


#: Units in the last place by which a value may differ from a frozen float.hex() reference: libm's
#: pow/exp/log and numpy's SIMD loops round differently on other CPUs and numpy builds (1-3 ulp
#: seen, compounded to ~10 through the chain); a change of a formula moves values by far more.
FROZEN_MAX_ULP = 16


def _same_to_roundoff(got, want, maxulp=FROZEN_MAX_ULP):
    """True if ``got`` equals ``want`` (floats or float.hex() strings) to ``maxulp`` ulp, NaN and
    inf in the same places; raises AssertionError otherwise."""
    want = np.array(
        [float.fromhex(x) if isinstance(x, str) else x for x in np.ravel(want)], dtype=float
    )
    got = np.ravel(np.asarray(got, dtype=float))
    if got.size != want.size and want.size == 1:
        want = np.broadcast_to(want, got.shape)
    assert got.shape == want.shape, (got.shape, want.shape)
    fin = np.isfinite(want)
    assert np.array_equal(np.isfinite(got), fin)
    assert np.array_equal(got[~fin], want[~fin], equal_nan=True)
    np.testing.assert_array_max_ulp(got[fin], want[fin], maxulp=maxulp)
    return True


@pytest.fixture(scope="session")
def same_to_roundoff():
    """``same_to_roundoff(got, want)``: equal to a frozen reference to :data:`FROZEN_MAX_ULP` ulp."""
    return _same_to_roundoff
