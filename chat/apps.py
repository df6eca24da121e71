from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = "Chat"

    def ready(self):
        # A visitor's session that ends (quick exit, log-out) leaves their chat.
        from chat import leaving  # noqa: F401
