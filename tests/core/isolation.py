"""Cross-MDS walker cases (tests/test_isolation.py): a staff member of MDS B managed from MDS A."""

from core.roles import Role
from tests.factories import UserFactory


def cases(mds_b):
    member = UserFactory(role=Role.MEDIATEUR, mds=mds_b)
    return {"core:equipe_action": {"pk": member.pk, "action": "desactiver"}}
