vcl 4.1;
# Varnish in front of Waymark's app servers: the production topology on one machine.
#
# Reader pages are cached for as long as the app's s-maxage says (it is cut
# short when an opening-hours status changes) and purged when content changes:
# Waymark sends PURGE for each changed language's root ("/es/") and for the
# changed pages, and a PURGE of a path ending in "/" drops everything under it.
# Staff (with an admin session) and anything but GET/HEAD go straight through.
# Varnish compresses text for phones; the app sends it uncompressed.

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Only the app servers may purge. Add their addresses when they run elsewhere.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (!client.ip ~ purgers) {
            return (synth(403, "Not allowed"));
        }
        if (req.url ~ "/$") {
            ban("obj.http.x-host == " + req.http.host + " && obj.http.x-url ~ ^" + req.url);
        } else {
            ban("obj.http.x-host == " + req.http.host + " && obj.http.x-url == " + req.url);
        }
        return (synth(200, "Purged"));
    }
    # The scheme the reader used comes from X-Forwarded-Proto alone, as the TLS proxy in
    # front sets it ("https"), and anything else is "http"; every other header that could
    # make the app believe in another scheme, host or path is dropped, so no response
    # depends on a header the cache key leaves out (vcl_hash adds the scheme).
    if (req.http.X-Forwarded-Proto != "https") {
        set req.http.X-Forwarded-Proto = "http";
    }
    unset req.http.X-Forwarded-Ssl;
    unset req.http.X-Forwarded-Protocol;
    unset req.http.X-Forwarded-Scheme;
    unset req.http.X-Url-Scheme;
    unset req.http.Front-End-Https;
    unset req.http.Forwarded;
    unset req.http.X-Forwarded-Host;
    unset req.http.X-Forwarded-Server;
    unset req.http.X-Forwarded-Port;
    unset req.http.X-Host;
    unset req.http.X-Original-URL;
    unset req.http.X-Rewrite-URL;
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin/" || req.http.Authorization
        || req.http.Cookie ~ "(^|;\s*)(sessionid|csrftoken)=") {
        return (pass);
    }
    # Readers carry no cookie Waymark reads; a stray one must not split the cache.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    # Stored per scheme: a redirect to HTTPS made for a plain-HTTP request, or a page whose
    # absolute URLs say "http", never reaches readers of the other scheme. (No return: the
    # built-in vcl_hash then adds the URL and the host.)
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_backend_response {
    # Remembered with the object, so that bans can be checked in the background.
    set beresp.http.x-url = bereq.url;
    set beresp.http.x-host = bereq.http.host;
    if (beresp.http.Content-Type ~ "^(text/|application/(json|javascript|manifest\+json|xml))") {
        set beresp.do_gzip = true;
    }
}

sub vcl_deliver {
    unset resp.http.x-url;
    unset resp.http.x-host;
    unset resp.http.Via;
    if (obj.hits > 0) {
        set resp.http.X-Proxy-Cache = "hit";
    } else {
        set resp.http.X-Proxy-Cache = "miss";
    }
}
