"""The roles a person can hold, as the ``people`` fixture (tests/conftest.py) keys them,
and the helpers of the tests that try an action as each of them."""

from labinov.core.errors import NotAllowed

ROLES = ("platform_admin", "coordinator", "leader", "coach", "assessor", "unit_head", "team_member")


def matrix(allowed) -> list[tuple[str, bool]]:
    """(role, whether it may) for every role: the parameters of a "who may" test."""
    return [(role, role in allowed) for role in ROLES]


def attempt(fn) -> bool:
    """Run the action; False when it was refused as not allowed (other errors raise)."""
    try:
        fn()
    except NotAllowed:
        return False
    return True
