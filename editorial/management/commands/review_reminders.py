"""`manage.py review_reminders`: one e-mail per owner listing their overdue pages and services."""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from editorial.reviews import review_items


class Command(BaseCommand):
    help = "E-mail the owners of overdue pages and services: one digest per person."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List, but send nothing.")

    def handle(self, *args, dry_run=False, **options):
        by_owner = defaultdict(list)
        unowned = []
        for item in review_items(overdue_only=True):
            if item.owner is not None and item.owner.email:
                by_owner[item.owner].append(item)
            else:
                unowned.append(item)
        base = getattr(settings, "WAGTAILADMIN_BASE_URL", "")
        for owner, items in sorted(by_owner.items(), key=lambda pair: pair[0].email):
            lines = [
                f"- {item.title} ({item.kind_label}, {item.language}): "
                + (
                    _("due %(date)s") % {"date": item.next_due.isoformat()}
                    if item.next_due
                    else _("never verified")
                )
                + f"\n  {base}{item.edit_url}"
                for item in items
            ]
            body = "\n".join(
                [
                    _("These pages and services are overdue for review:"),
                    "",
                    *lines,
                    "",
                    _("Check each one; if nothing changed, confirm it in “Due for review”."),
                ]
            )
            subject = _("Waymark: %(count)d item(s) overdue for review") % {"count": len(items)}
            if not dry_run:
                send_mail(subject, body, None, [owner.email])
            self.stdout.write(f"{owner.email}: {len(items)} overdue")
        if unowned:
            self.stdout.write(
                f"{len(unowned)} overdue item(s) have no owner with an e-mail address; "
                "see the “Due for review” report."
            )
