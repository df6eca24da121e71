from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project itself (settings, URLs, ASGI, serving, middleware, health): installed
    only for its system checks. Its label is "project" because "hoc" stays with the public
    site's tables (public/apps.py)."""

    name = "hoc"
    label = "project"
    verbose_name = "HOC chat"

    def ready(self):
        from hoc import checks  # noqa: F401  (registers the system checks)
