"""Full pp neutrino and gamma-ray spectra of the CGM next to the paper's Eq. (17).

Run: python examples/neutrino_spectra.py [delta_G]
Prints E²F for ν_μ (one flavour at Earth), all flavours and γ rays (CMB-absorbed)
from the KAB06 spectra, and the δ-function estimate of Eq. (17).
"""

import sys

import astropy.units as u
import numpy as np

from crescape.model import neutrino_E2_flux
from crescape.params import Parameters
from crescape.spectra import CGMEmission


def main(delta_G: float = 100.0) -> dict:
    params = Parameters.from_flat({"delta_G": delta_G})
    E = np.logspace(0, 3, 4) * u.TeV
    m = CGMEmission(params)
    out = {
        "nu_mu": m.sed(E, "nu_mu"),
        "nu_all": m.sed(E, "nu_all"),
        "gamma": m.sed(E, "gamma"),
        "eq17": neutrino_E2_flux(params, E),
    }
    print(f"delta_G = {delta_G:g}; E^2 F in GeV cm-2 s-1 sr-1")
    print(f"{'E [TeV]':>8} " + " ".join(f"{k:>10}" for k in out))
    for i, e in enumerate(E.value):
        print(f"{e:8.3g} " + " ".join(f"{out[k][i].value:10.3g}" for k in out))
    return out


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 100.0)
