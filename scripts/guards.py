"""Show that the hostile-input guards are what makes their tests pass (#12).

    .venv/bin/python scripts/guards.py [NAME ...]

For each guard below: take it out of the source (one exact text replaced by
another), run the test that stands for it (it must now FAIL), put the source back,
and print one line per guard. The source is restored even when interrupted. Run it
on a clean work tree; it needs the test database the normal run uses
(SOT_DATABASE_URL, default SQLite).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Guard:
    name: str
    path: str
    guard: str  # the text that guards
    without: str  # what it becomes with the guard taken out
    test: str
    also: tuple[tuple[str, str, str], ...] = ()  # more (path, guard, without)

    def edits(self) -> list[tuple[str, str, str]]:
        return [(self.path, self.guard, self.without), *self.also]


_BACKSTOP = (
    "src/sot/validation/backstop.py",
    "    if raw:  # loaddata: fixtures are trusted as they are\n",
    "    if True:  # guard taken out\n",
)


GUARDS = [
    Guard(
        "backstop",
        "src/sot/validation/backstop.py",
        "    if raw:  # loaddata: fixtures are trusted as they are\n",
        "    if True:  # guard taken out\n",
        "tests/operations/test_ops_bounds.py::test_service_refuses_what_the_form_refuses",
    ),
    Guard(
        # the schema's bounds and the backstop behind them: either alone holds
        "api-bounds",
        "src/sot/validation/schema.py",
        "def Number(limit: bounds.Range) -> Any:  # noqa: N802 - a type\n",
        "def Number(limit: bounds.Range) -> Any:  # noqa: N802 - a type\n"
        "    return float\n",
        "tests/operations/test_ops_bounds.py::test_api_report_out_of_bounds_is_refused",
        also=(_BACKSTOP,),
    ),
    Guard(
        "file-size",
        "src/sot/validation/tabular.py",
        "    if size > max_bytes:\n",
        "    if False:\n",
        "tests/validation/test_badfiles.py"
        "::test_too_large_a_file_is_refused_before_it_is_parsed",
    ),
    Guard(
        "request-size",
        "src/sot/config/limits.py",
        "        if length > max_bytes():\n",
        "        if False:\n",
        "tests/validation/test_badfiles.py"
        "::test_a_request_over_the_limit_gets_413_before_it_is_read",
    ),
    Guard(
        "zip-bomb",
        "src/sot/validation/tabular.py",
        "def _xlsx_is_safe(data: bytes) -> None:\n",
        "def _xlsx_is_safe(data: bytes) -> None:\n    return\n",
        "tests/validation/test_badfiles.py::test_reader_refuses_with_a_clear_message",
    ),
    Guard(
        "formulas",
        "src/sot/validation/bounds.py",
        "    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value):\n",
        "    if False:\n",
        "tests/validation/test_exports.py",
    ),
    Guard(
        "csrf",
        "src/sot/api/auth.py",
        "    if check_csrf(request) is not None:\n",
        "    if False:\n",
        "tests/config/test_headers.py"
        "::test_cookie_api_write_without_csrf_token_is_refused",
    ),
    Guard(
        "sms-console-scope",
        "src/sot/outreach/pages.py",
        '        if not console_may_send_as(request.user, form.cleaned_data["sender"]):\n',
        "        if False:\n",
        "tests/outreach/test_pages.py"
        "::test_console_acts_only_as_numbers_in_the_officers_scope",
    ),
    Guard(
        "import-batches",
        "src/sot/registry/tables.py",
        "    result = ImportResult()\n    done = 0\n    for batch in batches:\n",
        "    result = ImportResult()\n    done = 0\n    transaction.atomic().__enter__()\n"
        "    for batch in batches:\n",
        "tests/registry/test_import_jobs.py"
        "::test_reports_are_answered_while_the_job_writes",
    ),
]


def run(guard: Guard) -> str:
    sources = {}
    for path, old, _new in guard.edits():
        text = sources.get(path) or (REPO / path).read_text()
        sources[path] = text
        if text.count(old) != 1:
            return f"{guard.name:18} NOT FOUND in {path} (update this script)"
    try:
        edited = dict(sources)
        for path, old, new in guard.edits():
            edited[path] = edited[path].replace(old, new)
        for path, text in edited.items():
            (REPO / path).write_text(text)
        env = {"SOT_DATABASE_URL": "sqlite:///sot-test.sqlite3", **os.environ}
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-x",
                "-p",
                "no:cacheprovider",
                guard.test,
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
    finally:
        for path, text in sources.items():
            (REPO / path).write_text(text)
    verdict = (
        "fails without it (good)"
        if out.returncode == 1
        else (
            "STILL PASSES: the test does not hold the guard"
            if out.returncode == 0
            else f"error (exit {out.returncode})"
        )
    )
    return f"{guard.name:18} {verdict}  [{guard.test}]"


def main() -> None:
    names = set(sys.argv[1:])
    for guard in GUARDS:
        if not names or guard.name in names:
            print(run(guard), flush=True)


if __name__ == "__main__":
    main()
