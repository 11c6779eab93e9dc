"""`manage.py bench_baseline URL`: the bare Wagtail page holding that topic page's text (make
bench); prints its URL."""

from django.core.management.base import BaseCommand, CommandError
from django.test import RequestFactory
from django.utils import translation
from wagtail.models import Site

from bench.baseline import install_baseline
from home.models import TopicPage


class Command(BaseCommand):
    help = "Create the baseline page (one rich-text field) holding a topic page's text."

    def add_arguments(self, parser):
        parser.add_argument("url", help="the topic page's path, e.g. /es/temas/denunciar/")

    def handle(self, *args, url, **options):
        request = RequestFactory().get(url, HTTP_HOST="localhost")
        site = Site.find_for_request(request)
        path = [part for part in url.split("/") if part]
        try:
            with translation.override(path[0]):  # the URL's language, as i18n_patterns sets it
                root = site.root_page.localized.specific
            found = root.route(request, path[1:]).page.specific
        except Exception as error:
            raise CommandError(f"no page at {url}: {error}") from error
        if not isinstance(found, TopicPage):
            raise CommandError(f"{url} is a {type(found).__name__}, not a topic page")
        self.stdout.write(install_baseline(found))
