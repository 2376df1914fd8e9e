"""
A sweep on a local Dask cluster
===============================

:func:`crescape.sweep` evaluates a crescape product over a grid of parameters. With
``scheduler="local"`` it starts a Dask ``LocalCluster`` on this machine; with the
address of a scheduler (``tcp://HOST:8786``) the same call runs on a cluster.

A script that starts a ``LocalCluster`` must keep its work under
``if __name__ == "__main__":``: the workers are new Python processes that import the
script, and without the guard each of them would start a cluster of its own.
"""

import matplotlib.pyplot as plt


def main():
    import crescape

    ds = crescape.sweep(
        "chain",
        {
            "delta_G": {"start": 1, "stop": 1e3, "num": 16, "scale": "log"},
            "L_CR": ["3e40 erg/s", "1e41 erg/s", "3e41 erg/s"],
        },
        outputs=["v_A_amplified", "neutrino_E2_flux"],
        scheduler="local",
        n_workers=2,
        progress=False,
    )
    print(ds)

    fig, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
    for i, L in enumerate(ds["L_CR"].values):
        flux = ds["neutrino_E2_flux"].isel(L_CR=i)
        ax.loglog(ds["delta_G"].values, flux.values, label=f"L_CR = {L:.0e} erg/s")
    ax.set(
        xlabel=r"overdensity $\delta_G$",
        ylabel=f"$E^2F_\\nu$ [{ds['neutrino_E2_flux'].attrs['units']}]",
        title="Eq. (17) over a grid of parameters",
    )
    ax.legend(fontsize=8)
    return ds


if __name__ == "__main__":
    main()
    plt.show()
