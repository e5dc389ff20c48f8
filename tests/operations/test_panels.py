"""The hook through which apps above operations add panels to its pages."""

import pytest

from sot.operations import panels
from sot.warnings import panels as warning_panels


def test_warnings_contributes_its_panels_once_connected_by_its_app_config():
    assert warning_panels.dashboard in panels._contributors["dashboard"]
    assert warning_panels.event in panels._contributors["event"]
    assert warning_panels.point in panels._contributors["point"]
    warning_panels.connect()  # connecting again adds nothing
    assert panels._contributors["point"].count(warning_panels.point) == 1


def test_an_unknown_page_is_refused():
    with pytest.raises(ValueError):
        panels.contribute("nowhere", lambda user: {})
