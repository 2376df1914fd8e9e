"""``crescape fit``: fit the CGM neutrino model to IceCube, with the Fermi IGRB as an upper limit.

A thin shell over :func:`crescape.analysis.fit.fit`: best fit with MINOS
(profile-likelihood) intervals, the δ_G profile with and without the IGRB, an
emcee posterior, and (with ``--out``) results.json, the chain and the plots.
"""

from __future__ import annotations

import argparse

from ._common import CLIError, add_param_args, check_output_dir, params_from_args, print_json

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "fit",
        help="fit the CGM neutrino model to IceCube with the Fermi IGRB as an upper limit",
        description="Likelihood fit (iminuit + emcee) of the CGM neutrino intensity (Eqs. 16-17) to the "
        "IceCube differential spectrum; the Fermi-LAT IGRB bounds the CGM gamma rays.",
    )
    p.add_argument(
        "--dataset",
        default="icecube_2015",
        help="IceCube data: icecube_2015 (default), icecube_2025_combined, icecube_2025_mese",
    )
    p.add_argument(
        "--free",
        default="delta_G,slope",
        metavar="NAMES",
        help="comma-separated free parameters among delta_G, L_CR, slope, E_max, eta "
        "(default: delta_G,slope)",
    )
    p.add_argument(
        "--model",
        default="eq17",
        choices=("eq17", "full"),
        help="eq17: delta-function Eqs. (16)-(17) (default); full: KAB06 pp spectra (slower)",
    )
    p.add_argument("--no-igrb", action="store_true", help="do not use the Fermi IGRB limit")
    p.add_argument(
        "--igrb-model",
        default="A",
        choices=("A", "B", "C"),
        help="foreground model of the Fermi-LAT IGRB (Ackermann et al. 2015): A (default), B or C",
    )
    p.add_argument("--steps", type=int, default=1500, help="emcee steps, >= 20 (default 1500)")
    p.add_argument("--walkers", type=int, help="emcee walkers (default max(16, 4 x free))")
    p.add_argument("--no-mcmc", action="store_true", help="best fit and profiles only")
    p.add_argument(
        "--profile-points", type=int, default=31, help="points of the delta_G profile (0: none)"
    )
    p.add_argument(
        "--seed", type=int, default=0, help="seed of the emcee walkers' start (default 0)"
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write fit_results.json, fit_best.ecsv, fit_chain.nc and the plots here",
    )
    add_param_args(p)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from ..analysis.fit import fit

    out = check_output_dir(args.out) if args.out is not None else None
    params, _ = params_from_args(args)
    free = tuple(s.strip() for s in args.free.split(",") if s.strip())
    if args.steps < 20:
        raise CLIError(f"--steps {args.steps} is not allowed: must be >= 20")
    if args.profile_points < 0:
        raise CLIError(f"--profile-points {args.profile_points} is not allowed: must be >= 0")
    r = fit(
        args.dataset,
        free,
        params=params,
        model=args.model,
        igrb=not args.no_igrb,
        igrb_model=args.igrb_model,
        profile_points=args.profile_points,
        mcmc=not args.no_mcmc,
        n_walkers=args.walkers,
        n_steps=args.steps,
        seed=args.seed,
    )
    paths = r.save(out) if out is not None else []
    if args.json:
        print_json({**r.to_dict(), "files": [str(p) for p in paths]})
    else:
        print(r.summary())
        for path in paths:
            print(f"wrote {path}")
    return 0
