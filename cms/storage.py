"""Media files on this server's disk, saved whole or not at all.

Django's FileSystemStorage leaves a truncated file behind when the disk fills up or
turns read-only halfway through a write. Here a file is written under a temporary name
and linked under its own only once whole; a failure removes what was written and
raises `StorageFailed`, which the admin turns into a clear message
(`cms.middleware.StorageFailureMessage`) instead of a bare 500.
"""

import contextlib
import errno
import os
import uuid

from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext_lazy as _


class StorageFailed(OSError):
    """The file could not be written; nothing of it was kept. `reason` says why, for staff."""

    def __init__(self, code, reason):
        super().__init__(code, str(reason))
        self.reason = reason


REASONS = {
    errno.ENOSPC: _("the media disk is full"),
    errno.EDQUOT: _("the media disk is full"),
    errno.EROFS: _("the media disk is read-only"),
    errno.EACCES: _("the media folder may not be written to"),
    errno.EPERM: _("the media folder may not be written to"),
}


class MediaStorage(FileSystemStorage):
    """Writes each file under a temporary name, then links it under its own: a failed
    write leaves nothing, and a file is never seen half-written under its name."""

    def _save(self, name, content):
        temporary = f"{name}.{uuid.uuid4().hex}.partial"  # a name nothing else has
        try:
            temporary = super()._save(temporary, content)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.remove(self.path(temporary))
            reason = REASONS.get(error.errno, _("the media disk failed"))
            raise StorageFailed(error.errno, reason) from error
        try:
            while True:
                try:
                    os.link(self.path(temporary), self.path(name))  # never over another file
                    return name
                except FileExistsError:
                    name = self.get_available_name(name)
        finally:
            os.remove(self.path(temporary))
