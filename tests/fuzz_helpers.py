"""Shared by the fuzz tests: a NUL byte anywhere in a request is refused before any view runs
(core/input_guard.py, a French 400 page), so a generated value that carries one expects that."""


def carries_nul(value) -> bool:
    if isinstance(value, dict):
        return any(carries_nul(k) or carries_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return any(carries_nul(v) for v in value)
    return "\x00" in str(value)


def expected(value, statuses: tuple[int, ...]) -> tuple[int, ...]:
    """The statuses a request built from ``value`` may get: ``statuses``, or 400 when it carries NUL."""
    return (400,) if carries_nul(value) else statuses
