"""The notify app's actions, registered with the accounts policy.

| action | who (within their scope) |
|---|---|
| ``roster.view`` (names, skills, training; no contact details) | coordinator, officer, operator |
| ``roster.view_personal`` (phone, e-mail, location) | coordinator, officer |
| ``roster.change`` (add, import, edit, erase) | coordinator, officer |
| ``callout.start`` / ``callout.change`` (cancel) | coordinator, officer |
| ``callout.view`` | coordinator, officer, operator |
| ``notify.view_messages`` (delivery records) | coordinator, officer |
| ``residents.warn`` (a warning to every subscriber in the county) | coordinator |
| ``subscribers.import`` (subscriptions from another system) | coordinator, officer |
"""

from __future__ import annotations

from sot.accounts.policy import COORD, OFFICER, OPERATOR, register_action

ALL = {COORD, OFFICER, OPERATOR}
OFFICIALS = {COORD, OFFICER}

VIEW_ROSTER = register_action("roster.view", roles=ALL)
VIEW_PERSONAL = register_action("roster.view_personal", roles=OFFICIALS)
CHANGE_ROSTER = register_action("roster.change", roles=OFFICIALS)
START_CALLOUT = register_action("callout.start", roles=OFFICIALS)
CHANGE_CALLOUT = register_action("callout.change", roles=OFFICIALS)
VIEW_CALLOUT = register_action("callout.view", roles=ALL)
VIEW_MESSAGES = register_action("outreach.view_messages", roles=OFFICIALS)
WARN_RESIDENTS = register_action("residents.warn", roles={COORD})
IMPORT_SUBSCRIBERS = register_action("subscribers.import", roles=OFFICIALS)
