"""App config for editorial trust: roles and workflows, review dates, translation status, the
record of high-risk changes, the admin's reports and the feedback inbox."""

from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """What staff need to keep the content right, and the records of who changed what."""

    name = "editorial"
    verbose_name = "Waymark editorial"
    default_auto_field = "django.db.models.BigAutoField"
    clean_saved_text = True  # readers' reports and the titles copied into high-risk records
    # Models that began in another app (backups made before the move restore under this app).
    moved_in = ("cms.Feedback", "cms.HighRiskChange")

    def ready(self):
        from . import highrisk

        highrisk.connect_signals()
