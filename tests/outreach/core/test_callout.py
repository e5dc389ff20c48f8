"""Call-out rules: the 3 x N proposal and tracking answers until N yes."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sot.outreach.core.callout import (
    Action,
    CallOut,
    CallOutState,
    Candidate,
    Outcome,
    PersonStatus,
    great_circle_m,
    propose,
)
from sot.outreach.core.commands import Answer

T0 = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
KALL = (63.47262, 13.23335)


def t(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_great_circle_one_degree_of_latitude():
    # 1 degree of latitude on a 6371 km sphere is 111.195 km
    assert round(great_circle_m(63.0, 13.0, 64.0, 13.0)) == 111195


def people(n: int, skills=("generator",)) -> list[Candidate]:
    return [
        Candidate(
            id=f"p{i:02d}", skills=frozenset(skills), lat=KALL[0] + i / 100, lon=KALL[1]
        )
        for i in range(n)
    ]


def test_three_times_n():
    proposals = propose(people(20), needed=4, skills=["generator"], origin=KALL)
    assert len(proposals) == 12
    assert [p.candidate_id for p in proposals] == [f"p{i:02d}" for i in range(12)]


def test_fewer_when_not_enough_people():
    assert len(propose(people(5), needed=4, skills=["generator"])) == 5
    assert propose(people(5), needed=0) == []


def test_ranking_skill_then_training_then_distance():
    far_both = Candidate(
        "far_both", frozenset({"generator", "first_aid"}), lat=64.5, lon=13.2
    )
    near_one_trained = Candidate(
        "near_one_trained",
        frozenset({"first_aid"}),
        {"frg_basic": date(2024, 3, 1)},
        lat=63.48,
        lon=13.23,
    )
    near_one = Candidate("near_one", frozenset({"generator"}), lat=63.4727, lon=13.2334)
    nowhere_one = Candidate("nowhere_one", frozenset({"generator"}))
    no_skill = Candidate("no_skill", frozenset({"driver"}), lat=63.47, lon=13.23)
    busy = Candidate("busy", frozenset({"generator", "first_aid"}), available=False)
    everyone = [no_skill, nowhere_one, near_one, near_one_trained, far_both, busy]

    ids = [
        p.candidate_id
        for p in propose(
            everyone, needed=2, skills=["generator", "first_aid"], origin=KALL
        )
    ]
    assert ids == ["far_both", "near_one_trained", "near_one", "nowhere_one"]

    ids = [
        p.candidate_id
        for p in propose(
            everyone,
            needed=2,
            skills=["generator", "first_aid"],
            origin=KALL,
            fill_without_skill=True,
        )
    ]
    assert ids == [
        "far_both",
        "near_one_trained",
        "near_one",
        "nowhere_one",
        "no_skill",
    ]


def test_old_training_does_not_count_when_validity_is_set():
    old = Candidate("old", frozenset({"generator"}), {"frg_basic": date(2015, 1, 1)})
    new = Candidate("new", frozenset({"generator"}), {"frg_basic": date(2025, 1, 1)})
    ids = [
        p.candidate_id
        for p in propose(
            [old, new],
            needed=1,
            skills=["generator"],
            training_valid_days=5 * 365,
            today=date(2026, 11, 30),
        )
    ]
    assert ids == ["new", "old"]


def started(n_people: int = 12, needed: int = 4) -> CallOut:
    co = CallOut(needed=needed)
    for i in range(n_people):
        assert co.contact(f"p{i:02d}", T0)
    return co


def test_stops_at_n_yes_and_tells_the_rest():
    co = started()
    co.answer("p00", Answer.NO, sent_at=t(1), message_id="m1")
    co.answer("p01", Answer.LATER, sent_at=t(2), message_id="m2")
    for i, pid in enumerate(["p02", "p03", "p04"]):
        out = co.answer(pid, Answer.YES, sent_at=t(3 + i), message_id=f"y{i}")
        assert out == [Outcome(pid, Action.CONFIRM)]
    out = co.answer("p05", Answer.YES, sent_at=t(9), message_id="y9")
    assert out[0] == Outcome("p05", Action.CONFIRM)
    told = {o.person_id for o in out[1:]}
    assert all(o.action is Action.NOT_NEEDED for o in out[1:])
    # everybody pending or "later" is told; not p00 (said no) nor the four yes
    assert told == {"p01"} | {f"p{i:02d}" for i in range(6, 12)}
    assert co.state is CallOutState.FILLED
    assert co.confirmed == ["p02", "p03", "p04", "p05"]
    # a late yes is thanked and told it is not needed; nobody new is confirmed
    assert co.answer("p06", Answer.YES, sent_at=t(10), message_id="y10") == [
        Outcome("p06", Action.NOT_NEEDED)
    ]
    assert co.yes_count == 4


def test_the_same_answer_twice_counts_once():
    co = started(needed=2)
    assert co.answer("p00", Answer.YES, sent_at=t(1), message_id="a") != []
    assert co.answer("p00", Answer.YES, sent_at=t(1), message_id="a") == []
    # the person sends yes again (a new message): still one confirmation
    assert co.answer("p00", Answer.YES, sent_at=t(2), message_id="b") == []
    assert co.yes_count == 1
    assert co.state is CallOutState.OPEN


def test_answers_out_of_order_last_sent_wins():
    co = started(needed=2)
    # p00 sent NO at 06:01 and then YES at 06:05, but YES arrives first
    co.answer("p00", Answer.YES, sent_at=t(5), message_id="yes")
    assert co.answer("p00", Answer.NO, sent_at=t(1), message_id="no") == []
    assert co.people["p00"].status is PersonStatus.YES
    # p01 sent YES at 06:02 and then NO at 06:06; NO arrives first
    co.answer("p01", Answer.NO, sent_at=t(6), message_id="no1")
    assert co.answer("p01", Answer.YES, sent_at=t(2), message_id="yes1") == []
    assert co.people["p01"].status is PersonStatus.NO
    assert co.yes_count == 1


def test_answer_from_someone_not_asked_is_ignored():
    co = started()
    assert co.answer("stranger", Answer.YES, sent_at=t(1), message_id="x") == []
    assert co.yes_count == 0


def test_confirmed_person_cancels_and_surplus_takes_the_place():
    co = started(n_people=6, needed=2)
    co.answer("p00", Answer.YES, sent_at=t(1), message_id="1")
    co.answer("p01", Answer.YES, sent_at=t(2), message_id="2")
    assert co.state is CallOutState.FILLED
    co.answer("p02", Answer.YES, sent_at=t(3), message_id="3")  # surplus
    out = co.answer("p00", Answer.NO, sent_at=t(4), message_id="4")
    assert out[:2] == [Outcome("p00", Action.ACK_NO), Outcome("p02", Action.CONFIRM)]
    assert co.state is CallOutState.FILLED
    assert co.confirmed == ["p01", "p02"]


def test_reminders_after_the_configured_time():
    co = started(n_people=3, needed=2)
    co.answer("p01", Answer.LATER, sent_at=t(10), message_id="l")
    assert co.due_reminders(t(29), after=timedelta(minutes=30)) == []
    assert co.due_reminders(t(30), after=timedelta(minutes=30)) == ["p00", "p02"]
    for pid in ("p00", "p02"):
        co.reminded(pid, t(30))
    assert co.due_reminders(t(40), after=timedelta(minutes=30)) == ["p01"]
    co.reminded("p01", t(40))
    # max one reminder each by default
    assert co.due_reminders(t(500), after=timedelta(minutes=30)) == []
    assert co.due_reminders(t(500), after=timedelta(minutes=30), max_reminders=2) == [
        "p00",
        "p01",
        "p02",
    ]


def test_no_reminders_once_filled_and_cancel_tells_everyone_left():
    co = started(n_people=4, needed=1)
    co.answer("p00", Answer.YES, sent_at=t(1), message_id="1")
    assert co.due_reminders(t(999), after=timedelta(minutes=1)) == []
    out = co.cancel()
    assert {o.person_id for o in out} == {"p00"}  # the others were told already
    assert co.cancel() == []


def test_exhausted_when_everybody_said_no():
    co = started(n_people=2, needed=1)
    co.answer("p00", Answer.NO, sent_at=t(1), message_id="1")
    assert not co.exhausted
    co.answer("p01", Answer.NO, sent_at=t(1), message_id="2")
    assert co.exhausted


answers = st.lists(
    st.tuples(
        st.integers(0, 11),  # person
        st.sampled_from(list(Answer)),
        st.integers(0, 60),  # minute sent
        st.integers(0, 30),  # message id (duplicates likely)
    ),
    max_size=60,
)


@settings(max_examples=200)
@given(answers)
def test_never_more_than_n_confirmed_and_no_double_messages(events):
    co = started()
    confirms: dict[str, int] = {}
    for person, answer, minute, mid in events:
        pid = f"p{person:02d}"
        for o in co.answer(pid, answer, sent_at=t(minute), message_id=f"{pid}-{mid}"):
            if o.action is Action.CONFIRM:
                confirms[o.person_id] = confirms.get(o.person_id, 0) + 1
        assert co.yes_count <= co.needed
        assert (co.state is CallOutState.FILLED) == (co.yes_count == co.needed)
    # a person is confirmed again only after cancelling in between
    for pid, n in confirms.items():
        assert n <= 1 + sum(1 for e in events if f"p{e[0]:02d}" == pid)
