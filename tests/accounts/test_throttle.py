"""Issue 9, finding 7: password guessing and reset mail are throttled, per account and per
client address, with counts in the database (shared by every web process). Time is moved
by changing the stored timestamps, never by sleeping."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from labinov.accounts.models import Throttle
from labinov.core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

LOGIN = "/akun/masuk/"
RESET = "/akun/kata-sandi/lupa/"
LOCKED = "Terlalu banyak percobaan masuk yang gagal"


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _expire_every_lock():
    """The lockout window has passed."""
    past = timezone.now() - timedelta(seconds=1)
    Throttle.objects.update(locked_until=past, window_started_at=past - timedelta(hours=2))


@pytest.mark.django_db
def test_fifty_wrong_passwords_lock_the_account_until_the_window_passes():
    user = UserFactory(username="sasaran")
    client = Client()
    statuses = []
    for attempt in range(50):
        response = client.post(LOGIN, {"username": "sasaran", "password": f"salah{attempt}"})
        statuses.append(response.status_code)
    assert statuses[:4] == [200] * 4  # the usual "do not match" message
    assert set(statuses[4:]) == {429}
    page = response.content.decode()
    assert LOCKED in page and "menit lagi" in page and "kata sandi yang benar" in page
    assert int(response["Retry-After"]) > 0

    # The right password is refused as well while the lock holds, by e-mail address too.
    for name in ("sasaran", user.email):
        response = client.post(LOGIN, {"username": name, "password": PASSWORD})
        assert response.status_code == 429 and not _logged_in(client)

    locked = AuditEvent.objects.filter(action="person.locked_out")
    assert locked.count() == 1
    assert locked.get().object_id == str(user.pk) and locked.get().details["scope"] == "account"

    _expire_every_lock()
    response = client.post(LOGIN, {"username": "sasaran", "password": PASSWORD})
    assert response.status_code == 302 and _logged_in(client)


@pytest.mark.django_db
def test_a_right_password_before_the_limit_clears_the_accounts_count():
    UserFactory(username="lupa")
    client = Client()
    for _round in range(3):
        for attempt in range(4):
            client.post(LOGIN, {"username": "lupa", "password": f"salah{attempt}"})
        assert client.post(LOGIN, {"username": "lupa", "password": PASSWORD}).status_code == 302
        client.logout()


@pytest.mark.django_db
def test_guessing_across_accounts_locks_the_client_address(settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    victims = [UserFactory(username=f"korban{n}") for n in range(6)]
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(20):  # at most 4 per account: no account lock
        attacker.post(LOGIN, {"username": f"korban{n % 6}", "password": f"salah{n}"})
    response = attacker.post(LOGIN, {"username": "korban0", "password": PASSWORD})
    assert response.status_code == 429 and LOCKED in response.content.decode()
    # A forged X-Forwarded-For changes nothing unless a trusted proxy is configured.
    response = attacker.post(
        LOGIN,
        {"username": "korban0", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="person.locked_out", details__scope="address").exists()

    # The victims themselves, from their own addresses, still log in.
    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    response = elsewhere.post(LOGIN, {"username": victims[0].username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_address_it_appended_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    settings.LOGIN_FAILURES_PER_ACCOUNT = 100
    UserFactory(username="dibalik-proksi")
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for n in range(5):
        # The client forges the left part; the proxy appends the real address.
        proxy.post(
            LOGIN,
            {"username": "dibalik-proksi", "password": "salah"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7",
        )
    locked = proxy.post(
        LOGIN,
        {"username": "dibalik-proksi", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert locked.status_code == 429
    other = proxy.post(
        LOGIN,
        {"username": "dibalik-proksi", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_an_unknown_name_is_locked_alike_so_the_answer_reveals_no_account():
    UserFactory(username="ada")
    answers = {}
    for name in ("ada", "tidak-ada"):
        client = Client(REMOTE_ADDR=f"192.0.2.{len(answers) + 1}")
        answers[name] = [
            client.post(LOGIN, {"username": name, "password": "salah"}).status_code
            for _attempt in range(6)
        ]
    assert answers["ada"] == answers["tidak-ada"] == [200] * 4 + [429] * 2


@pytest.mark.django_db
def test_the_admin_login_is_throttled_too():
    UserFactory(username="staf", is_staff=True, is_superuser=True)
    client = Client()
    for attempt in range(5):
        client.post(LOGIN, {"username": "staf", "password": f"salah{attempt}"})
    client.post("/admin/login/", {"username": "staf", "password": PASSWORD, "next": "/admin/"})
    assert not _logged_in(client)


@pytest.mark.django_db
def test_password_reset_requests_are_throttled_per_email_without_revealing_accounts(
    settings, mailoutbox
):
    settings.PASSWORD_RESETS_PER_EMAIL = 3
    UserFactory(username="punya", email="punya@uji.invalid")
    for n, email in enumerate(("punya@uji.invalid", "hantu@uji.invalid")):
        client = Client(REMOTE_ADDR=f"192.0.2.{n + 10}")
        statuses = [client.post(RESET, {"email": email}).status_code for _try in range(5)]
        # The same answers whether an account has the address or not.
        assert statuses == [302, 302, 302, 429, 429], email
    assert len(mailoutbox) == 3
    refused = client.post(RESET, {"email": "HANTU@uji.invalid"})
    assert refused.status_code == 429
    assert "Terlalu banyak permintaan atur ulang kata sandi" in refused.content.decode()

    _expire_every_lock()
    assert Client().post(RESET, {"email": "punya@uji.invalid"}).status_code == 302
    assert len(mailoutbox) == 4


@pytest.mark.django_db
def test_password_reset_requests_are_throttled_per_address(settings):
    settings.PASSWORD_RESETS_PER_ADDRESS = 10
    client = Client(REMOTE_ADDR="203.0.113.20")
    statuses = [
        client.post(RESET, {"email": f"orang{n}@uji.invalid"}).status_code for n in range(12)
    ]
    assert statuses == [302] * 10 + [429] * 2


@pytest.mark.django_db
def test_counts_a_day_old_are_forgotten_when_a_lock_is_set():
    client = Client()
    client.post(LOGIN, {"username": "lama", "password": "salah"})
    Throttle.objects.update(window_started_at=timezone.now() - timedelta(days=2))
    for attempt in range(5):
        client.post(LOGIN, {"username": "baru", "password": f"salah{attempt}"})
    assert Throttle.objects.filter(locked_until__gt=timezone.now()).exists()
    # The day-old count of "lama" (and its address's) is gone; the fresh ones are kept.
    assert Throttle.objects.count() == 2
