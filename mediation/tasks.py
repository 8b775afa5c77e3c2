from celery import shared_task

PERIODIC_TASKS = [
    # Every 10 minutes: seal anything left unsealed, then checkpoint the session log (docs/securite.md).
    {"name": "mediation.journal_checkpoint", "task": "mediation.tasks.journal_checkpoint", "every": 600},
]


@shared_task(time_limit=600, soft_time_limit=580)
def journal_checkpoint() -> int | None:
    from . import sceau

    point = sceau.checkpoint()
    return point.numero if point else None
