"""Time-dependent 1D cosmic-ray transport: momentum-resolved, planar, spherical or flux tube.

The package splits as py-pde does:

* :mod:`.grid` – spatial grid and geometry (planar, spherical, flux tube), momentum grid;
* :mod:`.state` – the distribution, time and particle budget;
* :mod:`.operator` – the transport operator (coefficients, boundaries), with the
  fast kernels in :mod:`._fast` (numba) and the readable ones in :mod:`.reference`;
* :mod:`.limiter` – the flux limiter for the ballistic limit;
* :mod:`.boundaries` – inner flux (Eq. 3), reflecting, fixed value, free escape, outflow;
* :mod:`.stepper` – Strang splitting, θ-scheme diffusion, adaptive Δt;
* :mod:`.observers` – progress bar, checkpoints, xarray output and :func:`run`;
* :mod:`.config` – build a run from a TOML configuration.

See docs/transport.md for the equations, the discretisation and the tests.
"""

from .boundaries import (
    FixedValue,
    FreeEscape,
    Outflow,
    PrescribedFlux,
    Reflecting,
    escape_flux_per_lnp,
)
from .grid import FluxTube, MomentumGrid, Planar, SpatialGrid, Spherical
from .limiter import levermore_pomraning, limited_diffusion
from .observers import Checkpointer, ProgressBar, Recorder, run
from .operator import TransportOperator
from .state import State
from .stepper import Stepper

__all__ = [
    "SpatialGrid",
    "MomentumGrid",
    "Planar",
    "Spherical",
    "FluxTube",
    "State",
    "TransportOperator",
    "Stepper",
    "PrescribedFlux",
    "Reflecting",
    "FixedValue",
    "FreeEscape",
    "Outflow",
    "escape_flux_per_lnp",
    "levermore_pomraning",
    "limited_diffusion",
    "ProgressBar",
    "Checkpointer",
    "Recorder",
    "run",
]
