"""Signals other apps listen to. Both are sent on commit (``transaction.on_commit``).

``public_state_changed(sender, point=..., event=...)``
    Something the public sees changed: a point's state or last report within an
    event, or the event itself (``point=None``: the event's public message, its end,
    or the deletion of an exercise). The public site republishes its snapshot and
    emits CAP; ``event.is_exercise`` tells it to mark everything ÖVNING.

``point_activated(sender, activation=...)``
    A point was activated (alerted) in an event: the call-out starts here.

``exercise_suspended(sender, activation=..., real=..., text=...)``
    An exercise activation was suspended because a real event took the point; the
    exercise lead is told (``text`` is the Swedish log line).
"""

from django.dispatch import Signal

public_state_changed = Signal()
point_activated = Signal()
exercise_suspended = Signal()
