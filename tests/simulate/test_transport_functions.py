"""User functions in a transport configuration: D(z, p, t), u(z, t), Q(z, p, t) and the inlet flux.

Outside truth: a user function that returns what a built-in option computes gives the same
run; a function is resolved (and a bad reference refused) before any work; a checkpoint of
another version of the function is not resumed.
"""

from __future__ import annotations

import numpy as np
import pytest

from crescape import constants as C
from crescape.params import ParameterError, Parameters
from crescape.simulate import run
from crescape.simulate.boundaries import escape_flux_per_lnp
from crescape.simulate.config import TransportConfig, load_config
from crescape.simulate.grid import MomentumGrid

BASE = """
[grid]
z_max = "2 kpc"
n_z = 40
[momentum]
E_min = "10 GeV"
E_max = "1e4 GeV"
n_p = 4
[transport]
{transport}
[time]
t_end = "0.2 Myr"
n_out = 2
"""

MODULE = """
import numpy as np
D0 = 1e28
def D(z, p, t):
    return D0 + 0.0 * z * p
def wind(zf, t):
    return 3e6 + 0.0 * zf
def none(z, p, t):
    return 0.0 * z * p
def inlet(p, t):
    return FLUX
FLUX = np.array({flux})
"""


def _write(tmp_path, transport, flux="[0.0]"):
    (tmp_path / "usermodel.py").write_text(MODULE.format(flux=flux))
    cfg = tmp_path / "run.toml"
    cfg.write_text(BASE.format(transport=transport))
    return cfg


def _final(cfg):
    c = load_config(cfg)
    op, st, times = c.build()
    ds = run(st, times, progress=False)
    return ds["n"].values[-1] if "n" in ds else ds[list(ds.data_vars)[0]].values[-1]


def test_user_functions_reproduce_the_built_in_options(tmp_path):
    P = MomentumGrid.from_energy(10 * C.GeV, 1e4 * C.GeV, 4)
    flux = np.array2string(escape_flux_per_lnp(P, Parameters()), separator=",", precision=17)
    a = _final(_write(tmp_path, 'diffusion = "constant"\nD0 = "1e28 cm2/s"\nu = "30 km/s"'))
    b = _final(
        _write(
            tmp_path,
            'diffusion = "function"\nD_function = "usermodel:D"\nu_function = "usermodel:wind"\n'
            'Q_function = "usermodel:none"\ninner = "flux"\ninlet_function = "usermodel:inlet"',
            flux=flux,
        )
    )
    assert np.max(a) > 0
    np.testing.assert_allclose(b, a, rtol=1e-12, atol=0)


@pytest.mark.parametrize(
    "transport, message",
    [
        ('diffusion = "function"', "transport.D_function = None"),
        ('D_function = "usermodel:D"', "used with diffusion = 'function' only"),
        ('diffusion = "function"\nD_function = "usermodel:nothing"', "no callable 'nothing'"),
        ('diffusion = "function"\nD_function = "nosuchmodule:D"', "cannot import 'nosuchmodule'"),
        ('diffusion = "function"\nD_function = "usermodel.D"', "must be 'module:function'"),
        ('inner = "flux"', "transport.inlet_function = None"),
    ],
)
def test_bad_user_functions_are_refused_before_any_work(tmp_path, transport, message):
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(_write(tmp_path, transport))


def test_an_edited_function_changes_the_fingerprint(tmp_path):
    cfg = _write(tmp_path, 'diffusion = "function"\nD_function = "usermodel:D"')
    a = load_config(cfg).fingerprint()["hash"]
    import sys

    sys.modules.pop("usermodel", None)
    src = (tmp_path / "usermodel.py").read_text().replace("return D0 +", "return 2 * D0 +")
    (tmp_path / "usermodel.py").write_text(src)
    b = load_config(cfg).fingerprint()["hash"]
    sys.modules.pop("usermodel", None)
    assert a != b
    assert isinstance(TransportConfig, type)
