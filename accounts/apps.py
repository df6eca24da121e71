from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from accounts import labels, passphrases, sessions  # noqa: F401 (sessions: receivers)

        # Refuse to start with a word list that cannot give strong passphrases.
        passphrases.word_list()
        labels.label_words()
