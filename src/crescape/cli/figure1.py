"""``crescape figure1``: the paper's Fig. 1 (and the newest-IceCube figure) as PNG and PDF."""

from __future__ import annotations

import argparse

from ..params import ParameterError
from ._common import CLIError, add_param_args, check_output_file, params_from_args, print_json

DEFAULT_OUT = "figure1.png"


def parse_delta_list(text: str) -> list[float]:
    """'10,30,100,300' -> [10.0, 30.0, 100.0, 300.0]."""
    try:
        vals = [float(v) for v in str(text).split(",") if v.strip()]
    except ValueError:
        raise ParameterError(
            f"--delta-G {text!r} is not allowed: must be comma-separated numbers > 0, e.g. 10,30,100,300"
        ) from None
    if not vals:
        raise ParameterError(f"--delta-G {text!r} is not allowed: give at least one value > 0")
    return vals


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "figure1",
        help="draw Fig. 1 of the paper from the shipped data (PNG and PDF)",
        description="Draw the paper's Fig. 1: Fermi-LAT IGRB (model A), IceCube 2015 points, "
        "upper limits and power-law band, and the Eq. (17) neutrino flux for each delta_G. "
        "Also draws a second figure with the newest IceCube segmented spectra "
        "(<out>_newest.png/.pdf). Neutrino curves share one flavour convention (default: per flavour, "
        "the reading of Eq. (17) that the full KAB06 spectra support; --flavour all for the sum "
        "of the three flavours); the figure states it.",
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        default=DEFAULT_OUT,
        help="output file; written as .png and .pdf (default figure1.png)",
    )
    p.add_argument(
        "--delta-G",
        dest="delta_G",
        metavar="LIST",
        default="10,30,100,300",
        help="comma-separated overdensities of the model lines (default 10,30,100,300)",
    )
    p.add_argument(
        "--flavour",
        choices=["per-flavour", "all"],
        default="per-flavour",
        help="reading of Eq. (17) and convention of every neutrino curve (default per-flavour; "
        "all: summed over the three flavours)",
    )
    p.add_argument(
        "--include-unverified",
        action="store_true",
        help="also draw the IceCube 2013 fit, whose value is recalled, not verified",
    )
    p.add_argument("--no-newest", action="store_true", help="skip the newest-IceCube figure")
    add_param_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..analysis.figure1 import figure1, figure_newest, save_figure
    from ..analysis.icecube_match import flavour_reading

    out = check_output_file(args.out)
    if out.suffix.lower() not in ("", ".png", ".pdf"):
        raise CLIError(f"--out {str(out)!r}: the suffix must be .png or .pdf (both are written)")
    if out.name.startswith(".") and not out.stem.strip("."):
        raise CLIError(f"--out {args.out!r}: give a file name such as figure1.png")
    params, _ = params_from_args(args)
    deltas = parse_delta_list(args.delta_G)
    flavour = "per flavour" if args.flavour == "per-flavour" else "all"
    written = []
    try:
        fig, _ = figure1(
            params, deltas, flavour=flavour, include_unverified=args.include_unverified
        )
        written += save_figure(fig, out)
        plt.close(fig)
        if not args.no_newest:
            fig, _ = figure_newest(params, deltas, flavour=flavour)
            written += save_figure(
                fig, out.with_name(out.stem + "_newest" + (out.suffix or ".png"))
            )
            plt.close(fig)
    except OSError as exc:
        raise CLIError(
            f"--out {str(out)!r} cannot be written: {exc.strerror or exc}"
            + (f" ({exc.filename})" if exc.filename else "")
        ) from None
    if args.json:
        print_json(
            {
                "written": [str(p) for p in written],
                "delta_G": deltas,
                "flavour": flavour,
                "flavour_reading": flavour_reading(flavour),
            }
        )
    else:
        for p in written:
            print(p)
    return 0
