"""Listeners of appointment events (reminders of the notifications app plug in here).

``register_appointment_listener(fn)``: ``fn(event, rendez_vous_id)`` is called after the commit
of the transaction that booked, moved or cancelled an appointment. Events: "booked",
"rescheduled", "cancelled", "status" (any other status change)."""

from collections.abc import Callable

appointment_listeners: list[Callable] = []


def register_appointment_listener(func: Callable) -> None:
    if func not in appointment_listeners:
        appointment_listeners.append(func)


def emit(event: str, rendez_vous_id: int) -> None:
    from django.db import transaction

    for listener in list(appointment_listeners):
        transaction.on_commit(lambda listener=listener: listener(event, rendez_vous_id))
