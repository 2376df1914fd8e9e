"""The error raised for bad input, below every other layer.

:class:`ParameterError` lives here, with no dependency, so that the physics
layer can raise it without importing :mod:`crescape.params` or astropy; it is
re-exported as ``crescape.ParameterError`` and ``crescape.params.ParameterError``.
"""

from __future__ import annotations

__all__ = ["ParameterError", "RunFailedError", "ValidityWarning"]


class ParameterError(ValueError):
    """A parameter has a value that is not allowed.

    The message is one line naming the parameter, the value given and what is
    allowed (the CLI prints it and exits with code 2).
    """


class RunFailedError(RuntimeError):
    """A run that broke down numerically (a division by zero, a non-finite state).

    The message is one line saying when (time, step, the limit that set the step) and
    where (the worst cell); the snapshots and checkpoints written before are kept (the
    CLI prints it and exits with code 3).
    """


class ValidityWarning(UserWarning):
    """A result lies outside the domain where the model or the data apply.

    Raised as a warning, not an error: the number is computed, but it is an
    extrapolation (an energy outside a fitted range) or unphysical (an Alfvén
    speed above c, a quantity that overflows). The message names the inputs
    that lead there.
    """
