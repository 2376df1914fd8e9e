"""The Eq. (8) field of the transport configuration is the model's B_sat (one formula)."""

import astropy.units as u
import pytest

from crescape import EscapeModel, Galaxy
from crescape.params import Parameters
from crescape.simulate.config import TransportConfig


@pytest.mark.parametrize("slope", [2.0, 2.2, 2.4])
def test_transport_eq8_field_is_model_B_sat(slope):
    params = Parameters.from_flat({"slope": slope})
    cfg = TransportConfig({"transport": {"dB": "eq8"}}, params)
    B_model = EscapeModel(Galaxy(slope=slope), energy=1 * u.GeV)["B_sat"].to_value("G")
    assert cfg.dB == pytest.approx(B_model, rel=1e-12, abs=0)


def test_eq8_field_follows_the_reference_energy_for_soft_spectra():
    params = Parameters.from_flat({"slope": 2.2})
    lo = TransportConfig({"transport": {"dB": "eq8", "E0": "1 GeV"}}, params).dB
    hi = TransportConfig({"transport": {"dB": "eq8", "E0": "100 GeV"}}, params).dB
    # E²φ ∝ E^(2-s): δB ∝ E^(1-s/2)
    assert hi / lo == pytest.approx(100.0 ** (1 - 2.2 / 2), rel=1e-10, abs=0)
