"""The rota generator's pure core: planning patrols from rules, and diffing them with the stored rota."""

import itertools
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from types import GeneratorType
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patrols.planning import (
    CANCELLED,
    COMPLETED,
    MISSED,
    SCHEDULED,
    Diff,
    Occurrence,
    PlannedPatrol,
    RuleToPlan,
    StoredPatrol,
    diff,
    occurrence_key,
    plan,
)

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def occurrence(day: date, hour: int = 9, *, index: int = 0, hours: int = 2, label: str = "School run") -> Occurrence:
    starts_at = datetime.combine(day, time(hour), tzinfo=UTC)
    return Occurrence(day, index, starts_at, starts_at + hours * HOUR, label)


def rule(rule_id=1, *, sites=(10,), occurrences=(), kind="police", officers=1, volunteers=0) -> RuleToPlan:
    return RuleToPlan(rule_id, kind, officers, volunteers, tuple(sites), tuple(occurrences))


def planned(*, rule_id=1, site_id=10, day=date(2026, 9, 2), index=0, starts_at=None, hours=2, **changes):
    starts_at = starts_at or datetime.combine(day, time(9), tzinfo=UTC)
    values = {
        "rule_id": rule_id,
        "site_id": site_id,
        "occurrence_key": occurrence_key(site_id, day, index),
        "kind": "police",
        "starts_at": starts_at,
        "ends_at": starts_at + hours * HOUR,
        "officers_required": 1,
        "volunteers_required": 0,
        "label": "School run",
    }
    values.update(changes)
    return PlannedPatrol(**values)


def stored_from(
    planned_patrol: PlannedPatrol, *, id=1, status=SCHEDULED, pinned=False, cancelled_by_generator=False, **changes
):
    """The stored twin of a planned patrol, with some fields changed."""
    values = {
        "id": id,
        "rule_id": planned_patrol.rule_id,
        "occurrence_key": planned_patrol.occurrence_key,
        "site_id": planned_patrol.site_id,
        "kind": planned_patrol.kind,
        "starts_at": planned_patrol.starts_at,
        "ends_at": planned_patrol.ends_at,
        "officers_required": planned_patrol.officers_required,
        "volunteers_required": planned_patrol.volunteers_required,
        "label": planned_patrol.label,
        "status": status,
        "pinned": pinned,
        "cancelled_by_generator": cancelled_by_generator,
    }
    values.update(changes)
    return StoredPatrol(**values)


def assert_diff(d: Diff, *, create=(), update=(), cancel=(), restore=(), kept=0, pinned=0, held=0, held_out_of_step=()):
    assert d == Diff(
        create=list(create),
        update=list(update),
        cancel=list(cancel),
        restore=list(restore),
        kept=kept,
        pinned=pinned,
        held=held,
        held_out_of_step=frozenset(held_out_of_step),
    )


# ---- occurrence keys -------------------------------------------------------------------------


def test_occurrence_key_names_site_local_date_and_index():
    assert occurrence_key(12, date(2026, 9, 21), 0) == "s12:2026-09-21:0"
    assert occurrence_key(3, date(2026, 1, 5), 2) == "s3:2026-01-05:2"


def test_occurrence_keys_differ_whenever_site_date_or_index_differ():
    sites, days, indexes = (1, 11, 111), (date(2026, 1, 1), date(2026, 11, 1), date(2027, 1, 1)), (0, 1, 11)
    keys = [occurrence_key(*combination) for combination in itertools.product(sites, days, indexes)]
    assert len(set(keys)) == len(keys)


# ---- plan ------------------------------------------------------------------------------------


def test_plan_yields_one_patrol_per_site_and_occurrence():
    friday, saturday = date(2026, 9, 4), date(2026, 9, 5)
    rules = [
        rule(
            7,
            sites=(10, 11),
            kind="joint",
            officers=2,
            volunteers=3,
            occurrences=[
                occurrence(friday, 18, label="Erev Shabbat"),
                occurrence(saturday, 9, label="Shabbat morning"),
            ],
        ),
        rule(8, sites=(12,), occurrences=[occurrence(saturday, 9), occurrence(saturday, 20, index=1)]),
    ]
    result = list(plan(rules))
    assert [(p.rule_id, p.site_id, p.occurrence_key) for p in result] == [
        (7, 10, "s10:2026-09-04:0"),
        (7, 10, "s10:2026-09-05:0"),
        (7, 11, "s11:2026-09-04:0"),
        (7, 11, "s11:2026-09-05:0"),
        (8, 12, "s12:2026-09-05:0"),
        (8, 12, "s12:2026-09-05:1"),
    ]
    first = result[0]
    assert first == PlannedPatrol(
        rule_id=7,
        site_id=10,
        occurrence_key="s10:2026-09-04:0",
        kind="joint",
        starts_at=datetime(2026, 9, 4, 18, tzinfo=UTC),
        ends_at=datetime(2026, 9, 4, 20, tzinfo=UTC),
        officers_required=2,
        volunteers_required=3,
        label="Erev Shabbat",
    )


def test_plan_keys_are_the_occurrence_keys():
    occurrences = [occurrence(date(2026, 9, d), index=i) for d in (1, 2) for i in (0, 1)]
    for patrol in plan([rule(sites=(5, 50), occurrences=occurrences)]):
        day = date.fromisoformat(patrol.occurrence_key.split(":")[1])
        index = int(patrol.occurrence_key.split(":")[2])
        assert patrol.occurrence_key == occurrence_key(patrol.site_id, day, index)


def test_plan_is_a_lazy_generator():
    def rules():
        yield rule(1, occurrences=[occurrence(date(2026, 9, 2))])
        raise AssertionError("read the second rule before the first patrol was used")

    patrols = plan(rules())
    assert isinstance(patrols, GeneratorType)
    assert next(patrols).rule_id == 1


def test_plan_takes_a_site_listed_twice_once():
    result = list(plan([rule(sites=(10, 11, 10), occurrences=[occurrence(date(2026, 9, 2))])]))
    assert [p.site_id for p in result] == [10, 11]


@pytest.mark.parametrize(
    "rules",
    [
        pytest.param([], id="no rules"),
        pytest.param([rule(sites=(), occurrences=[occurrence(date(2026, 9, 2))])], id="a rule without sites"),
        pytest.param([rule(sites=(10,), occurrences=())], id="a rule without occurrences in the window"),
    ],
)
def test_plan_of_nothing_is_empty(rules):
    assert list(plan(rules)) == []


@pytest.mark.parametrize(
    ("bad_rule", "message"),
    [
        pytest.param(rule(kind="cst"), "unknown patrol kind 'cst'", id="kind"),
        pytest.param(rule(officers=-1), "staffing cannot be negative", id="officers"),
        pytest.param(rule(volunteers=-1), "staffing cannot be negative", id="volunteers"),
        pytest.param(
            rule(occurrences=[occurrence(date(2026, 9, 2)), occurrence(date(2026, 9, 2), 18)]),
            "occurrence 0 of 2026-09-02 given twice",
            id="same date and index twice",
        ),
        pytest.param(
            rule(occurrences=[Occurrence(date(2026, 9, 2), 0, datetime(2026, 9, 2, 9), datetime(2026, 9, 2, 10), "")]),
            "naive",
            id="naive times",
        ),
        pytest.param(
            rule(occurrences=[replace(occurrence(date(2026, 9, 2)), ends_at=datetime(2026, 9, 2, 9, tzinfo=UTC))]),
            "ends before it starts",
            id="empty window",
        ),
    ],
)
def test_plan_refuses_a_malformed_rule(bad_rule, message):
    with pytest.raises(ValueError, match=message):
        list(plan([bad_rule]))


# ---- diff: one test per rule -----------------------------------------------------------------


def test_a_new_occurrence_is_created():
    new = planned()
    assert_diff(diff([new], [], now=NOW), create=[new])


def test_an_unchanged_patrol_is_kept():
    same = planned()
    assert_diff(diff([same], [stored_from(same)], now=NOW), kept=1)


def test_the_same_instant_in_another_time_zone_is_unchanged():
    same = planned()
    london = ZoneInfo("Europe/London")
    stored = stored_from(same, starts_at=same.starts_at.astimezone(london), ends_at=same.ends_at.astimezone(london))
    assert_diff(diff([same], [stored], now=NOW), kept=1)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"starts_at": datetime(2026, 9, 2, 8, tzinfo=UTC)}, id="start"),
        pytest.param({"ends_at": datetime(2026, 9, 2, 12, tzinfo=UTC)}, id="end"),
        pytest.param({"officers_required": 2}, id="officers"),
        pytest.param({"volunteers_required": 2}, id="volunteers"),
        pytest.param({"label": "Selichot"}, id="label"),
        pytest.param({"kind": "joint"}, id="kind"),
        pytest.param({"site_id": 99}, id="site"),
    ],
)
def test_a_changed_patrol_that_is_not_pinned_is_updated(change):
    before = planned()
    after = replace(before, **change)
    assert_diff(diff([after], [stored_from(before, id=5)], now=NOW), update=[(5, after)])


def test_a_patrol_no_longer_planned_is_cancelled_not_deleted():
    gone = planned()
    assert_diff(diff([], [stored_from(gone, id=5)], now=NOW), cancel=[5])


def test_a_patrol_of_a_retired_rule_is_cancelled_while_other_rules_are_kept():
    kept, retired = planned(rule_id=1), planned(rule_id=2)
    d = diff([kept], [stored_from(kept, id=1), stored_from(retired, id=2)], now=NOW)
    assert_diff(d, cancel=[2], kept=1)


def test_a_pinned_patrol_is_left_alone_when_the_plan_changes():
    moved_by_hand = stored_from(planned(), id=5, pinned=True, starts_at=datetime(2026, 9, 2, 10, tzinfo=UTC))
    assert_diff(diff([planned(officers_required=3)], [moved_by_hand], now=NOW), pinned=1)


def test_a_pinned_patrol_is_left_alone_when_no_longer_planned():
    pinned = stored_from(planned(), id=5, pinned=True)
    assert_diff(diff([], [pinned], now=NOW), pinned=1)


def test_a_patrol_cancelled_by_hand_stays_cancelled():
    cancelled_by_hand = stored_from(planned(), id=5, status=CANCELLED, pinned=True)
    assert_diff(diff([planned()], [cancelled_by_hand], now=NOW), pinned=1)


def test_a_patrol_cancelled_by_hand_but_not_pinned_still_stays_cancelled():
    cancelled_by_hand = stored_from(planned(), id=5, status=CANCELLED)
    assert_diff(diff([planned()], [cancelled_by_hand], now=NOW), kept=1)


def test_a_patrol_the_generator_cancelled_is_restored_when_planned_again():
    again = planned(label="Shabbat morning")
    cancelled = stored_from(planned(), id=5, status=CANCELLED, cancelled_by_generator=True)
    assert_diff(diff([again], [cancelled], now=NOW), restore=[(5, again)])


def test_a_patrol_the_generator_cancelled_stays_cancelled_while_not_planned():
    cancelled = stored_from(planned(), id=5, status=CANCELLED, cancelled_by_generator=True)
    assert_diff(diff([], [cancelled], now=NOW), kept=1)


@pytest.mark.parametrize("status", [COMPLETED, MISSED])
@pytest.mark.parametrize("planned_again", [True, False], ids=["planned differently", "not planned"])
def test_completed_and_missed_patrols_never_change(status, planned_again):
    # Future-dated on purpose: even a patrol marked early is not touched.
    done = stored_from(planned(), id=5, status=status)
    plans = [planned(officers_required=4)] if planned_again else []
    assert_diff(diff(plans, [done], now=NOW), kept=1)


# ---- diff: the past never changes ------------------------------------------------------------

YESTERDAY = date(2026, 8, 31)


def test_a_planned_occurrence_that_starts_before_now_is_not_created():
    assert_diff(diff([planned(day=YESTERDAY)], [], now=NOW))


def test_a_planned_occurrence_that_starts_exactly_now_is_not_created():
    assert_diff(diff([planned(starts_at=NOW)], [], now=NOW))


def test_a_past_patrol_is_not_updated():
    past = stored_from(planned(day=YESTERDAY), id=5)
    assert_diff(diff([planned(day=YESTERDAY, officers_required=3)], [past], now=NOW), kept=1)


def test_a_past_patrol_no_longer_planned_is_not_cancelled():
    assert_diff(diff([], [stored_from(planned(day=YESTERDAY), id=5)], now=NOW), kept=1)


def test_a_patrol_under_way_is_not_changed():
    under_way = stored_from(planned(starts_at=NOW - HOUR, hours=3), id=5)
    assert_diff(diff([planned(starts_at=NOW - HOUR, hours=4)], [under_way], now=NOW), kept=1)
    assert_diff(diff([], [under_way], now=NOW), kept=1)


def test_a_patrol_that_started_is_not_moved_even_when_the_plan_moves_it_later():
    started = stored_from(planned(starts_at=NOW - HOUR), id=5)
    assert_diff(diff([planned(starts_at=NOW + 2 * HOUR)], [started], now=NOW), kept=1)


def test_a_generator_cancelled_past_patrol_is_not_restored():
    cancelled = stored_from(planned(day=YESTERDAY), id=5, status=CANCELLED, cancelled_by_generator=True)
    assert_diff(diff([planned(day=YESTERDAY)], [cancelled], now=NOW), kept=1)


def test_a_future_patrol_the_plan_moves_into_the_past_is_cancelled():
    # The rule now starts this occurrence before `now`: it is over as far as the plan is
    # concerned, so the stored later patrol no longer matches any future plan.
    later_today = stored_from(planned(starts_at=NOW + HOUR), id=5)
    assert_diff(diff([planned(starts_at=NOW - HOUR)], [later_today], now=NOW), cancel=[5])


# ---- diff: defensive -------------------------------------------------------------------------


def test_a_manual_patrol_passed_in_by_mistake_is_left_alone():
    manual = stored_from(planned(), id=5, rule_id=None, occurrence_key="")
    assert_diff(diff([planned()], [manual], now=NOW), create=[planned()], pinned=1)


def test_a_key_planned_twice_is_refused():
    with pytest.raises(ValueError, match="planned twice"):
        diff([planned(), planned(label="again")], [], now=NOW)


def test_a_key_stored_twice_is_refused():
    with pytest.raises(ValueError, match="patrols 1 and 2 are both stored"):
        diff([], [stored_from(planned(), id=1), stored_from(planned(), id=2)], now=NOW)


def test_a_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        diff([], [], now=datetime(2026, 9, 1, 12))


def test_diff_accepts_the_plan_generator_directly():
    rules = [rule(sites=(10, 11), occurrences=[occurrence(date(2026, 9, 2))])]
    assert len(diff(plan(rules), [], now=NOW).create) == 2


# ---- applying and re-running -----------------------------------------------------------------

_PLANNED_VALUES = (
    "site_id",
    "kind",
    "starts_at",
    "ends_at",
    "officers_required",
    "volunteers_required",
    "label",
)


def _planned_values(patrol: PlannedPatrol) -> dict:
    return {name: getattr(patrol, name) for name in _PLANNED_VALUES}


def apply_diff_in_memory(stored: list[StoredPatrol], d: Diff, next_id) -> list[StoredPatrol]:
    """What the apply service does to the stored rota, in memory: returns the new rota."""
    touched = [patrol_id for patrol_id, _ in d.update] + d.cancel + [patrol_id for patrol_id, _ in d.restore]
    assert len(touched) == len(set(touched)), "a patrol appears twice in one diff"
    by_id = {patrol.id: patrol for patrol in stored}
    for patrol_id, new in d.update:
        assert by_id[patrol_id].status == SCHEDULED
        by_id[patrol_id] = replace(by_id[patrol_id], **_planned_values(new))
    for patrol_id in d.cancel:
        by_id[patrol_id] = replace(by_id[patrol_id], status=CANCELLED, cancelled_by_generator=True)
    for patrol_id, new in d.restore:
        by_id[patrol_id] = replace(
            by_id[patrol_id], **_planned_values(new), status=SCHEDULED, cancelled_by_generator=False
        )
    for new in d.create:
        patrol = StoredPatrol(
            id=next_id(), rule_id=new.rule_id, occurrence_key=new.occurrence_key, **_planned_values(new),
            status=SCHEDULED, pinned=False, cancelled_by_generator=False,
        )  # fmt: skip
        by_id[patrol.id] = patrol
    return list(by_id.values())


def test_applying_a_diff_then_diffing_again_writes_nothing():
    day = date(2026, 9, 2)
    plans = list(
        plan(
            [
                rule(1, sites=(10, 11), occurrences=[occurrence(day), occurrence(day, 18, index=1)]),
                rule(2, sites=(10,), occurrences=[occurrence(day + DAY, label="Kol Nidre")]),
            ]
        )
    )
    stored = [
        stored_from(plans[0], id=1, officers_required=9),  # update
        stored_from(planned(rule_id=1, site_id=12), id=2),  # cancel
        stored_from(plans[2], id=3, status=CANCELLED, cancelled_by_generator=True),  # restore
        stored_from(plans[3], id=4, pinned=True, label="moved"),  # pinned
    ]
    first = diff(plans, stored, now=NOW)
    assert (len(first.create), len(first.update), first.cancel, len(first.restore), first.pinned) == (2, 1, [2], 1, 1)

    after = apply_diff_in_memory(stored, first, itertools.count(100).__next__)
    again = diff(plans, after, now=NOW)
    assert again.writes_nothing
    assert (again.kept, again.pinned) == (5, 1)
    assert diff(plans, after, now=NOW) == again


# ---- property: runs, hand edits and a moving clock -------------------------------------------

BASE_DAY = date(2026, 3, 27)
RULE_IDS = (1, 2, 3)
SITE_IDS = (10, 11, 12)
HORIZON_DAYS = 3
MAX_OCCURRENCES = 6

# Each rule has a fixed set of occurrences; each run varies the rule a little (active or not,
# kind, staffing, sites, a shift in time, label, which occurrences it keeps), so runs often
# plan the same keys with the same or with changed values.
base_occurrences = st.lists(
    st.tuples(
        st.integers(0, 5),  # day after BASE_DAY
        st.integers(0, 1),  # index
        st.sampled_from([0, 9, 18, 23]),  # hour
        st.integers(1, 3),  # hours long
    ),
    max_size=MAX_OCCURRENCES,
    unique_by=lambda spec: spec[:2],
)
rule_variant = st.tuples(
    st.sampled_from([True, True, False]),  # active in this run
    st.sampled_from(["police", "joint"]),
    st.integers(1, 2),  # officers
    st.integers(0, 1),  # volunteers
    st.lists(st.sampled_from(SITE_IDS), min_size=1, max_size=4).map(tuple),  # sites, maybe repeated
    st.sampled_from([0, 0, -1, 1, 2]),  # hours moved
    st.sampled_from(["School run", "Shabbat morning"]),
    st.lists(st.sampled_from([True, True, False]), min_size=MAX_OCCURRENCES, max_size=MAX_OCCURRENCES),  # kept
)
hand_edits = st.lists(
    st.tuples(
        st.integers(0, 1000),  # which stored patrol
        st.sampled_from(["move", "cancel", "complete"]),
        st.integers(-120, 120).filter(bool),  # minutes moved
    ),
    max_size=3,
)
scenarios = st.tuples(
    st.tuples(*[base_occurrences] * len(RULE_IDS)),
    st.lists(
        st.tuples(
            st.tuples(*[rule_variant] * len(RULE_IDS)),
            st.integers(0, 18 * 60),  # minutes the clock moves before the run
            hand_edits,
        ),
        min_size=2,
        max_size=5,
    ),
)


@dataclass
class Rota:
    """The stored patrols and what the hand did to them."""

    patrols: list[StoredPatrol]
    by_hand: dict[int, StoredPatrol]  # pinned by hand: must stay exactly like this
    done: dict[int, StoredPatrol]  # completed by an officer: must never change

    def edit(self, pick: int, action: str, minutes: int, now: datetime) -> None:
        if not self.patrols:
            return
        index = pick % len(self.patrols)
        patrol = self.patrols[index]
        if patrol.id in self.done:
            return
        if action == "move":
            shift = timedelta(minutes=minutes)
            edited = replace(patrol, starts_at=patrol.starts_at + shift, ends_at=patrol.ends_at + shift, pinned=True)
        elif action == "cancel":
            edited = replace(patrol, status=CANCELLED, cancelled_by_generator=False, pinned=True)
        elif patrol.starts_at <= now and patrol.status == SCHEDULED:
            edited = replace(patrol, status=COMPLETED)
            self.done[patrol.id] = edited
        else:
            return
        if edited.pinned:
            self.by_hand[patrol.id] = edited
        self.patrols[index] = edited


def _window(now: datetime) -> tuple[date, date]:
    return now.date(), now.date() + timedelta(days=HORIZON_DAYS)


def _plan_inputs(bases, variants, first: date, last: date) -> list[RuleToPlan]:
    inputs = []
    for rule_id, base, variant in zip(RULE_IDS, bases, variants, strict=True):
        active, kind, officers, volunteers, sites, shift, label, keep = variant
        if not active:
            continue
        occurrences = [
            occurrence(BASE_DAY + day * DAY, hour, index=index, hours=hours, label=label)
            for (day, index, hour, hours), kept in zip(base, keep, strict=False)
            if kept and first <= BASE_DAY + day * DAY <= last
        ]
        occurrences = [
            replace(o, starts_at=o.starts_at + shift * HOUR, ends_at=o.ends_at + shift * HOUR) for o in occurrences
        ]
        inputs.append(
            rule(rule_id, sites=sites, kind=kind, officers=officers, volunteers=volunteers, occurrences=occurrences)
        )
    return inputs


def _load(patrols: list[StoredPatrol], first: date, last: date) -> list[StoredPatrol]:
    """The loader: the stored patrols of the rules whose occurrence falls in the window."""
    return [patrol for patrol in patrols if first <= date.fromisoformat(patrol.occurrence_key.split(":")[1]) <= last]


@settings(max_examples=100, deadline=None)
@given(scenario=scenarios)
def test_runs_with_hand_edits_and_a_moving_clock_settle_and_keep_every_hand_edit(scenario):
    bases, runs = scenario
    rota = Rota(patrols=[], by_hand={}, done={})
    next_id = itertools.count(1).__next__
    now = datetime.combine(BASE_DAY, time(0), tzinfo=UTC)
    for variants, minutes_later, edits in runs:
        now += timedelta(minutes=minutes_later)
        for pick, action, minutes in edits:
            rota.edit(pick, action, minutes, now)
        first, last = _window(now)
        plans = list(plan(_plan_inputs(bases, variants, first, last)))
        loaded = _load(rota.patrols, first, last)
        past = {patrol.id: patrol for patrol in rota.patrols if patrol.starts_at <= now}

        d = diff(plans, loaded, now=now)

        assert len(d.update) + len(d.cancel) + len(d.restore) + d.kept + d.pinned == len(loaded)
        assert all(new.starts_at > now for new in d.create)
        assert all(new.starts_at > now for _, new in d.update + d.restore)
        rota.patrols = apply_diff_in_memory(rota.patrols, d, next_id)

        # Settled: running again writes nothing.
        again = diff(plans, _load(rota.patrols, first, last), now=now)
        assert again.writes_nothing, again

        by_key = {(patrol.rule_id, patrol.occurrence_key): patrol for patrol in rota.patrols}
        assert len(by_key) == len(rota.patrols), "two patrols for one occurrence"
        # Every future planned patrol is on the rota as planned, unless the hand or the clock has it.
        for new in plans:
            patrol = by_key.get((new.rule_id, new.occurrence_key))
            if new.starts_at > now:
                assert patrol is not None
                assert (
                    patrol.pinned
                    or patrol.starts_at <= now
                    or patrol.status in (COMPLETED, MISSED)
                    or (patrol.status == SCHEDULED and _planned_values(patrol) == _planned_values(new))
                )
        # Nothing scheduled in the future that the plan does not ask for.
        future_keys = {(new.rule_id, new.occurrence_key) for new in plans if new.starts_at > now}
        for patrol in _load(rota.patrols, first, last):
            if not patrol.pinned and patrol.starts_at > now and patrol.status == SCHEDULED:
                assert (patrol.rule_id, patrol.occurrence_key) in future_keys
        # The past did not change.
        assert all(patrol == past[patrol.id] for patrol in rota.patrols if patrol.id in past)

    current = {patrol.id: patrol for patrol in rota.patrols}
    for patrol_id, edited in (rota.by_hand | rota.done).items():
        assert current[patrol_id] == edited


# ---- staffed patrols are held ----------------------------------------------------------------


def test_a_staffed_patrol_is_held_not_updated_when_its_plan_changes():
    wanted = planned(starts_at=datetime(2026, 9, 2, 10, 30, tzinfo=UTC))
    staffed = stored_from(planned(), id=7, staffed=True)
    assert_diff(diff([wanted], [staffed], now=NOW), held=1, held_out_of_step={1})


def test_a_staffed_patrol_is_held_not_cancelled_when_no_longer_planned():
    assert_diff(diff([], [stored_from(planned(), id=7, staffed=True)], now=NOW), held=1, held_out_of_step={1})


def test_a_staffed_patrol_cancelled_by_the_generator_is_held_not_restored():
    stored = stored_from(planned(), id=7, status=CANCELLED, cancelled_by_generator=True, staffed=True)
    assert_diff(diff([planned()], [stored], now=NOW), held=1, held_out_of_step={1})


def test_a_staffed_patrol_already_as_planned_is_held_but_in_step():
    assert_diff(diff([planned()], [stored_from(planned(), id=7, staffed=True)], now=NOW), held=1)


def test_a_patrol_both_pinned_and_staffed_counts_as_pinned():
    stored = stored_from(planned(), id=7, pinned=True, staffed=True)
    assert_diff(diff([planned(label="Changed")], [stored], now=NOW), pinned=1)


def test_stored_patrols_are_unstaffed_unless_the_loader_says_so():
    assert stored_from(planned()).staffed is False
