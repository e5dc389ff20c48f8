"""sot.outreach.core is a plain package: no Django, directly or through sot modules
(it may use the plain vocabularies of sot.vocabulary, as every plain core may)."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "src" / "sot" / "outreach" / "core"


def test_no_django_import_in_the_source():
    bad = []
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] == "django" or (
                    name.startswith("sot.")
                    and not name.startswith("sot.outreach.core")
                    and name != "sot.vocabulary"
                ):
                    bad.append((path.name, name))
    assert bad == []


def test_importing_everything_loads_no_django():
    code = (
        "import sys, sot.outreach.core.gsm, sot.outreach.core.templates, "
        "sot.outreach.core.commands, sot.outreach.core.callout, sot.outreach.core.twilio, "
        "sot.outreach.core.phone; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
