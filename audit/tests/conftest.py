from datetime import UTC, datetime

import pytest

NOW = datetime(2026, 1, 5, 7, 20, tzinfo=UTC)


@pytest.fixture
def stopped_clock():
    """The clock stopped at NOW; move it with .move_to()."""
    import time_machine

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
