"""Django's JSON serialization with exact times, for backups (`cms.backup`).

Django's JSON encoder cuts datetimes to milliseconds. Pages' and services' versions
(`cms.versions`) are computed from their timestamps, so a restore that cut them would
change every version, and every reader's phone would download every saved page again.
Times are written here as ISO 8601 with their microseconds; Django's own JSON
deserializer reads them back exactly.
"""

import datetime

from django.core.serializers.json import Deserializer  # noqa: F401 (the format's reader)
from django.core.serializers.json import Serializer as JSONSerializer


class Serializer(JSONSerializer):
    def _value_from_field(self, obj, field):
        value = field.value_from_object(obj)
        if isinstance(value, datetime.datetime | datetime.time):
            return value.isoformat()
        return super()._value_from_field(obj, field)
