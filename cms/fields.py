"""A StreamField that keeps its block definitions out of migrations."""

from wagtail.fields import StreamField as WagtailStreamField


class StreamField(WagtailStreamField):
    """Like Wagtail's StreamField, but block changes need no migration.

    Block definitions live in code; the database stores JSON either way, so
    listing every block in every migration only adds noise.
    """

    def deconstruct(self):
        name, path, _args, kwargs = super().deconstruct()
        kwargs.pop("block_lookup", None)
        return name, path, [[]], kwargs
