"""``crescape fit``: fit the CGM neutrino model to IceCube (and KM3NeT), with the Fermi IGRB as an upper limit.

A thin shell over :func:`crescape.analysis.fit.fit`: best fit with its goodness of
fit (χ², dof, p-value), profile-likelihood intervals (limits where they reach a
prior bound), the δ_G profile with and without the IGRB, an emcee posterior run
to convergence, and (with ``--out``) results.json, the chain and the plots.

Exit codes: 0; 2 on bad input (including a joint fit of samples that may share events);
with ``--strict``, 3 when the fit is bad (p < 1e-3), the MCMC did not converge, or
``--allow-shared-events`` joined dependent samples (the results are still printed and written).
"""

from __future__ import annotations

import argparse

from ._common import CLIError, add_param_args, check_output_dir, params_from_args, print_json
from .spectrum import add_field_energy_arg, field_energy_arg

__all__ = ["register", "EXIT_STRICT"]

#: exit code of ``--strict`` when the fit is bad or the MCMC did not converge
EXIT_STRICT = 3


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "fit",
        help="fit the CGM neutrino model to IceCube with the Fermi IGRB as an upper limit",
        description="Likelihood fit (iminuit + emcee) of the CGM neutrino model (the full KAB06 "
        "spectra by default, or Eqs. 16-17) to IceCube spectra, alone or jointly with KM3NeT; "
        "the Fermi-LAT IGRB bounds the CGM gamma rays, and the UHE limits can be added. Eq. (17) "
        "is read per flavour unless --flavour all.",
    )
    p.add_argument(
        "--dataset",
        default="icecube_2015",
        metavar="NAME[,NAME...]",
        help="neutrino data: icecube_2015 (default), icecube_2025_combined, icecube_2025_mese, "
        "km3net_230213a; several, comma-separated, for a joint fit (independent likelihoods "
        "summed; two samples of one detector are refused)",
    )
    p.add_argument(
        "--allow-shared-events",
        action="store_true",
        help="allow a joint fit of samples of one detector (they may share events: the "
        "likelihoods are then not independent, and the result says so)",
    )
    p.add_argument(
        "--flavour",
        choices=("per-flavour", "all"),
        default="per-flavour",
        help="reading of Eq. (17); the data are converted to it (default per-flavour; all: "
        "summed over the three flavours)",
    )
    p.add_argument(
        "--limits",
        default="",
        metavar="NAMES",
        help="differential upper limits used as one-sided constraints, comma-separated among "
        "icecube_ehe_2018, auger_2023, antares_2024 (default none; needs --limit-cl)",
    )
    p.add_argument(
        "--limit-cl",
        type=float,
        default=None,
        metavar="CL",
        help="confidence level of --limits, in (0, 1), e.g. 0.9 (the data files do not state it)",
    )
    p.add_argument(
        "--limit-likelihood",
        choices=("gaussian", "poisson"),
        default="gaussian",
        help="how a limit enters: half-Gaussian excluding a model at the limit at the given C.L. "
        "(default), or the zero-event Poisson likelihood",
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
        default="full",
        choices=("full", "eq17", "full-direct"),
        help="full: KAB06 pp spectra with CMB absorption, tabulated once per fit (default); "
        "eq17: the delta-function Eqs. (16)-(17); full-direct: the full spectra computed "
        "directly (slow reference)",
    )
    p.add_argument("--no-igrb", action="store_true", help="do not use the Fermi IGRB limit")
    p.add_argument(
        "--profile",
        metavar="NAME",
        default=None,
        help="a CGM gas profile in place of the uniform delta_G (a kind of crescape.halo."
        "CGMProfile: uniform, miller_bregman, beta, ...); delta_G then is the profile's "
        "overdensity at --r-ref, and the flux carries the profile's column factor",
    )
    p.add_argument(
        "--r-ref",
        type=float,
        default=50.0,
        metavar="KPC",
        help="reference radius of --profile [kpc] (default 50)",
    )
    p.add_argument(
        "--blazar-fraction",
        action="store_true",
        help="add the point-source (blazar) share of the EGB above 50 GeV, at least 86 (+16 -14)%% "
        "(Ackermann et al. 2016, PRL 116, 151105), as a tighter gamma-ray upper limit: the CGM may "
        "fill at most the remaining (1 - f) x EGB",
    )
    p.add_argument(
        "--galactic-plane",
        default=None,
        choices=("lower", "upper", "none"),
        metavar="GAP",
        help="add the Galactic plane's neutrinos measured by IceCube (inner |l| < 30 deg and outer "
        "|l| > 60 deg, |b| < 8 deg; dataset icecube_galactic_plane_regions) to the CGM's, averaged "
        "over the sky; GAP fills 30 < |l| < 60 deg with the outer flux (lower), the inner flux "
        "(upper) or nothing (none)",
    )
    p.add_argument(
        "--igrb-model",
        default="A",
        choices=("A", "B", "C"),
        help="foreground model of the Fermi-LAT IGRB (Ackermann et al. 2015): A (default), B or C",
    )
    p.add_argument(
        "--emin",
        type=float,
        default=0.0,
        metavar="GEV",
        help="fit only bins above this energy [GeV]",
    )
    p.add_argument(
        "--emax",
        type=float,
        default=float("inf"),
        metavar="GEV",
        help="fit only bins below this energy [GeV]",
    )
    p.add_argument(
        "--steps",
        type=int,
        default=1500,
        help="emcee steps before the first convergence check, >= 20 (default 1500)",
    )
    p.add_argument(
        "--max-steps",
        type=int,
        default=20000,
        help="emcee step cap: the chain runs until 50 autocorrelation times or this (default 20000)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit with code 3 if the fit is bad (p < 1e-3) or the MCMC did not converge",
    )
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
    add_field_energy_arg(p)
    add_param_args(p)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from ..analysis.fit import fit

    out = check_output_dir(args.out) if args.out is not None else None
    params, _ = params_from_args(args)
    free = tuple(s.strip() for s in args.free.split(",") if s.strip())
    if args.steps < 20:
        raise CLIError(f"--steps {args.steps} is not allowed: must be >= 20")
    if args.max_steps < args.steps:
        raise CLIError(
            f"--max-steps {args.max_steps} is not allowed: must be >= --steps ({args.steps})"
        )
    if not (0 <= args.emin < args.emax):
        raise CLIError(
            f"--emin {args.emin:g} --emax {args.emax:g} is not allowed: need 0 <= emin < emax [GeV]"
        )
    if args.profile_points < 0:
        raise CLIError(f"--profile-points {args.profile_points} is not allowed: must be >= 0")
    limits = [x.strip() for x in args.limits.split(",") if x.strip()]
    if limits and args.limit_cl is None:
        raise CLIError(
            f"--limits {args.limits} needs --limit-cl: the data files do not state the "
            "confidence level of these limits (give a number in (0, 1), e.g. 0.9)"
        )
    if args.limit_cl is not None and not (0.0 < args.limit_cl < 1.0):
        raise CLIError(f"--limit-cl {args.limit_cl:g} is not allowed: must be > 0 and < 1")
    fe = field_energy_arg(args.field_energy)
    r = fit(
        args.dataset,
        free,
        params=params,
        model=args.model,
        flavour="per flavour" if args.flavour == "per-flavour" else "all",
        limits=limits,
        limit_cl=args.limit_cl,
        limit_likelihood=args.limit_likelihood,
        allow_shared_events=args.allow_shared_events,
        igrb=not args.no_igrb,
        igrb_model=args.igrb_model,
        blazar_fraction=args.blazar_fraction,
        galactic_plane=args.galactic_plane,
        profile=args.profile,
        r_ref=args.r_ref,
        field_energy=fe if isinstance(fe, str) else float(fe.to_value("erg")),
        profile_points=args.profile_points,
        mcmc=not args.no_mcmc,
        n_walkers=args.walkers,
        n_steps=args.steps,
        max_steps=args.max_steps,
        energy_range=None
        if (args.emin, args.emax) == (0.0, float("inf"))
        else (args.emin, args.emax),
        seed=args.seed,
    )
    paths = r.save(out) if out is not None else []
    if args.json:
        print_json({**r.to_dict(), "files": [str(p) for p in paths]})
    else:
        print(r.summary())
        for path in paths:
            print(f"wrote {path}")
    if args.strict and r.warnings:
        return EXIT_STRICT
    return 0
