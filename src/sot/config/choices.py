"""Django ``TextChoices`` derived from the plain vocabularies in :mod:`sot.vocabulary`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy

from sot.vocabulary import Term


def text_choices(
    term: type[Term], *, name: str | None = None, module: str | None = None
) -> type[models.TextChoices]:
    """The model choices of a vocabulary: same member names, codes and (translated)
    labels; ``module`` is the defining module (for pickling and migrations)."""
    return models.TextChoices(
        name or term.__name__,
        [(m.name, (m.value, gettext_lazy(m.label))) for m in term],
        module=module or term.__module__,
    )
