"""Which client sent a request: believed from X-Forwarded-For only when a trusted proxy
passed it on, and then only the part trusted proxies wrote."""

import pytest
from django.test import RequestFactory, override_settings

from cms.clients import client_address


def request(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("203.0.113.5", None, "203.0.113.5"),  # no proxy
        ("203.0.113.5", "192.0.2.1", "203.0.113.5"),  # not a proxy: its header is ignored
        ("127.0.0.1", "203.0.113.5", "203.0.113.5"),  # the shipped Varnish
        ("127.0.0.1", "192.0.2.1, 203.0.113.5", "203.0.113.5"),  # a client wrote the left
        ("::1", "2001:db8::7", "2001:db8::7"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", None, "127.0.0.1"),
    ],
)
def test_the_client_is_the_last_address_no_trusted_proxy_wrote(remote, forwarded, client):
    assert client_address(request(remote, forwarded)) == client


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    assert client_address(request("127.0.0.1", "192.0.2.1, 203.0.113.5, 10.1.2.3")) == (
        "203.0.113.5"
    )


@override_settings(TRUSTED_PROXIES=[])
def test_with_no_trusted_proxy_the_header_is_never_read():
    assert client_address(request("127.0.0.1", "203.0.113.5")) == "127.0.0.1"
