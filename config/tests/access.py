"""The row type of the access matrix (see config/tests/test_access_matrix.py)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    id: str  # a readable test id, e.g. "site edit page GET"
    route: str  # the route name it covers, e.g. "sites:site_edit"
    method: str
    url: Callable  # world -> url
    expect: dict  # persona -> status code
    data: Callable | None = None  # world -> request body
    format: str | None = None  # "json" for the API; None sends a form, as a browser does


def outcomes(anonymous, officer, coordinator, inspector_a, inspector_b, admin) -> dict:
    return {
        "anonymous": anonymous,
        "officer": officer,
        "coordinator": coordinator,
        "inspector_a": inspector_a,
        "inspector_b": inspector_b,
        "admin": admin,
    }
