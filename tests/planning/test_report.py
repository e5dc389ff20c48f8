"""The report's maps: one marker per unit when few, an image of binned units when many."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from sot.planning import report  # noqa: E402
from sot.planning.network import grid_network  # noqa: E402


def _image(fig) -> np.ma.MaskedArray:
    (ax,) = [a for a in fig.axes if a.images]
    return ax.images[0].get_array()


def test_many_units_are_drawn_as_an_image_of_the_worst_unit_per_pixel(monkeypatch):
    monkeypatch.setattr(report, "_MAX_UNITS_DRAWN", 3)
    monkeypatch.setattr(report, "_RASTER_PX", 2)
    net = grid_network(3, 3, spacing_m=1000.0)
    # 2 km across in 2 pixels: pixels of 1 km, (row, col) = (y // 1 km, x // 1 km);
    # (0, 0): 2 and 7 min -> the worst, class 5-10 min (1); (0, 1): 40 min -> 30-45
    # (5); (1, 1): 12 min -> 10-15 (2); (2, 2): not reached (7); (1, 0): nobody
    x = np.array([0.0, 100.0, 1500.0, 1500.0, 2000.0]) + 450000.0
    y = np.array([0.0, 200.0, 0.0, 1500.0, 2000.0]) + 6900000.0
    t_s = np.array([120.0, 420.0, 2400.0, 720.0, np.inf])
    fig = report.reach_map(net, x, y, t_s, np.ones(5), ([], []))
    img = _image(fig)
    assert img.shape == (3, 3)  # the far corner (2 000 m) opens a third pixel
    assert img[0, 0] == 1 and img[0, 1] == 5
    assert img[1, 1] == 2
    assert img[2, 2] == 7  # not reached
    assert img.mask[1, 0] and img.mask[2, 0]
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert "> 60 min / ej nådd" in labels


def test_few_units_are_drawn_one_marker_each():
    net = grid_network(3, 3, spacing_m=1000.0)
    x = np.array([450000.0, 451000.0])
    y = np.array([6900000.0, 6901000.0])
    fig = report.reach_map(net, x, y, [60.0, None], [5.0, 1.0], ([], []))
    ax = fig.axes[0]
    assert not ax.images
    offsets = [c.get_offsets() for c in ax.collections if len(c.get_offsets())]
    assert sum(len(o) for o in offsets) >= 2
