"""The status lifecycle rules (sot.operations.core.status), with hypothesis for sequences."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sot.operations.core.status import (
    REFUSAL_MESSAGES_SV,
    REPORTING_STATES,
    Change,
    EventWindow,
    PointState,
    RefusalCode,
    TransitionRefused,
    allowed_targets,
    check_activation,
    check_transition,
    replay,
)

T0 = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
EVENT = EventWindow(starts_at=T0)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def test_activation_starts_alerted():
    change = check_activation(event=EVENT, current=None, at=at(1))
    assert change == Change(previous=None, state=PointState.ALERTED, at=at(1))


def test_activation_needs_an_event():
    with pytest.raises(TransitionRefused) as err:
        check_activation(event=None, current=None, at=at(1))
    assert err.value.code == RefusalCode.NO_EVENT
    assert "händelse" in err.value.message


def test_activation_refused_before_start_and_after_end():
    event = EventWindow(starts_at=at(1), ends_at=at(5))
    with pytest.raises(TransitionRefused) as err:
        check_activation(event=event, current=None, at=at(0))
    assert err.value.code == RefusalCode.EVENT_NOT_STARTED
    with pytest.raises(TransitionRefused) as err:
        check_activation(event=event, current=None, at=at(5))
    assert err.value.code == RefusalCode.EVENT_ENDED


def test_activating_twice_is_refused_but_closed_point_reactivates():
    with pytest.raises(TransitionRefused) as err:
        check_activation(event=EVENT, current=PointState.OPEN, at=at(1))
    assert err.value.code == RefusalCode.ALREADY_ACTIVATED
    change = check_activation(event=EVENT, current=PointState.CLOSED, at=at(2))
    assert change.state == PointState.ACTIVATING


def test_happy_path():
    history = [check_activation(event=EVENT, current=None, at=at(0))]
    for target in (PointState.ACTIVATING, PointState.OPEN, PointState.LIMITED):
        history.append(
            check_transition(
                event=EVENT, current=history[-1].state, target=target, at=at(1)
            )
        )
    history.append(
        check_transition(
            event=EVENT,
            current=history[-1].state,
            target=PointState.CLOSED,
            at=at(9),
            reason="Strömmen tillbaka",
        )
    )
    assert replay(history) == PointState.CLOSED
    assert history[-1].reason == "Strömmen tillbaka"


@pytest.mark.parametrize("reason", ["", "   "])
def test_closing_needs_a_reason(reason):
    with pytest.raises(TransitionRefused) as err:
        check_transition(
            event=EVENT,
            current=PointState.OPEN,
            target=PointState.CLOSED,
            at=at(1),
            reason=reason,
        )
    assert err.value.code == RefusalCode.REASON_REQUIRED


def test_unknown_only_automatic_and_only_from_reporting_states():
    with pytest.raises(TransitionRefused) as err:
        check_transition(
            event=EVENT, current=PointState.OPEN, target=PointState.UNKNOWN, at=at(1)
        )
    assert err.value.code == RefusalCode.UNKNOWN_IS_AUTOMATIC
    with pytest.raises(TransitionRefused) as err:
        check_transition(
            event=EVENT,
            current=PointState.CLOSED,
            target=PointState.UNKNOWN,
            at=at(1),
            automatic=True,
        )
    assert err.value.code == RefusalCode.NOT_STALE_STATE
    change = check_transition(
        event=EVENT,
        current=PointState.LIMITED,
        target=PointState.UNKNOWN,
        at=at(1),
        automatic=True,
    )
    assert change.automatic and change.state == PointState.UNKNOWN


def test_after_the_event_only_closing():
    ended = EventWindow(starts_at=T0, ends_at=at(2))
    with pytest.raises(TransitionRefused) as err:
        check_transition(
            event=ended, current=PointState.LIMITED, target=PointState.OPEN, at=at(3)
        )
    assert err.value.code == RefusalCode.EVENT_ENDED
    change = check_transition(
        event=ended,
        current=PointState.OPEN,
        target=PointState.CLOSED,
        at=at(3),
        reason="Händelsen avslutad",
    )
    assert change.state == PointState.CLOSED


def test_allowed_targets_for_forms():
    assert allowed_targets(event=EVENT, current=PointState.OPEN, at=at(1)) == [
        PointState.LIMITED,
        PointState.CLOSED,
    ]
    assert allowed_targets(event=EVENT, current=PointState.UNKNOWN, at=at(1)) == [
        PointState.ACTIVATING,
        PointState.OPEN,
        PointState.LIMITED,
        PointState.CLOSED,
    ]


def test_every_refusal_has_a_swedish_message():
    assert set(REFUSAL_MESSAGES_SV) == set(RefusalCode)


def test_replay_refuses_a_broken_history():
    with pytest.raises(ValueError):
        replay([Change(previous=PointState.OPEN, state=PointState.CLOSED, at=at(1))])


# --- property: random sequences of actions never reach an invalid state -----------

ACTIONS = st.one_of(
    st.tuples(st.just("activate"), st.just(None), st.just("")),
    st.tuples(
        st.just("set"),
        st.sampled_from(list(PointState)),
        st.sampled_from(["", "Bränslet slut"]),
    ),
    st.tuples(st.just("stale"), st.just(None), st.just("")),
    st.tuples(st.just("end_event"), st.just(None), st.just("")),
)


class Model:
    """A point in one event, driven only through the rules module."""

    def __init__(self, event_ends_at_h: float | None):
        self.ended = False
        self.ends_at_h = event_ends_at_h
        self.state: PointState | None = None
        self.history: list[Change] = []
        self.clock = 0.0

    @property
    def event(self) -> EventWindow:
        ends = at(self.ends_at_h) if self.ends_at_h is not None else None
        return EventWindow(starts_at=T0, ends_at=ends)

    def apply(self, action, target, reason) -> None:
        self.clock += 0.5
        now = at(self.clock)
        if action == "end_event":
            if self.ends_at_h is None:
                self.ends_at_h = self.clock
            return
        try:
            if action == "activate":
                change = check_activation(event=self.event, current=self.state, at=now)
            elif action == "stale":
                change = check_transition(
                    event=self.event,
                    current=self.state,
                    target=PointState.UNKNOWN,
                    at=now,
                    automatic=True,
                )
            else:
                change = check_transition(
                    event=self.event,
                    current=self.state,
                    target=target,
                    at=now,
                    reason=reason,
                )
        except TransitionRefused as refused:
            assert refused.code in RefusalCode
            assert refused.message
            return
        assert change.previous == self.state
        self.history.append(change)
        self.state = change.state


@settings(max_examples=300, deadline=None)
@given(
    actions=st.lists(ACTIONS, max_size=40),
    ends_at_h=st.one_of(st.none(), st.floats(min_value=0, max_value=25)),
)
def test_random_sequences_never_reach_an_invalid_state(actions, ends_at_h):
    model = Model(ends_at_h)
    for action in actions:
        model.apply(*action)
        # The history replays to the current state: every change was kept.
        assert replay(model.history) == model.state
    event = model.event
    for change in model.history:
        # Invariants that hold for every accepted change.
        assert change.state != change.previous
        if change.state == PointState.CLOSED:
            assert change.reason.strip()
        if change.state == PointState.UNKNOWN:
            assert change.automatic and change.previous in REPORTING_STATES
        else:
            assert not change.automatic
        if change.state in (
            PointState.ALERTED,
            PointState.ACTIVATING,
            PointState.OPEN,
            PointState.LIMITED,
        ):
            # A point is alerted, activated or opened only within a running event.
            assert event.is_running(change.at)
    if model.history:
        assert model.history[0].state == PointState.ALERTED
        assert model.history[0].previous is None
