"""Type aliases of the physics layer: cgs float64 numbers and numpy arrays.

``ArrayLike`` is what the functions accept (a float, a sequence or an array, broadcast
with numpy's rules); ``FloatArray`` is what they return (a float or a float64 array).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = [
    "ArrayLike",
    "FloatArray",
    "ComplexArray",
    "BoolArray",
    "ArrayFunction",
    "Cutoff",
    "Species",
    "SigmaModel",
]

#: an input: a float, a sequence of floats or a numpy array
ArrayLike: TypeAlias = npt.ArrayLike
#: a float result, or an array of them
FloatArray: TypeAlias = float | np.ndarray
#: a complex result (a frequency ω, a response σ), or an array of them
ComplexArray: TypeAlias = complex | np.ndarray
#: a boolean result, or an array of them
BoolArray: TypeAlias = bool | np.ndarray
#: a vectorised function of an array, e.g. a spectrum N(E) or Q(E)
ArrayFunction: TypeAlias = Callable[[np.ndarray], ArrayLike]
#: the cutoff of the source spectrum
Cutoff: TypeAlias = Literal["sharp", "exponential"]
#: a pp secondary of :data:`crescape.physics.pp.SPECIES`
Species: TypeAlias = Literal["gamma", "e", "nu_mu", "nu_e", "nu_mu1", "nu_mu2"]
#: an inelastic pp cross section of :func:`crescape.physics.pp.sigma_inel`
SigmaModel: TypeAlias = Literal["KAB06", "KAB06-kinematic", "Kafexhiu14"]
