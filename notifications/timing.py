"""When messages go out: quiet hours and the appointment reminder plan (per-MDS settings)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .enums import Channel, Kind

PARIS = ZoneInfo("Europe/Paris")
QUIET_START = time(20, 0)
QUIET_END = time(8, 0)


def in_quiet_hours(when: datetime) -> bool:
    local = when.astimezone(PARIS).time()
    return local >= QUIET_START or local < QUIET_END


def next_allowed(channel: str, when: datetime) -> datetime:
    """No SMS between 20:00 and 08:00 Europe/Paris: postponed to the next 08:00 (e-mail is not)."""
    if channel != Channel.SMS or not in_quiet_hours(when):
        return when
    local = when.astimezone(PARIS)
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_END, tzinfo=PARIS)


def reglages(mds):
    from .models import Reglages

    try:
        return mds.reglages_notifications
    except Reglages.DoesNotExist:
        return Reglages(mds=mds)


def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=PARIS)


def appointment_plan(
    *, mds, debut: datetime, now: datetime, by_visitor_at_kiosk: bool = False, channel: str = Channel.SMS
) -> dict[str, datetime]:
    """{kind: send_at} for an appointment booked at ``now`` starting at ``debut``.

    - confirmation at once, unless the visitor booked at the kiosk more than 48 h ahead with SMS
      (the reminders are enough);
    - J-2 reminder two days before at the MDS's daytime hour (default 10:00), if still ahead;
      when the confirmation is skipped and that hour is already past, the reminder goes at once;
    - same-day reminder at the MDS's morning hour (default 08:00) if enabled, still ahead, and at
      least one hour before the appointment.
    """
    settings = reglages(mds)
    plan: dict[str, datetime] = {}
    local_day = debut.astimezone(PARIS).date()
    skip_confirmation = by_visitor_at_kiosk and channel == Channel.SMS and debut - now > timedelta(hours=48)
    if not skip_confirmation:
        plan[Kind.CONFIRMATION_RDV] = now
    j2 = _at(local_day - timedelta(days=2), settings.heure_rappel_j2)
    if j2 > now:
        plan[Kind.RAPPEL_RDV_J2] = j2
    elif skip_confirmation:
        plan[Kind.RAPPEL_RDV_J2] = now
    if settings.rappel_jour_meme:
        same_day = _at(local_day, settings.heure_rappel_jour)
        if now < same_day <= debut - timedelta(hours=1):
            plan[Kind.RAPPEL_RDV_JOUR] = same_day
    return plan


def atelier_reminder_time(*, mds, debut: datetime, now: datetime) -> datetime | None:
    """The day before at the MDS's hour (default 10:00), if still ahead."""
    when = _at(debut.astimezone(PARIS).date() - timedelta(days=1), reglages(mds).heure_rappel_atelier)
    return when if when > now else None
