"""The planning app's actions (see sot.accounts.policy)."""

from sot.accounts import policy

#: Start a planning run (a background task that may read large files): the county
#: coordinator, for their own county.
RUN_PLANNING = policy.register_action("planning.run", roles={policy.COORD})
#: Results of planning runs and of `sot plan` (read-only).
VIEW_PLANNING = policy.VIEW_PLANNING
#: See where on the server the planning folder (SOT_PLAN_DIR) lies: whoever runs the
#: install (no role: the superuser's alone).
SEE_PLAN_DIR = policy.register_action("planning.see_directory", roles=set())
