import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from notifications.enums import Channel
from notifications.models import Message
from tests.notifications.kinds import Kind
from tests.usagers.factories import UsagerFactory


class MessageFactory(factory.django.DjangoModelFactory):
    """A planned SMS about a visitor (the visitor stands in for "the object it concerns")."""

    class Meta:
        model = Message
        exclude = ["obj"]

    usager = factory.SubFactory(UsagerFactory, telephone="+33612345678", canal_contact="sms")
    obj = factory.SelfAttribute("usager")
    mds = factory.SelfAttribute("usager.mds")
    kind = Kind.CONFIRMATION_RDV
    channel = Channel.SMS
    recipient = "+33612345678"
    language = "fr"
    object_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.obj))
    object_id = factory.LazyAttribute(lambda o: o.obj.pk)
    send_at = factory.LazyFunction(timezone.now)
    context = factory.LazyAttribute(
        lambda o: {
            "debut": (timezone.now() + timezone.timedelta(days=3)).isoformat(),
            "mds_nom": o.mds.nom,
            "mds_adresse": o.mds.adresse_complete,
            "lien": "https://mds.example.org/b/r/ABC123",
        }
    )
