from django.apps import AppConfig


class HocConfig(AppConfig):
    name = "hoc"
    verbose_name = "HOC chat"

    def ready(self):
        from hoc import checks  # noqa: F401  (registers the system checks)
