"""Benchmark: ν + γ spectra from pp collisions at 200 energies, crescape vs naima and aafragpy.

The same proton spectrum (E^-2 with an exponential cutoff at 1 PeV, density per energy)
is given to crescape (KAB06 full spectra above 0.1 TeV, δ-approximation below),
naima's PionDecayKelner06 and PionDecay (γ only) and aafragpy (γ and ν tables).
Timings are the best of several runs; the ratios of the spectra are printed beside them.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from crescape import constants as C
from crescape.physics import pp


def _best(func, repeat=5):
    best = np.inf
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main():
    E = np.geomspace(1.0, 1e6, 200) * C.GeV  # secondary energies
    amp = 1e-10  # protons per cm3 per erg at 1 TeV
    J, E_p_max = pp.power_law_protons(amp, 2.0, C.PeV, "exponential")

    def ours():
        return (
            pp.emissivity(E, J, 1.0, "gamma", E_p_max),
            pp.emissivity(E, J, 1.0, "nu_mu", E_p_max),
            pp.emissivity(E, J, 1.0, "nu_e", E_p_max),
        )

    t_ours, (g, nm, ne) = _best(ours, 10)
    t_g, _ = _best(lambda: pp.emissivity(E, J, 1.0, "gamma", E_p_max), 10)
    print(
        f"crescape KAB06 ν_μ + ν_e + γ, 200 energies: {t_ours * 1e3:8.2f} ms   (γ alone {t_g * 1e3:.2f} ms)"
    )
    rows = []
    try:
        import astropy.units as u
        import naima
        from naima.radiative import PionDecay, PionDecayKelner06

        model = naima.models.ExponentialCutoffPowerLaw(amp / u.erg, 1 * u.TeV, 2.0, 1 * u.PeV)
        Eq = E / C.GeV * u.GeV

        # naima memoizes spectra: switch the cache off so that each run computes
        def fresh(cls, **kw):
            obj = cls(model, nh=1 / u.cm**3, **kw)
            obj._memoize = False
            model._memoize = False
            return obj

        t_k, fk = _best(lambda: fresh(PionDecayKelner06).flux(Eq, distance=0), 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_pd, fpd = _best(
                lambda: fresh(PionDecay, nuclear_enhancement=False).flux(Eq, distance=0), 2
            )
        gk = pp.emissivity(E, J, 1.0, "gamma", E_p_max, sigma_model="Kafexhiu14")
        rk = g / fk.to_value(1 / (u.s * u.erg))
        rpd = gk / fpd.to_value(1 / (u.s * u.erg))
        rows.append(("naima PionDecayKelner06 (γ)", t_k, t_k / t_g, rk))
        rows.append(("naima PionDecay, Pythia8, no enh. (γ)", t_pd, t_pd / t_g, rpd))
    except ImportError:
        print("naima not installed: skipped")
    try:
        import aafragpy

        Ep = np.geomspace(10.0, 1e9, 400)  # GeV

        def aaf():
            prim = J(Ep * C.GeV) * C.GeV
            out = {}
            for key, names in (
                ("gamma", ("gam",)),
                ("nu_mu", ("nu_mu", "anu_mu")),
                ("nu_e", ("nu_e", "anu_e")),
            ):
                tot = 0.0
                for n in names:
                    cs, e1, e2 = aafragpy.get_cross_section(
                        n, "p-p", E_primaries=Ep, E_secondaries=E / C.GeV
                    )
                    tot = tot + aafragpy.get_spectrum(e1, e2, cs, prim)
                out[key] = tot * C.c * C.mb / C.GeV
            return out

        t_a, fa = _best(aaf, 2)
        sel = (E >= C.TeV) & (E <= 100 * C.TeV)  # below the 1 PeV proton cutoff
        rows.append(
            (
                "aafragpy ν_μ+ν_e+γ (1-100 TeV ratios, ν_μ)",
                t_a,
                t_a / t_ours,
                (nm / fa["nu_mu"])[sel],
            )
        )
        rows.append(("aafragpy (ν_e ratios)", t_a, t_a / t_ours, (ne / fa["nu_e"])[sel]))
        rows.append(("aafragpy (γ ratios)", t_a, t_a / t_ours, (g / fa["gamma"])[sel]))
    except ImportError:
        print("aafragpy not installed: skipped")
    print(
        "'slower by': baseline time / crescape time for the same species (γ for naima, ν_μ+ν_e+γ for aafragpy)"
    )
    print(
        f"{'baseline':<48} {'time [ms]':>10} {'slower by':>10}   crescape/baseline spectrum ratio (min-max)"
    )
    for name, t, speed, r in rows:
        r = np.asarray(r)
        r = r[np.isfinite(r) & (r > 0)]
        print(f"{name:<48} {t * 1e3:10.1f} {speed:9.1f}x   {r.min():.3f} - {r.max():.3f}")


if __name__ == "__main__":
    main()
