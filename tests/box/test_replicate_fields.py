"""Every field of a status report reaches a box: a report field added later must not
be dropped silently by the box's copy."""

from sot.box import replicate
from sot.operations.models import StatusReport

#: Fields the box sends on their own (ids and times) or rebuilds locally.
SENT_APART = {
    "id",
    "uid",
    "activation_id",
    "observed_at",
    "received_at",
    "clock_offset_s",
    "via_box",
    "reported_by_id",
    "based_on_id",
}


def test_every_report_field_is_copied_to_the_box():
    fields = {f.attname for f in StatusReport._meta.concrete_fields}
    assert fields - SENT_APART == set(replicate.REPORT_COPY)
