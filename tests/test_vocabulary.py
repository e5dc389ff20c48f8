"""Each closed vocabulary is defined once; models, forms, API schemas and public labels
derive from it, so a code or label changed in one place changes everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sot
from sot.operations import models as ops_models
from sot.operations.core import vocabulary as vocab
from sot.outreach import models as outreach_models
from sot.plans import models as plans_models
from sot.registry import models as registry_models
from sot.vocabulary import FuelProduct, JobState, Language, Term
from sot.warnings import models as warn_models
from sot.warnings.core import model as warn_core

PAIRS = [
    (vocab.PointState, ops_models.State),
    (vocab.EventKind, ops_models.EventKind),
    (vocab.Severity, ops_models.Severity),
    (vocab.Source, ops_models.Source),
    (vocab.PowerSource, ops_models.PowerSource),
    (vocab.Availability, ops_models.Availability),
    (vocab.PaymentMethod, ops_models.PaymentMethod),
    (vocab.Queue, ops_models.Queue),
    (vocab.LogKind, ops_models.LogKind),
    (warn_core.Level, warn_models.LevelChoice),
    (warn_core.MsgType, warn_models.MsgTypeChoice),
    (warn_core.Status, warn_models.StatusChoice),
    (warn_core.Hazard, warn_models.HazardChoice),
    (warn_core.Source, warn_models.SourceKind),
    (JobState, registry_models.ImportJob.State),
    (JobState, plans_models.RunStatus),
    (Language, outreach_models.Language),
    (FuelProduct, registry_models.FuelType),
]


@pytest.mark.parametrize(("term", "choices"), PAIRS, ids=lambda x: x.__name__)
def test_model_choices_derive_from_the_vocabulary(term, choices):
    assert [(c, str(label)) for c, label in choices.choices] == [
        (m.value, m.label) for m in term
    ]
    assert [m.name for m in choices] == [m.name for m in term]


def test_a_term_is_its_code():
    assert vocab.PointState("open") is vocab.PointState.OPEN
    assert vocab.PointState.OPEN == "open" and vocab.PointState.OPEN.label == "Öppen"
    assert issubclass(warn_core.Level, Term) and warn_core.Level.RED.rank == 3


def test_api_schemas_accept_exactly_the_vocabulary():
    from sot.api.main import api

    schemas = api.get_openapi_schema()["components"]["schemas"]
    report = schemas["ReportIn"]["properties"]
    assert report["state"]["enum"] == ["activating", "open", "limited", "closed"]
    assert set(report["state"]["enum"]) == set(vocab.REPORTABLE_STATES)
    assert schemas["EventIn"]["properties"]["kind"]["enum"] == list(
        vocab.EventKind.codes()
    )


def test_the_report_form_offers_the_reportable_states_with_their_labels():
    from sot.operations.forms import REPORTABLE_STATES

    assert [(c, str(label)) for c, label in REPORTABLE_STATES] == [
        (s.value, s.label) for s in vocab.REPORTABLE_STATES
    ]


def test_public_state_map_covers_every_point_state():
    from sot.operations.core.public_state import OWES_REPORT, STATE_MAP

    assert set(STATE_MAP) == set(vocab.PointState)
    assert set(vocab.PointState) >= OWES_REPORT


def test_no_api_schema_retypes_a_vocabulary():
    """API schemas take their codes from the vocabularies, never a typed-out list."""
    src = Path(sot.__file__).parent
    retyped = [
        f"{p.relative_to(src)}:{n}"
        for p in src.rglob("api.py")
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(r"Literal\[\s*\"", line)
    ]
    assert retyped == []
