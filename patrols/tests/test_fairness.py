"""Ranking officers for a patrol (patrols/fairness.py): pure, no database."""

from patrols.fairness import Candidate, rank, workload


def _c(officer_id, name, patrols=0, special=0, conflict="", warnings=()):
    return Candidate(officer_id, name, patrols, special, conflict, tuple(warnings))


def test_free_officers_first_then_fewest_patrols_then_fewest_shabbat_duties_then_name():
    ranked = rank(
        [
            _c(1, "Zed", patrols=2, special=0),
            _c(2, "Amy", patrols=3, special=0),
            _c(3, "Bob", patrols=2, special=1),
            _c(4, "Cat", patrols=0, conflict="On leave 3–9 Dec"),
            _c(5, "Abe", patrols=2, special=0),
        ]
    )
    assert [r.officer_id for r in ranked] == [5, 1, 3, 2, 4]


def test_an_officer_with_a_warning_comes_after_the_free_ones_and_before_the_busy_ones():
    ranked = rank(
        [
            _c(1, "Busy", conflict="On a patrol at Beth Shalom 10:00–12:00"),
            _c(2, "Tired", patrols=0, warnings=["rest 8 h after previous duty"]),
            _c(3, "Fresh", patrols=9, special=4),
        ]
    )
    assert [(r.officer_id, r.suggested) for r in ranked] == [(3, True), (2, False), (1, False)]


def test_each_comes_with_the_reason_it_is_or_is_not_suggested():
    ranked = {
        r.officer_id: r.reason
        for r in rank(
            [
                _c(1, "A", patrols=3, special=1),
                _c(2, "B", patrols=1, special=2),
                _c(3, "C", conflict="On leave 3–9 Dec"),
                _c(4, "D", patrols=0, warnings=["rest 8 h after previous duty"]),
            ]
        )
    }
    assert ranked == {
        1: "Free; 3 patrols, 1 Shabbat/festival duty in ±4 weeks",
        2: "Free; 1 patrol, 2 Shabbat/festival duties in ±4 weeks",
        3: "On leave 3–9 Dec",
        4: "Warning: rest 8 h after previous duty; 0 patrols, 0 Shabbat/festival duties in ±4 weeks",
    }


def test_names_are_compared_without_case_and_ties_keep_a_stable_order():
    ranked = rank([_c(2, "bob"), _c(1, "Bob"), _c(3, "alice")])
    assert [r.officer_id for r in ranked] == [3, 1, 2]


def test_nobody_to_rank():
    assert rank([]) == []


def test_workload_reads_in_words():
    assert workload(1, 0) == "1 patrol, 0 Shabbat/festival duties in ±4 weeks"
