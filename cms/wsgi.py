"""WSGI entry point used by gunicorn and other application servers."""

import os

from django.core.wsgi import get_wsgi_application

from cms.caching import ServeCachedPages, start_sweeper

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

# Cached reader pages are answered before Django handles the request (cms/caching.py).
application = ServeCachedPages(get_wsgi_application())
# Invalidations left pending (a process that died after a commit, Redis or the proxy
# away) are applied by every app server within seconds.
start_sweeper()
