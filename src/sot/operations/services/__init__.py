"""Service functions for running a disruption. Views, API, CLI and SMS call these.

Every function takes keyword-only arguments, owns its transaction, checks the
permission of the acting user (``None`` = the system itself), writes the log, and
sends :mod:`sot.operations.signals` on commit. Refusals:

* :class:`sot.errors.Refused`: the user may not (403);
* :class:`sot.operations.core.status.TransitionRefused`: the lifecycle does not allow it
  (``code`` and Swedish ``message``);
* :class:`StaleReport`: a status report form based on an older report;
* :class:`OperationRefused`: anything else (``code``, Swedish ``message``).
"""

from sot.operations.services.activation import (
    activate_point,
    get_activation,
    require_not_suspended,
    set_point_state,
)
from sot.operations.services.common import (
    KEEP,
    NO_CARRY,
    REPORT_FIELDS,
    UNSET,
    OperationRefused,
    StaleReport,
    UidConflict,
    as_uid,
    stored_once,
)
from sot.operations.services.events import (
    close_all_points,
    create_event,
    delete_exercise,
    end_event,
    update_public_message,
)
from sot.operations.services.fuel import (
    ROOM_SLACK,
    record_fuel_delivery,
)
from sot.operations.services.hours import (
    HoursRefused,
    event_days,
    set_opening_hours,
)
from sot.operations.services.logbook import (
    add_log_entry,
)
from sot.operations.services.reports import (
    REPORTING,
    confirm_report,
    mark_stale,
    report_fuel_level_l,
    submit_status_report,
)
from sot.operations.services.sitreps import create_situation_report

__all__ = [
    "KEEP",
    "NO_CARRY",
    "HoursRefused",
    "OperationRefused",
    "REPORTING",
    "REPORT_FIELDS",
    "ROOM_SLACK",
    "StaleReport",
    "UNSET",
    "UidConflict",
    "activate_point",
    "add_log_entry",
    "as_uid",
    "close_all_points",
    "confirm_report",
    "create_event",
    "create_situation_report",
    "delete_exercise",
    "end_event",
    "event_days",
    "get_activation",
    "mark_stale",
    "record_fuel_delivery",
    "report_fuel_level_l",
    "require_not_suspended",
    "set_opening_hours",
    "set_point_state",
    "stored_once",
    "submit_status_report",
    "update_public_message",
]
