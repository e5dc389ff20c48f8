"""The planning app's actions (see sot.accounts.policy)."""

from sot.accounts import policy

#: Start a planning run (a background task that may read large files): the county
#: coordinator, for their own county.
RUN_PLANNING = policy.register_action("planning.run", roles={policy.COORD})
#: Results of planning runs and of `sot plan` (read-only).
VIEW_PLANNING = policy.VIEW_PLANNING
