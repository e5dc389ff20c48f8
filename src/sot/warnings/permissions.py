"""The warnings app's actions, registered with the accounts policy.

| action | who (within their scope) |
|---|---|
| ``warning.view`` | coordinator, officer, operator |
| ``warning.import`` (upload, import command through the API) | coordinator, officer |
| ``warning.end`` (end a manually imported message by hand) | coordinator |
| ``suggestion.view`` / ``suggestion.decide`` | coordinator, officer |
| ``suggestion_rule.change`` | coordinator |
| ``warning_source.view_health`` (was ``feed.view_health`` before #10) | coordinator, officer |
"""

from __future__ import annotations

from sot.accounts.policy import COORD, OFFICER, OPERATOR, register_action

VIEW_WARNING = register_action("warning.view", roles={COORD, OFFICER, OPERATOR})
IMPORT_WARNING = register_action("warning.import", roles={COORD, OFFICER})
END_WARNING = register_action("warning.end", roles={COORD})
VIEW_SUGGESTION = register_action("suggestion.view", roles={COORD, OFFICER})
DECIDE_SUGGESTION = register_action("suggestion.decide", roles={COORD, OFFICER})
CHANGE_RULE = register_action("suggestion_rule.change", roles={COORD})
VIEW_SOURCE_HEALTH = register_action(
    "warning_source.view_health", roles={COORD, OFFICER}
)
