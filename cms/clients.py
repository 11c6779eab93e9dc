"""Which client sent a request, for lockouts and rate limits (never stored, never logged).

Behind a proxy every request comes from the proxy's address, so counting by
`REMOTE_ADDR` would lock every staff member out after one person's wrong passwords
and stop every reader's report after one client's five. The client's address is
then read from the proxy's `X-Forwarded-For`, but only when the request really came
from a proxy named in `TRUSTED_PROXIES` (the shipped Varnish is on 127.0.0.1), and
only the part of the header that trusted proxies wrote: read from the right, the
first address that is not a trusted proxy is the client. Anything a client wrote
into the header itself is to the left of that, and never believed.
"""

import ipaddress

from django.conf import settings


def _networks():
    return [
        ipaddress.ip_network(item.strip(), strict=False)
        for item in getattr(settings, "TRUSTED_PROXIES", [])
        if item.strip()
    ]


def _is_trusted(address, networks):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request):
    """The address of whoever sent `request` (django-axes' AXES_CLIENT_IP_CALLABLE too)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks()
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a hop that is no address: not to be believed
    return remote
