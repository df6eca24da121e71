import stat

import pytest

from tests.hoc.probe import PRODUCTION_ENV, run, settings_of


@pytest.mark.parametrize(
    "missing",
    [
        "HOC_SECRET_KEY",
        "HOC_ALLOWED_HOSTS",
        "HOC_FIELD_KEYS",
        "HOC_CHANNEL_LAYER_KEY",
        "HOC_PASSPHRASE_PEPPER",
        "DATABASE_URL",
        "REDIS_URL",
    ],
)
def test_production_refuses_to_start_without(missing, tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = settings_of(env, tmp_path, "DEBUG")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("HOC_SECRET_KEY", "too-short", "at least 50"),
        ("HOC_SECRET_KEY", "django-insecure-" + "x" * 60, "at least 50"),
        ("HOC_ALLOWED_HOSTS", "*", "exact host names"),
        ("HOC_FIELD_KEYS", "k1:c2hvcnQ", "32 bytes"),
        ("HOC_FIELD_KEYS", "no-separator", "id:base64key"),
        ("HOC_CHANNEL_LAYER_KEY", "short", "at least 32"),
        ("HOC_DEBUG", "1", "HOC_DEBUG"),
        # What an attacker found a production instance running with ([2/8] item 17).
        ("HOC_SECRET_KEY", "abcde" * 10, "at least 50"),
        ("HOC_FIELD_KEYS", "k1:" + "A" * 43, "not random"),
        ("HOC_PASSPHRASE_PEPPER", "a" * 32, "looks typed by hand"),
        ("HOC_CHANNEL_LAYER_KEY", "b" * 40, "looks typed by hand"),
        ("REDIS_URL", "redis://redis.invalid:6379/0", "has no password"),
        ("DATABASE_URL", "sqlite:////tmp/hoc.sqlite3", "must point at PostgreSQL"),
        ("HOC_WEBSOCKET_TIMEOUT", str(24 * 3600), "between 1 and 7200"),
        ("HOC_EXIT_URL", "http://www.buienradar.nl/", "https:// address in production"),
    ],
)
def test_production_refuses_weak_values(name, value, complaint, tmp_path):
    result = settings_of({**PRODUCTION_ENV, name: value}, tmp_path, "DEBUG")
    assert result.returncode != 0
    assert complaint in result.stderr


def test_production_writes_no_development_keys(tmp_path):
    values = settings_of(PRODUCTION_ENV, tmp_path, "SECRET_KEY", "ALLOWED_HOSTS")
    assert values["SECRET_KEY"] == PRODUCTION_ENV["HOC_SECRET_KEY"]
    assert values["ALLOWED_HOSTS"] == ["chat.example.org"]
    assert not any(tmp_path.iterdir())


def test_secrets_can_come_from_files(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(PRODUCTION_ENV["HOC_SECRET_KEY"] + "\n")
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "HOC_SECRET_KEY"}
    env["HOC_SECRET_KEY_FILE"] = str(secret_file)
    assert settings_of(env, tmp_path, "SECRET_KEY")["SECRET_KEY"] == env_secret(secret_file)


def env_secret(path):
    return path.read_text().strip()


def test_check_deploy_passes_under_production_settings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_on_the_in_memory_channel_layer(tmp_path):
    # Development settings are not fit for deployment, and the check says why.
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {}, tmp_path)
    assert result.returncode != 0
    assert "hoc.E002" in result.stderr


def test_development_generates_private_keys_once(tmp_path):
    first = settings_of({}, tmp_path, "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "CHANNEL_LAYER_KEY")
    second = settings_of({}, tmp_path, "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "CHANNEL_LAYER_KEY")
    assert first == second
    files = {p.name: p for p in tmp_path.iterdir()}
    for name in ("secret_key", "field_keys", "channel_layer_key", "hoc.sqlite3"):
        assert stat.S_IMODE(files[name].stat().st_mode) == 0o600
    assert first["SECRET_KEY"] != first["CHANNEL_LAYER_KEY"]


def test_development_says_it_is_a_development_set_up(tmp_path):
    result = run(["-c", "import hoc.settings"], {}, tmp_path)
    assert "development set-up" in result.stderr


def test_defaults_are_sqlite_and_the_in_memory_layer(tmp_path):
    values = settings_of({}, tmp_path, "DATABASES", "CHANNEL_LAYERS", "CACHES")
    assert "sqlite3" in values["DATABASES"]["default"]["ENGINE"]
    assert str(tmp_path) in values["DATABASES"]["default"]["NAME"]
    assert values["CHANNEL_LAYERS"]["default"]["BACKEND"].endswith("InMemoryChannelLayer")
    assert "locmem" in values["CACHES"]["default"]["BACKEND"]


def test_database_url_selects_postgresql(tmp_path):
    env = {"DATABASE_URL": "postgres://u:p@db.invalid:5432/hoc"}
    db = settings_of(env, tmp_path, "DATABASES")["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["NAME"]) == ("db.invalid", "hoc")


def test_redis_url_selects_the_encrypted_pubsub_layer_and_a_redis_cache(tmp_path):
    env = {"REDIS_URL": "redis://:pw@redis.invalid:6379/0"}
    values = settings_of(env, tmp_path, "CHANNEL_LAYERS", "CACHES", "CHANNEL_LAYER_KEY")
    layer = values["CHANNEL_LAYERS"]["default"]
    assert layer["BACKEND"] == "hoc.channel_layer.PubSubChannelLayer"
    assert layer["CONFIG"]["hosts"] == ["redis://:pw@redis.invalid:6379/0"]
    assert layer["CONFIG"]["symmetric_encryption_keys"] == [values["CHANNEL_LAYER_KEY"]]
    assert values["CACHES"]["default"]["BACKEND"].endswith("RedisCache")


def test_the_redis_prefix_is_the_configured_one_or_differs_with_the_secret_key(tmp_path):
    redis = {"REDIS_URL": "redis://redis.invalid:6379/0"}
    names = ("CHANNEL_LAYERS", "CACHES")

    def prefixes(env):
        values = settings_of({**redis, **env}, tmp_path, *names)
        return (
            values["CHANNEL_LAYERS"]["default"]["CONFIG"]["prefix"],
            values["CACHES"]["default"]["KEY_PREFIX"],
        )

    assert prefixes({"HOC_REDIS_PREFIX": "hoc-staging"}) == ("hoc-staging", "hoc-staging")
    one = prefixes({"HOC_SECRET_KEY": "a1" * 30})
    other = prefixes({"HOC_SECRET_KEY": "b2" * 30})
    assert one[0] == one[1] and one[0] != other[0]
    assert one == prefixes({"HOC_SECRET_KEY": "a1" * 30})  # every replica agrees


def test_a_redis_prefix_with_odd_characters_is_refused(tmp_path):
    result = settings_of({"HOC_REDIS_PREFIX": "hoc prod*"}, tmp_path, "CACHES")
    assert result.returncode != 0
    assert "HOC_REDIS_PREFIX may hold only" in result.stderr


def test_https_switches_on_hsts_secure_cookies_and_redirects(tmp_path):
    names = (
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_NAME",
    )
    on = settings_of({"HOC_HTTPS": "1"}, tmp_path, *names)
    off = settings_of({}, tmp_path, *names)
    assert on == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_NAME": "__Host-session",
    }
    assert off["SECURE_SSL_REDIRECT"] is False
    assert off["SECURE_HSTS_SECONDS"] == 0


def test_sessions_are_server_side_and_hold_the_csrf_token(settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.CSRF_USE_SESSIONS is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Strict"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_argon2_is_the_first_password_hasher(tmp_path):
    hashers = settings_of({}, tmp_path, "PASSWORD_HASHERS")["PASSWORD_HASHERS"]
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_axes_counts_in_the_cache_with_an_expiring_lock(settings):
    from datetime import timedelta

    assert settings.AXES_HANDLER == "axes.handlers.cache.AxesCacheHandler"
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_CLIENT_IP_CALLABLE == "accounts.pseudonyms.client_pseudonym"
    assert settings.AXES_LOCKOUT_URL is None
    assert settings.AXES_DISABLE_ACCESS_LOG is True


def test_the_user_model_is_ours(settings):
    assert settings.AUTH_USER_MODEL == "accounts.User"


def test_database_and_redis_passwords_can_come_from_secret_files(tmp_path):
    (tmp_path / "pg").write_text("p@ss/word\n")
    (tmp_path / "redis").write_text("r3dis-secret\n")
    env = {
        **PRODUCTION_ENV,
        "DATABASE_URL": "postgres://hoc@db.invalid:5432/hoc",
        "REDIS_URL": "redis://redis.invalid:6379/0",
        "HOC_DATABASE_PASSWORD_FILE": str(tmp_path / "pg"),
        "HOC_REDIS_PASSWORD_FILE": str(tmp_path / "redis"),
    }
    values = settings_of(env, tmp_path, "DATABASES", "REDIS_URL")
    assert values["DATABASES"]["default"]["PASSWORD"] == "p@ss/word"
    assert values["DATABASES"]["default"]["USER"] == "hoc"
    assert values["REDIS_URL"] == "redis://:r3dis-secret@redis.invalid:6379/0"
