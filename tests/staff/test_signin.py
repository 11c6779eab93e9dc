"""Staff sign-in: two steps for administrators and reviewers, and lockouts that target attackers."""

import re
import time

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.django_db, pytest.mark.demo]
TWO_STEP = override_settings(WAYMARK_TWO_STEP=True)
PASSWORD = "a long and unusual passphrase 7"


def staff(username, *groups):
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def current_code(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=offset):06d}"


def set_up_two_step(client):
    """Go through the setup page as a person would; return the device and recovery codes."""
    page = client.get("/admin/two-step/setup/")
    device = TOTPDevice.objects.get(user=page.wsgi_request.user, confirmed=False)
    response = client.post("/admin/two-step/setup/", {"code": current_code(device)})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    device.refresh_from_db()
    return device, codes


def enrolled_and_back(client, username="rev", group="Reviewers"):
    """A staff member who set up two-step sign-in, then signed in again (a new session)."""
    user = staff(username, group)
    client.force_login(user)
    device, codes = set_up_two_step(client)
    sign_in_again(client, user)
    return user, device, codes


def sign_in_again(client, user):
    client.logout()
    client.force_login(user)


@TWO_STEP
@pytest.mark.parametrize("group", ["Administrators", "Reviewers", "Reviewers (es)"])
def test_administrators_and_reviewers_must_set_up_two_step_sign_in(client, group):
    client.force_login(staff("someone", group))
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/two-step/setup/?next=%2Fadmin%2Fpages%2F"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "<svg" in html and "data-secret" in html  # QR code drawn here, no image service
    assert "Your role can change what readers see" in html


@TWO_STEP
def test_editors_and_translators_may_choose(client):
    client.force_login(staff("writer", "Editors", "Translators (es)"))
    assert client.get("/admin/").status_code == 200
    assert "Two-step sign-in is off." in client.get("/admin/two-step/").content.decode()


@TWO_STEP
def test_setting_up_gives_ten_single_use_recovery_codes_and_opens_the_admin(client):
    client.force_login(staff("rev", "Reviewers"))
    client.get("/admin/two-step/setup/")
    device = TOTPDevice.objects.get(user__username="rev")
    wrong = client.post("/admin/two-step/setup/", {"code": "000000"})
    assert "That code did not match" in wrong.content.decode()
    time.sleep(1.1)  # after a wrong code the next try waits a second (django-otp's throttle)
    device, codes = set_up_two_step(client)
    assert device.confirmed and len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/").status_code == 200


@TWO_STEP
def test_each_new_sign_in_asks_for_a_code(client):
    enrolled_and_back(client)
    response = client.get("/admin/pages/")
    assert response["Location"] == "/admin/two-step/verify/?next=%2Fadmin%2Fpages%2F"
    bad = client.post("/admin/two-step/verify/?next=/admin/pages/", {"code": "123456"})
    assert bad.status_code == 400 and "That code did not work" in bad.content.decode()
    assert client.get("/admin/").status_code == 302  # still not through


@TWO_STEP
def test_a_right_code_opens_the_admin_and_guesses_slow_down(client):
    user, device, _codes = enrolled_and_back(client)
    # The code used at setup cannot be replayed; the next one (within django-otp's drift) can.
    ok = client.post(
        "/admin/two-step/verify/", {"code": current_code(device, 1), "next": "/admin/"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # Guessing: after wrong codes even the right one waits (django-otp's growing delay).
    sign_in_again(client, user)
    for _ in range(3):
        client.post("/admin/two-step/verify/", {"code": "000000"})
    refused = client.post("/admin/two-step/verify/", {"code": current_code(device, -1)})
    assert refused.status_code == 400


@TWO_STEP
def test_a_recovery_code_works_once(client):
    user, _device, codes = enrolled_and_back(client)
    for attempt in range(2):
        if attempt:
            sign_in_again(client, user)
        response = client.post("/admin/two-step/verify/", {"code": codes[0].upper()})
        assert response.status_code == (302 if attempt == 0 else 400)


@TWO_STEP
def test_the_next_page_never_leaves_the_site(client):
    _user, device, _codes = enrolled_and_back(client)
    response = client.post(
        "/admin/two-step/verify/",
        {"code": current_code(device, 1), "next": "https://evil.example/admin/"},
    )
    assert response["Location"] == "/admin/"


@TWO_STEP
def test_who_may_turn_it_off_and_new_codes(client):
    reviewer = staff("rev", "Reviewers")
    client.force_login(reviewer)
    set_up_two_step(client)
    refused = client.post("/admin/two-step/", {"action": "off"}, follow=True)
    assert "Your role requires two-step sign-in." in refused.content.decode()
    assert TOTPDevice.objects.filter(user=reviewer, confirmed=True).exists()
    fresh = client.post("/admin/two-step/", {"action": "codes"})
    assert len(re.findall(r"<li><code>", fresh.content.decode())) == 10
    client.logout()
    editor = staff("writer", "Editors")
    client.force_login(editor)
    set_up_two_step(client)
    client.post("/admin/two-step/", {"action": "off"})
    assert not TOTPDevice.objects.filter(user=editor).exists()


@TWO_STEP
def test_an_editor_who_turned_it_on_is_always_asked(client):
    enrolled_and_back(client, "writer", "Editors")
    assert client.get("/admin/")["Location"].startswith("/admin/two-step/verify/")


@TWO_STEP
def test_an_administrator_can_reset_a_lost_phone(client, capsys):
    user = staff("rev", "Reviewers")
    client.force_login(user)
    set_up_two_step(client)
    call_command("reset_two_step", "rev")
    assert "rev: two-step sign-in reset" in capsys.readouterr().out
    sign_in_again(client, user)
    assert client.get("/admin/")["Location"].startswith("/admin/two-step/setup/")


@TWO_STEP
def test_readers_pages_never_ask_for_a_second_step(client, reader):
    client.force_login(staff("rev", "Reviewers"))
    assert client.get("/es/").status_code == 200
    assert reader.get("/es/").status_code == 200


# Sign-in throttling (django-axes): the account-and-address pair is locked, nothing more.


def sign_in(client, username, password, address):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_repeated_wrong_passwords_lock_that_account_from_that_address(client):
    staff("editor1", "Editors")
    for _ in range(4):
        assert sign_in(client, "editor1", "wrong", "203.0.113.5").status_code == 200
    assert sign_in(client, "editor1", "wrong", "203.0.113.5").status_code == 429  # the fifth
    locked = sign_in(client, "editor1", PASSWORD, "203.0.113.5")  # even the right password
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Too many wrong passwords" in html and "15 minutes" in html


def test_a_locked_attacker_cannot_lock_out_the_real_user_or_others(client):
    staff("editor1", "Editors")
    staff("editor2", "Editors")
    for _ in range(6):
        sign_in(client, "editor1", "wrong", "203.0.113.5")
    assert sign_in(client, "editor1", PASSWORD, "198.51.100.7").status_code == 302
    client.logout()
    assert sign_in(client, "editor2", PASSWORD, "203.0.113.5").status_code == 302


def test_an_administrator_can_unlock(client):
    staff("editor1", "Editors")
    for _ in range(6):
        sign_in(client, "editor1", "wrong", "203.0.113.5")
    call_command("axes_reset_username", "editor1")
    assert sign_in(client, "editor1", PASSWORD, "203.0.113.5").status_code == 302


@pytest.mark.parametrize("password", ["password1234", "waymark", "123456789012", "editor1editor"])
def test_weak_passwords_are_refused(password):
    user = User(username="editor1", email="editor1@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def sign_in_through_proxy(client, username, password, forwarded_for, proxy="127.0.0.1"):
    """A sign-in that reached the app through the proxy (the shipped Varnish, on this
    machine), which appended the client's address to X-Forwarded-For."""
    return client.post(
        "/admin/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_proxy_a_lockout_holds_one_client_not_everyone(client):
    staff("editor1", "Editors")
    for _ in range(6):
        sign_in_through_proxy(client, "editor1", "wrong", "203.0.113.5")
    assert sign_in_through_proxy(client, "editor1", PASSWORD, "203.0.113.5").status_code == 429
    # The real editor, elsewhere, through the same proxy, is not locked out.
    assert sign_in_through_proxy(client, "editor1", PASSWORD, "198.51.100.7").status_code == 302


def test_a_client_cannot_choose_its_address_by_writing_the_header(client):
    """What a client writes into X-Forwarded-For before the proxy appends its address is
    not believed, nor the header from a client that is not a trusted proxy."""
    staff("editor1", "Editors")
    for attempt in range(6):
        # A new made-up address each time, written by the attacker, left of the proxy's.
        sign_in_through_proxy(client, "editor1", "wrong", f"192.0.2.{attempt}, 203.0.113.5")
    assert sign_in_through_proxy(client, "editor1", PASSWORD, "203.0.113.5").status_code == 429
    client.logout()
    staff("editor2", "Editors")
    for attempt in range(6):
        client.post(
            "/admin/login/",
            {"username": "editor2", "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",  # not a proxy: its header counts for nothing
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    assert sign_in(client, "editor2", PASSWORD, "203.0.113.9").status_code == 429
