"""Bounds for every input, defined once.

:mod:`sot.validation.bounds` (plain Python) says what sot accepts: text lengths that
fit the columns, number ranges, finite numbers, no NUL or control characters. The
API schemas (:mod:`sot.validation.schema`), the forms, the CSV/XLSX row readers, the
SMS commands and the query parameters all take their limits from there, and
:mod:`sot.validation.backstop` checks every model row again just before it is saved,
so no path can store what another path refuses.
"""
