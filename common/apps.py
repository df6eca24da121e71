from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Installed for its management commands (rotate_keys, check_field_keys); it has no
    models."""

    name = "common"
    verbose_name = "Gedeelde bouwstenen"
