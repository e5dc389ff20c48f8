"""Demo data of the warnings app: the built-in warning sources, the default suggestion rules, and
an exercise: an orange SMHI wind warning for the Jämtland mountains (written for the
demo, marked ÖVNING), which puts suggestions before Åre's and Krokom's officers.
Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from sot.warnings import polling, services
from sot.warnings.core import smhi
from sot.warnings.core.model import Status
from sot.warnings.rules import ensure_default_rules

EXERCISE = Path(__file__).resolve().parent / "demo_data" / "ovning_fjallvind_smhi.json"


def load(stdout=None) -> None:
    polling.ensure_sources()
    ensure_default_rules()
    document = smhi.parse_warnings(EXERCISE.read_bytes(), status=Status.EXERCISE)
    # Not a snapshot: the demo exercise must not end anything else.
    document = type(document)(
        format=document.format, messages=document.messages, source=document.source
    )
    report = services.import_document(
        document=document, via="cli", status=Status.EXERCISE
    )
    if stdout is not None:
        for m in report.messages:
            stdout.write(
                f"Varningar: övning {m.identifier} "
                f"({services.ACTION_WORDS[m.action]}), punkter "
                f"{', '.join(m.point_ids) or '–'}, förslag {len(m.suggestion_ids)}"
            )
