import pytest
from django.db import IntegrityError

from accounts.models import User


def test_new_accounts_are_clients(db):
    user = User.objects.create_user(username="someone")
    assert user.role == User.Role.CLIENT
    assert user.is_client and not user.is_staff_member


def test_staff_roles_are_staff_members(hana, sam):
    assert hana.is_staff_member and sam.is_staff_member
    assert not hana.is_client


def test_the_database_refuses_an_unknown_role(db):
    with pytest.raises(IntegrityError):
        User.objects.create_user(username="x", role="owner")
