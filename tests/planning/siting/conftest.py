"""Fixtures of the siting tests (plain numeric inputs, no database)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def known_answers() -> dict:
    """The hand-solved instances of data/known_answers.json."""
    return json.loads((DATA / "known_answers.json").read_text())


def coverage_from_lists(lists, n_demand: int) -> sp.csr_matrix:
    """Candidates x demand boolean CSR from one list of demand indices per candidate."""
    rows = np.repeat(np.arange(len(lists)), [len(x) for x in lists])
    cols = np.asarray([i for x in lists for i in x], dtype=np.int64)
    return sp.csr_matrix(
        (np.ones(cols.size, dtype=bool), (rows, cols)), shape=(len(lists), n_demand)
    )
