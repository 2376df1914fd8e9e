"""Shared fixtures of the coupled-run tests: the small configuration and a factory for runs."""

import pytest

from crescape.params import Parameters
from crescape.simulate.cgm_config import SimulationConfig
from crescape.simulate.coupled import CGMSimulation

#: a coupled run small enough for a unit test (seconds)
SMALL = {
    "n_cells": 40,
    "n_momenta": 8,
    "t_end": 2,
    "n_output": 3,
    "z_max": 40,
    "E_grid_max": "1e4 GeV",
}

#: walls for the gas and the CRs, planar: nothing enters or leaves
WALLS = {
    "cr_inner": "reflecting",
    "cr_outer": "reflecting",
    "gas_inner": "reflecting",
    "gas_outer": "reflecting",
    "geometry": "planar",
}


class _Factory:
    """``make_sim(params=None, **options)``: a CGMSimulation with the small options updated."""

    def __init__(self, default_params=None):
        self.default_params = default_params or {}

    def options(self, **kw):
        return dict(SMALL, **kw)

    def __call__(self, params=None, **kw):
        p = params or Parameters.from_flat(dict(self.default_params))
        return CGMSimulation(p, SimulationConfig.from_dict(self.options(**kw)))

    def closed_box(self, params=None, **kw):
        """The small run between walls (a closed box)."""
        return self(params, **WALLS, **kw)


@pytest.fixture(scope="session")
def make_sim():
    """Factory of small coupled runs with the default parameters."""
    return _Factory()


@pytest.fixture(scope="session")
def make_halo_sim():
    """Factory of small coupled runs at δ_G = 100 (the halo-option tests)."""
    return _Factory({"delta_G": 100})
