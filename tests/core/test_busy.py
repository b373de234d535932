"""What counts as a busy database (``core/busy.py``), with the databases' own errors. The
answer a person gets (503, Retry-After, Indonesian) is proven through a real server in
tests/library/test_import_concurrency.py."""

import psycopg
import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from labinov.accounts.models import User
from labinov.core.busy import is_busy


@pytest.mark.django_db(transaction=True)
def test_a_row_locked_elsewhere_on_postgresql_is_busy():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's lock errors")
    user = User.objects.create(username="terkunci")
    params = connection.get_connection_params()
    with psycopg.connect(**params) as other:
        other.execute("SELECT id FROM accounts_user WHERE id = %s FOR UPDATE", [user.pk])
        with pytest.raises(OperationalError) as raised, transaction.atomic():
            User.objects.select_for_update(nowait=True).get(pk=user.pk)
    assert is_busy(raised.value)


@pytest.mark.django_db
def test_other_database_errors_are_not_busy():
    User.objects.create(username="sekali")
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        User.objects.create(username="sekali")
    assert not is_busy(raised.value)
    assert not is_busy(OperationalError("no such table: x"))
    assert is_busy(OperationalError("database is locked"))
