"""Django ``TextChoices`` derived from the plain vocabularies in :mod:`sot.vocabulary`.

Each derived class remembers its source as ``term``, so ``tests/test_vocabulary.py``
can tell a derived vocabulary from one typed out a second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

from django.db import models
from django.utils.translation import gettext_lazy

from sot.vocabulary import Term


def text_choices(
    term: type[Term], *, name: str | None = None, module: str | None = None
) -> type[models.TextChoices]:
    """The model choices of a vocabulary: same member names, codes and (translated)
    labels; ``module`` is the defining module (for pickling and migrations)."""
    choices = models.TextChoices(
        name or term.__name__,
        [(m.name, (m.value, gettext_lazy(m.label))) for m in term],
        module=module or term.__module__,
    )
    choices.term = term
    return choices


def labelled_choices(
    codes: type[Enum], labels: Mapping[Enum, str], *, name: str, module: str
) -> type[models.TextChoices]:
    """The model choices of a plain vocabulary that carries no labels (planning's,
    which imports nothing of sot): the codes from ``codes``, the (translated) label
    of every member from ``labels``, which must name each member once."""
    if list(labels) != list(codes):
        raise ValueError(f"labels for {codes.__name__} must follow its members")
    choices = models.TextChoices(
        name, [(m.name, (m.value, labels[m])) for m in codes], module=module
    )
    choices.term = codes
    return choices
