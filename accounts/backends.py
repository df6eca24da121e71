from accounts import clients


class PassphraseBackend:
    """Log a client in by passphrase alone (there is no username).

    Called as authenticate(request, password=passphrase) so that Django masks the value in
    the user_login_failed signal and django-axes counts the attempt.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None or not password:
            return None
        user = clients.find_client(password)
        if user is None or not user.is_active or user.confirmed_at is None:
            return None
        return user

    def get_user(self, user_id):
        from accounts.models import User

        return User.objects.filter(pk=user_id, is_active=True).first()
