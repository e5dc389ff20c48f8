"""Each closed vocabulary is defined once; models, forms, API schemas and public labels
derive from it, so a code or label changed in one place changes everywhere.

``test_no_vocabulary_is_defined_twice`` finds every vocabulary class in sot (each enum
and ``TextChoices``, nested ones in models too) and fails when two of them that are not
derived one from the other hold the same codes; the tests after it check that model
fields, API schemas and the plain constants take their codes from one of them.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

import sot
from sot.operations import models as ops_models
from sot.operations.core import public_state
from sot.operations.core import vocabulary as vocab
from sot.outreach import models as outreach_models
from sot.outreach.core import commands, templates
from sot.planning import cli
from sot.planning.results import MODELS, Siting
from sot.plans import models as plans_models
from sot.public.core import model as public_core
from sot.registry import models as registry_models
from sot.vocabulary import (
    FuelProduct,
    JobState,
    Language,
    PublicAvailability,
    PublicState,
    Term,
)
from sot.warnings import models as warn_models
from sot.warnings.core import detect
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
    (warn_core.Format, warn_models.WarningFormat),
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


# --- one definition each ------------------------------------------------------------


def _modules():
    """Every module of sot but migrations and ``__main__`` (an optional package that
    is not installed skips the modules that need it)."""
    for info in pkgutil.walk_packages(sot.__path__, "sot."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        try:
            yield importlib.import_module(info.name)
        except ModuleNotFoundError as e:
            if (e.name or "").split(".")[0] == "sot":
                raise


def _classes_in(module):
    for obj in vars(module).values():
        if inspect.isclass(obj) and obj.__module__ == module.__name__:
            yield obj
            yield from (
                v for v in vars(obj).values() if inspect.isclass(v) and v is not obj
            )


def vocabularies() -> list[type[enum.Enum]]:
    """Every vocabulary class defined in sot, each once."""
    found: dict[int, type[enum.Enum]] = {}
    for module in _modules():
        for cls in _classes_in(module):
            if issubclass(cls, enum.Enum) and len(cls) > 0:
                found[id(cls)] = cls
    return list(found.values())


def source_of(cls):
    """The one definition a vocabulary class derives from (itself if it is one):
    ``sot.config.choices`` marks what it derives with ``term``."""
    while "term" in vars(cls):
        cls = vars(cls)["term"]
    return cls


def codes(cls) -> frozenset[str]:
    return frozenset(str(m.value) for m in cls)


def definitions(classes=None) -> dict[frozenset[str], list]:
    """The one definitions (not derived) among ``classes`` by their codes."""
    by_codes = defaultdict(list)
    for cls in vocabularies() if classes is None else classes:
        if source_of(cls) is cls:
            by_codes[codes(cls)].append(cls)
    return by_codes


def defined_twice(classes) -> list[list[str]]:
    """Groups of vocabularies that hold the same codes and are not derived one from
    the other."""
    return sorted(
        sorted(name(c) for c in group)
        for group in definitions(classes).values()
        if len(group) > 1
    )


def name(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_the_search_finds_the_vocabularies():
    found = vocabularies()
    for cls in (
        vocab.PointState,
        ops_models.State,
        JobState,
        registry_models.ImportJob.State,
        commands.Service,
        Siting,
        plans_models.SitingModel,
        warn_core.Format,
    ):
        assert cls in found
    assert len(found) > 60


def test_no_vocabulary_is_defined_twice():
    """Two vocabularies with the same codes are one vocabulary: define it once
    (a ``Term`` in a plain module) and derive the other (``text_choices``,
    ``labelled_choices`` or a plain alias)."""
    assert defined_twice(vocabularies()) == []


def test_a_derived_vocabulary_has_the_codes_of_its_source():
    derived = [c for c in vocabularies() if source_of(c) is not c]
    assert len(derived) >= 20
    for cls in derived:
        source = source_of(cls)
        assert [m.name for m in cls] == [m.name for m in source], name(cls)
        assert [m.value for m in cls] == [m.value for m in source], name(cls)
        if issubclass(source, Term):
            assert [str(m.label) for m in cls] == [m.label for m in source]


def test_every_model_field_takes_its_choices_from_a_definition():
    known = set(definitions())
    typed_out = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("sot.")
        for field in model._meta.get_fields()
        if getattr(field, "choices", None)
        and frozenset(str(c) for c, _ in field.choices) not in known
    ]
    assert typed_out == []


def _enums(node):
    if isinstance(node, dict):
        if "enum" in node:
            yield node["enum"]
        for value in node.values():
            yield from _enums(value)
    elif isinstance(node, list):
        for value in node:
            yield from _enums(value)


def test_every_api_enum_is_part_of_one_definition():
    """Each set of codes an API schema accepts lies within one vocabulary (optional
    fields add ""), so a code the models do not know cannot be accepted."""
    from sot.api.main import api

    schemas = api.get_openapi_schema()["components"]["schemas"]
    known = list(definitions())
    enums = [frozenset(map(str, e)) - {""} for e in _enums(schemas)]
    assert len(enums) >= 8
    stray = [sorted(e) for e in enums if not any(e <= k for k in known)]
    assert stray == []
    language = schemas["SubscribeIn"]["properties"]["language"]
    assert language["enum"] == list(Language.codes())


def test_plain_constants_are_spelled_from_their_vocabulary():
    # languages: the site's, the SMS templates' and a subscriber's
    assert [code for code, _ in settings.LANGUAGES] == list(Language.codes())
    assert tuple(Language) == templates.LANGUAGES
    assert all(type(lang) is Language for lang in templates.LANGUAGES)
    # fuel products: register service code -> status report key; the SMS words
    assert set(vocab.FUEL_PRODUCT_KEYS.values()) == set(FuelProduct)
    assert all(type(v) is FuelProduct for v in vocab.FUEL_PRODUCT_KEYS.values())
    assert commands.Service.PETROL.value == FuelProduct.PETROL
    assert commands.Service.DIESEL.label == "diesel"
    assert commands.Service.PETROL.label == "bensin"
    assert all(type(s) is commands.Service for s in commands._SERVICES.values())
    assert set(commands._SERVICES.values()) == set(commands.Service)
    help_text = ops_models.StatusReport._meta.get_field("fuel_products").help_text
    products, availability = re.fullmatch(r"\{(.*): (.*)\}", str(help_text)).groups()
    assert set(products.split("|")) == set(FuelProduct.codes())
    assert availability.split("|") == list(vocab.Availability.codes())
    # the public state and availability: made by operations, shown by public
    assert public_state.Shown is PublicState is public_core.PublicState
    assert public_state.Availability is PublicAvailability
    assert set(public_core.STATE_LABELS) == set(PublicState)
    assert set(public_state.STATE_MAP) == set(vocab.PointState)
    # warning formats: every parser's name is a format, every format has a parser
    assert set(detect.FORMATS) == set(warn_core.Format)
    assert all(type(f) is warn_core.Format for f in detect.FORMATS)
    # siting models: planning's command line and a planning run
    assert cli.MODELS is MODELS and set(MODELS) == set(Siting)


def test_a_vocabulary_typed_out_twice_is_found(tmp_path, monkeypatch):
    """The search tells a vocabulary typed out again (a ``TextChoices`` with the fuel
    products' codes) from one derived from the definition."""
    from sot.config.choices import text_choices

    (tmp_path / "sot_dup_vocab.py").write_text(
        "from django.db import models\n\n\n"
        "class Fuel(models.TextChoices):\n"
        '    DIESEL = "diesel", "Diesel"\n'
        '    HVO100 = "hvo100", "HVO100"\n'
        '    PETROL = "petrol", "Bensin"\n'
        '    OTHER = "other", "Annat"\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    typed_out = importlib.import_module("sot_dup_vocab").Fuel
    derived = text_choices(FuelProduct, name="Fuel", module="sot_dup_vocab")
    found = vocabularies()
    assert defined_twice([*found, derived]) == []
    assert defined_twice([*found, typed_out]) == [
        ["sot.vocabulary.FuelProduct", "sot_dup_vocab.Fuel"]
    ]


def test_swedish_order_puts_a_ring_a_umlaut_o_umlaut_after_z():
    from sot.vocabulary import swedish_order

    names = ["Östersund", "Älvdalen", "Åre", "Zinkgruvan", "eda", "Berg", "Åsele"]
    assert sorted(names, key=swedish_order) == [
        "Berg", "eda", "Zinkgruvan", "Åre", "Åsele", "Älvdalen", "Östersund",
    ]  # fmt: skip
