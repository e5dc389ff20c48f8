"""Typed errors of the planning package.

Every error says what went wrong *and what to do about it*; the CLI prints the message
on one line and exits with code 2.
"""

from __future__ import annotations


class PlanningError(Exception):
    """Base class of every planning error that is the user's input, not a bug."""


class NetworkError(PlanningError):
    """The road network cannot be built or loaded (no roads, wrong file, bad cache)."""


class PopulationError(PlanningError):
    """A population file has a layout, a CRS or values we do not accept."""


class CandidateError(PlanningError):
    """Candidate or facility locations cannot be used (bad CSV, outside the network)."""


class WorkdirError(PlanningError):
    """A step needs an artefact that an earlier step has not written yet."""


class ExtraMissing(PlanningError):
    """A step needs the planning extra (scipy, HiGHS, ...), which is not installed."""
