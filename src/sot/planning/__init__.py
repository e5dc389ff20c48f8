"""Planning (plain Python, no Django): road network, population, reach, candidates,
what-if, report and the `sot plan` CLI; siting models in `sot.planning.siting`.

See docs/planning.md for the methods, formulas, sources and assumptions.
"""
