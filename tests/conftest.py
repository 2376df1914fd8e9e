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
