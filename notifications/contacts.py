"""Whom a message can reach: the visitor's refusal of messages and contact channel (usagers data)."""

from __future__ import annotations

from usagers.enums import CanalContact

from .enums import Channel


def opted_out(usager) -> bool:
    return usager is not None and (
        usager.canal_contact == CanalContact.AUCUN or usager.opt_out_le is not None or usager.anonymise_le is not None
    )


def contact_for(usager, preferred: str | None = None) -> tuple[str, str] | None:
    """(channel, recipient) to reach ``usager``: its preferred channel, or ``preferred`` (e.g. an
    appointment's reminder choice) when the visitor has that contact; None when opted out."""
    if usager is None or opted_out(usager):
        return None
    channel = preferred or usager.canal_contact
    if channel == Channel.SMS and usager.telephone:
        phone = usager.telephone
        return Channel.SMS, getattr(phone, "as_e164", None) or str(phone)
    if channel == Channel.EMAIL and usager.email:
        return Channel.EMAIL, usager.email
    return None
