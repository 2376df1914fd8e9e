"""crescape's CGM emission as a naima model and as a gammapy ``SpectralModel``.

Both adapters are thin: the numbers are those of :class:`crescape.observer.ExternalGalaxy`
(a galaxy at a distance, in naima's point-source convention L/(4πd²):
:meth:`~crescape.observer.ExternalGalaxy.point_source_flux`) or of
:class:`crescape.spectra.CGMEmission` (the Milky Way seen from inside), only the
calling conventions change.

:class:`NaimaModel`
    naima's conventions (Zabalza 2015, Proc. ICRC 2015, 922; the ``flux`` and ``sed``
    methods of ``naima.radiative.BaseRadiative``): ``flux(photon_energy, distance)``
    in 1/(eV cm2 s), ``sed(photon_energy, distance)`` in erg/(cm2 s), and the
    differential luminosity 1/(s eV) for ``distance=0``. A call ``model(E)`` is the
    flux at the model's own distance, as naima's fitting expects of a model function.
    naima itself is not needed.
:func:`gammapy_model`
    a ``gammapy.modeling.models.SpectralModel`` subclass (gammapy is optional:
    ``pip install crescape[gammapy]``) with one free parameter, ``norm``, that
    multiplies crescape's differential flux; it can be put in a ``SkyModel`` and
    fitted like any gammapy spectral model. It holds a Python object, so it is not
    written to gammapy's YAML model files (tabulate it with gammapy's
    ``TemplateSpectralModel`` for that).

Examples
--------
>>> import astropy.units as u
>>> from crescape.interop import NaimaModel
>>> m = NaimaModel(species="gamma_unabsorbed", distance=3.5 * u.Mpc)
>>> m.flux(1 * u.TeV, distance=3.5 * u.Mpc).unit
Unit("1 / (eV s cm2)")
>>> m.sed(1 * u.TeV, distance=0).unit
Unit("erg / s")
"""

from __future__ import annotations

from typing import Any

import astropy.units as u
import numpy as np

from .observer import ExternalGalaxy, halo_luminosity
from .params import Parameters
from .spectra import CGMEmission, _energy, _length

__all__ = ["NaimaModel", "gammapy_model", "NAIMA_FLUX_UNIT"]

NAIMA_FLUX_UNIT = u.Unit("1 / (eV cm2 s)")


class NaimaModel:
    """The CGM emission with naima's calling conventions.

    Parameters
    ----------
    emission : CGMEmission or Parameters, optional
        The emission model (default: the paper's parameters).
    species : str
        One of :data:`crescape.spectra.SPECIES_AT_EARTH` ('gamma' is attenuated on the CMB
        over the distance; naima's own models are unabsorbed, as 'gamma_unabsorbed').
    distance : Quantity [length] or float in kpc, optional
        Default distance of :meth:`flux`, :meth:`sed` and of a call; ``None`` means the
        Milky Way seen from inside: a call then returns the sky-averaged intensity of
        :meth:`CGMEmission.spectrum` in 1/(eV cm2 s sr).
    """

    def __init__(
        self,
        emission: CGMEmission | Parameters | None = None,
        species: str = "gamma",
        distance: Any = None,
    ):
        if emission is None or isinstance(emission, Parameters):
            emission = CGMEmission(emission)
        self.emission = emission
        self.species = species
        self.distance = None if distance is None else _length(distance, "distance") * u.cm
        if self.distance is not None:
            self._galaxy(self.distance)  # validates distance and species now
        else:
            self.emission.spectrum(1.0 * u.GeV, species)

    def _galaxy(self, distance) -> ExternalGalaxy:
        g = ExternalGalaxy(self.emission, distance=distance)
        g._check(self.species)
        return g

    def flux(self, photon_energy, distance: Any = None) -> u.Quantity:
        """Differential flux at ``distance`` [1/(eV cm2 s)]; ``distance=0``: luminosity [1/(s eV)].

        ``distance`` defaults to the model's. For the model built without a distance and
        none given, the sky-averaged intensity from inside [1/(eV cm2 s sr)].
        """
        if distance is None:
            distance = self.distance
        if distance is None:
            return self.emission.spectrum(photon_energy, self.species).to("1 / (eV cm2 s sr)")
        if np.all(u.Quantity(distance).value == 0):
            L = halo_luminosity(self.emission, _energy(photon_energy), self.species)
            return u.Quantity(L, "1 / (erg s)").to("1 / (eV s)")
        # naima's sources are points (flux ∝ 1/d²): the point-source limit L/(4πd²)
        return (
            self._galaxy(distance)
            .point_source_flux(photon_energy, self.species)
            .to(NAIMA_FLUX_UNIT)
        )

    def sed(self, photon_energy, distance: Any = None) -> u.Quantity:
        """E² × :meth:`flux` [erg/(cm2 s)]; ``distance=0``: E² L(E) [erg/s]."""
        E = u.Quantity(_energy(photon_energy), u.erg)
        f = self.flux(E, distance)
        unit = f.unit * u.eV * u.erg  # 1/eV -> erg
        return (E**2 * f).to(unit)

    def __call__(self, photon_energy) -> u.Quantity:
        """:meth:`flux` at the model's distance (a naima model function of energy)."""
        return self.flux(photon_energy)


_GAMMAPY_CLASS = None


def _gammapy_class():
    """Build the gammapy SpectralModel subclass once (gammapy imported only here)."""
    global _GAMMAPY_CLASS
    if _GAMMAPY_CLASS is not None:
        return _GAMMAPY_CLASS
    try:
        from gammapy.modeling import Parameter
        from gammapy.modeling.models import SpectralModel
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "gammapy is not installed: pip install 'crescape[gammapy]' for the gammapy adapter"
        ) from exc

    class CGMSpectralModel(SpectralModel):
        """crescape's CGM emission of a galaxy at a distance, as a gammapy spectral model.

        dN/dE = norm × F(E), F from :meth:`crescape.observer.ExternalGalaxy.point_source_flux`
        (or, without a distance, the sky-averaged intensity of the Milky Way per sr).
        """

        tag = ["CGMSpectralModel", "crescape-cgm"]
        norm = Parameter("norm", 1.0, unit="", interp="log")

        def __init__(self, naima_model: NaimaModel, norm: float = 1.0):
            self._naima = naima_model
            super().__init__(norm=norm)

        def evaluate(self, energy, norm):
            E = u.Quantity(energy)
            unit = "1 / (TeV cm2 s)" if self._naima.distance is not None else "1 / (TeV cm2 s sr)"
            flat = self._naima(E.ravel()).to(unit)
            return norm * flat.reshape(E.shape)

    _GAMMAPY_CLASS = CGMSpectralModel
    return CGMSpectralModel


def gammapy_model(
    emission: CGMEmission | Parameters | None = None,
    species: str = "gamma",
    distance: Any = None,
    norm: float = 1.0,
):
    """A gammapy ``SpectralModel`` of the CGM emission (see :class:`NaimaModel` for the arguments).

    Raises ImportError with the install hint when gammapy is missing.
    """
    cls = _gammapy_class()
    return cls(NaimaModel(emission, species, distance), norm=norm)


def __getattr__(name):
    if name == "CGMSpectralModel":
        return _gammapy_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
