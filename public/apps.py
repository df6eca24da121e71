from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public site: pages, the self-check, the help guide and information-session
    sign-ups.

    The label stays "hoc", the label these models had while they lived in the project
    package: their tables (hoc_*), migration history and content types keep their names, so
    nothing moves in the database (docs/architecture.md)."""

    name = "public"
    label = "hoc"
    verbose_name = "Publieke site"
