"""The coupled CR–field–gas run of the circumgalactic medium, composed like py-pde.

* :mod:`.state` – :class:`CoupledState`: CR distribution, gas, field, one clock;
* :mod:`.operators` – field growth, gas dynamics, field transport, CR transport,
  CR work: one interface (``limits``, ``advance``, ``attrs``);
* :mod:`.sources` – the source-term protocol of the gas and the pressure forces;
* :mod:`.exchange` – exact, number-conserving energy transfers to and from the CRs;
* :mod:`.ledger` – the budgets every operator reports into;
* :mod:`.splitting` – the stepper that composes the operators;
* :mod:`.simulation` – :class:`CGMSimulation`, built from a configuration;
* :mod:`.driver`, :mod:`.output` – output times, checkpoints, the xarray Dataset;
* :mod:`.transition` – :func:`transition_run`, the resolved transition (Eqs. 11, 13).

See docs/simulation.md.
"""

from .ledger import Ledger
from .operators import (
    STATUS,
    CRTransportOp,
    CRWorkOp,
    FieldGrowthOp,
    FieldTransportOp,
    GasOp,
    Operator,
)
from .simulation import CGMSimulation
from .sources import GasSource, PressureForce
from .splitting import SplitStepper
from .state import CoupledState
from .transition import transition_run

__all__ = [
    "CGMSimulation",
    "CoupledState",
    "Ledger",
    "Operator",
    "FieldGrowthOp",
    "GasOp",
    "FieldTransportOp",
    "CRTransportOp",
    "CRWorkOp",
    "GasSource",
    "PressureForce",
    "SplitStepper",
    "STATUS",
    "transition_run",
]
