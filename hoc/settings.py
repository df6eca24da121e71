"""Settings for HOC chat, read from the environment.

One file for every environment (style brief §6). With no configuration it runs as a
development set-up on SQLite and the in-memory channel layer, with keys generated under
``var/``. ``HOC_ENV=production`` refuses to start without real secrets. Every variable read
here is listed in the README's configuration table; a test keeps the two in step.
"""

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
import sys
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def envbool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def envint(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def envsecret(name):
    """A secret from NAME, or from the file named by NAME_FILE (Docker secrets)."""
    if path := os.environ.get(f"{name}_FILE"):
        try:
            return Path(path).read_text().strip()
        except OSError as e:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {e}") from None
    return os.environ.get(name, "").strip()


HOC_ENV = env("HOC_ENV", "development")
if HOC_ENV not in ("development", "production"):
    raise ImproperlyConfigured("HOC_ENV must be 'development' or 'production'.")
PRODUCTION = HOC_ENV == "production"

VAR_DIR = Path(env("HOC_VAR_DIR", str(BASE_DIR / "var")))


def dev_secret(filename, make):
    """Read a generated development secret from var/, creating it (mode 0600) once.

    O_EXCL makes two processes starting together agree on one value.
    """
    path = VAR_DIR / filename
    VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(make() + "\n")
    return path.read_text().strip()


def parse_key_ring(name, value):
    """Parse "id:base64key,id:base64key" into an ordered {id: 32-byte key} dict.

    The first key encrypts new data; the others stay readable for rotation.
    """
    ring = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        key_id, sep, encoded = item.partition(":")
        if not sep or not key_id.isalnum() or len(key_id) > 16:
            raise ImproperlyConfigured(
                f"{name}: each key must look like 'id:base64key' with a short alphanumeric id."
            )
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"{name}: key {key_id!r} is not valid base64.") from None
        if len(key) != 32:
            raise ImproperlyConfigured(f"{name}: key {key_id!r} must be 32 bytes (AES-256).")
        if key_id in ring:
            raise ImproperlyConfigured(f"{name}: key id {key_id!r} appears twice.")
        ring[key_id] = key
    return ring


def looks_made_up(secret):
    """A value typed by hand ("aaaa…", "abcde" × 10) rather than generated: too few distinct
    symbols. A generated 32-character urlsafe token has about 25; 16 leaves a wide margin."""
    return len(set(secret)) < 16


def new_key_ring_entry():
    return "k1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def with_password(url, password):
    """`url` with its password replaced by `password` (from a Docker secret file), so
    compose need not put a password into an environment variable."""
    if not url or not password:
        return url
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    auth = f"{quote(unquote(parts.username or ''), safe='')}:{quote(password, safe='')}@"
    return parts._replace(netloc=auth + host).geturl()


# --- Secrets -----------------------------------------------------------------------------

SECRET_KEY = envsecret("HOC_SECRET_KEY")
PASSPHRASE_PEPPER = envsecret("HOC_PASSPHRASE_PEPPER")
_field_keys = envsecret("HOC_FIELD_KEYS")
_channel_key = envsecret("HOC_CHANNEL_LAYER_KEY")
ALLOWED_HOSTS = [h.strip() for h in env("HOC_ALLOWED_HOSTS").split(",") if h.strip()]
DATABASE_URL = with_password(env("DATABASE_URL"), envsecret("HOC_DATABASE_PASSWORD"))
REDIS_URL = with_password(env("REDIS_URL"), envsecret("HOC_REDIS_PASSWORD"))
# Bearer token for /metrics from anywhere other than loopback (hoc/health.py); empty: loopback only.
METRICS_TOKEN = envsecret("HOC_METRICS_TOKEN")

if PRODUCTION:
    missing = [
        name
        for name, value in [
            ("HOC_SECRET_KEY", SECRET_KEY),
            ("HOC_ALLOWED_HOSTS", ALLOWED_HOSTS),
            ("HOC_FIELD_KEYS", _field_keys),
            ("HOC_CHANNEL_LAYER_KEY", _channel_key),
            ("HOC_PASSPHRASE_PEPPER", PASSPHRASE_PEPPER),
            ("DATABASE_URL", DATABASE_URL),
            ("REDIS_URL", REDIS_URL),
        ]
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "HOC_ENV=production needs these settings: "
            + ", ".join(missing)
            + ". See the configuration table in README.md."
        )
    if len(SECRET_KEY) < 50 or looks_made_up(SECRET_KEY) or SECRET_KEY.startswith("django-i"):
        raise ImproperlyConfigured(
            "HOC_SECRET_KEY must be a random value of at least 50 characters in production."
        )
    if urlsplit(REDIS_URL).password is None:
        raise ImproperlyConfigured(
            "REDIS_URL has no password; production's Redis requires one "
            "(redis://:password@host:6379/0)."
        )
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
    if "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "HOC_ALLOWED_HOSTS must list exact host names; '*' would switch off the "
            "WebSocket origin check."
        )
else:
    _dev_note = []
    if not SECRET_KEY:
        SECRET_KEY = dev_secret("secret_key", lambda: secrets.token_urlsafe(50))
        _dev_note.append("secret key")
    if not _field_keys:
        _field_keys = dev_secret("field_keys", new_key_ring_entry)
        _dev_note.append("field-encryption key")
    if not _channel_key:
        _channel_key = dev_secret("channel_layer_key", lambda: secrets.token_urlsafe(32))
        _dev_note.append("channel-layer key")
    if not PASSPHRASE_PEPPER:
        PASSPHRASE_PEPPER = dev_secret("passphrase_pepper", lambda: secrets.token_urlsafe(32))
        _dev_note.append("passphrase pepper")
    if not ALLOWED_HOSTS:
        ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
    if _dev_note and not os.environ.get("_HOC_DEV_NOTE_SHOWN"):
        os.environ["_HOC_DEV_NOTE_SHOWN"] = "1"  # once per process tree, not per command
        print(
            f"HOC chat: development set-up; using the generated {', '.join(_dev_note)} "
            f"in {VAR_DIR}. Set HOC_ENV=production with real keys for anything else.",
            file=sys.stderr,
        )

FIELD_ENCRYPTION_KEYS = parse_key_ring("HOC_FIELD_KEYS", _field_keys)
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("HOC_FIELD_KEYS holds no key.")
if PRODUCTION:
    for _key_id, _key in FIELD_ENCRYPTION_KEYS.items():
        if looks_made_up(_key):  # 32 random bytes have about 30 distinct values
            raise ImproperlyConfigured(
                f"HOC_FIELD_KEYS: key {_key_id!r} is not random (all zeros or a pattern)."
            )
if len(_channel_key) < 32:
    raise ImproperlyConfigured("HOC_CHANNEL_LAYER_KEY must be at least 32 characters.")
if _channel_key == SECRET_KEY:
    raise ImproperlyConfigured("HOC_CHANNEL_LAYER_KEY must differ from HOC_SECRET_KEY.")
CHANNEL_LAYER_KEY = _channel_key
if len(PASSPHRASE_PEPPER) < 32:
    raise ImproperlyConfigured("HOC_PASSPHRASE_PEPPER must be at least 32 characters.")
if PASSPHRASE_PEPPER in (SECRET_KEY, CHANNEL_LAYER_KEY):
    raise ImproperlyConfigured("HOC_PASSPHRASE_PEPPER must differ from every other key.")
if PRODUCTION:
    for _name, _value in [
        ("HOC_CHANNEL_LAYER_KEY", CHANNEL_LAYER_KEY),
        ("HOC_PASSPHRASE_PEPPER", PASSPHRASE_PEPPER),
    ]:
        if looks_made_up(_value):
            raise ImproperlyConfigured(
                f"{_name} looks typed by hand, not generated; make one as .env.example says."
            )
# Argon2id for passphrases: 64 MiB, 3 passes. Every log-in attempt pays this once,
# found or not, which also makes valid and invalid attempts take the same time.
PASSPHRASE_ARGON2 = {
    "time_cost": 3,
    "memory_cost": envint("HOC_PASSPHRASE_MEMORY_KIB", 64 * 1024),
    "parallelism": 1,
}
if PASSPHRASE_ARGON2["memory_cost"] < 64 * 1024 and PRODUCTION:
    raise ImproperlyConfigured("HOC_PASSPHRASE_MEMORY_KIB must be at least 65536 in production.")

DEBUG = envbool("HOC_DEBUG", False)
if DEBUG and PRODUCTION:
    raise ImproperlyConfigured("HOC_DEBUG cannot be on in production.")

# --- Applications ------------------------------------------------------------------------

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "django_otp",
    "common",
    "accounts",
    "audit",
    "partners",
    "chat",
    "handover",
    "oversight",
    "public",
    "hoc",
]

MIDDLEWARE = [
    # Outermost, so that even SecurityMiddleware's HTTPS redirect gets no-store.
    "hoc.middleware.PrivacyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.sessions.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last of the real middleware, as axes' documentation asks.
    "axes.middleware.AxesMiddleware",
    # Keeps the chain synchronous: see its docstring (measured with bench/public_pages.py).
    "hoc.middleware.SyncChainMiddleware",
]

ROOT_URLCONF = "hoc.urls"
ASGI_APPLICATION = "hoc.asgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hoc.context_processors.site",
                "handover.context_processors.client_referrals",
                "chat.context_processors.answered_messages",
                "chat.context_processors.client_appointments",
            ],
        },
    },
]

# --- Database and channel layer ----------------------------------------------------------

if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # psycopg 3's pool instead of persistent connections: Daphne runs sync code on
        # several threads, each of which would otherwise hold its own connection.
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": envint("HOC_DB_POOL_SIZE", 10),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "hoc.sqlite3",
            # Opening SQLite for every request costs more than most pages' queries.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
    VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    # The database holds conversations: readable by its owner only, from the start.
    os.close(os.open(DATABASES["default"]["NAME"], os.O_WRONLY | os.O_CREAT, 0o600))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Threads that run the chat sockets' database work (common/db_threads.py); keep it below
# HOC_DB_POOL_SIZE so HTTP requests still find a connection.
DB_THREADS = envint("HOC_DB_THREADS", 8)

# Each silenced check says why where it is added; README lists them too.
SILENCED_SYSTEM_CHECKS = []

# Redis Pub/Sub ignores database numbers: every HOC deployment on one Redis hears every
# channel of the same name. So each deployment names its channels and cache keys with a
# prefix of its own: HOC_REDIS_PREFIX, or one derived from the secret key, which every
# replica of a deployment shares and no other deployment has.
REDIS_PREFIX = env("HOC_REDIS_PREFIX") or (
    "hoc." + hmac.new(SECRET_KEY.encode(), b"hoc redis prefix", hashlib.sha256).hexdigest()[:12]
)
if not re.fullmatch(r"[A-Za-z0-9._-]{1,40}", REDIS_PREFIX):
    raise ImproperlyConfigured(
        "HOC_REDIS_PREFIX may hold only letters, digits, '.', '_' and '-' (at most 40)."
    )

if REDIS_URL:
    # The PubSub layer, not the core RedisChannelLayer: one PUBLISH per group message
    # instead of about 15 Redis commands, and in a trial the core layer ran out of
    # connections ("Too many connections") at 400 simultaneous sockets while PubSub held.
    # PubSub delivers at most once; that is acceptable because every chat message is
    # stored in PostgreSQL first and clients resume by sequence number (docs/architecture.md).
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis's PubSub layer, except that a frame it cannot open is dropped
            # instead of closing the socket that received it, and that broadcasts do not
            # wait in one line (hoc/channel_layer.py).
            "BACKEND": "hoc.channel_layer.PubSubChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": REDIS_PREFIX,
                # Messages in Redis are encrypted with a dedicated key.
                "symmetric_encryption_keys": [CHANNEL_LAYER_KEY],
            },
        }
    }
    CACHES = {
        "default": {
            # One connection pool per process (common/cache.py).
            "BACKEND": "common.cache.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
else:
    # Development only: one process, nothing shared (production refuses to start without
    # REDIS_URL, above).
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # axes warns that a local-memory cache is not shared between processes. Without
    # REDIS_URL there is only one process, so its counts are complete.
    SILENCED_SYSTEM_CHECKS.append("axes.W001")

# --- Authentication ----------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PassphraseBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "staff-login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 15},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# django-axes (docs/security.md): counts in the cache with a TTL, never in the
# database, and the "IP address" it sees is a keyed pseudonym that rotates daily.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)  # never None: that is a permanent lock, no TTL
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_ON_SUCCESS = True
# Username and address pseudonym together: a lock by username alone let anyone keep a
# counsellor out from anywhere. Spraying and guessing across addresses are bounded by
# accounts/login_throttle.py (per address, per username, and for passphrases globally).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.pseudonyms.client_pseudonym"
AXES_USERNAME_CALLABLE = "accounts.pseudonyms.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "user_agent"]
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False

# django-otp: the staff second factor (accounts/staff.py, accounts/models.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_THROTTLE_FACTOR = 1

# --- Sessions and cookies ----------------------------------------------------------------

HTTPS = envbool("HOC_HTTPS", PRODUCTION)
BEHIND_PROXY = envbool("HOC_BEHIND_PROXY", False)

# Server-side sessions: the cookie holds only an opaque key.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# "__Host-" binds the cookie to this exact host and path; browsers accept the prefix only
# on Secure cookies, so plain-HTTP development uses an ordinary name.
SESSION_COOKIE_NAME = "__Host-session" if HTTPS else "hoc_session"
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The server keeps a session at most this long; accounts/sessions.py enforces the shorter
# idle and absolute limits per role (clients 30 min / 2 h, staff 30 min / 12 h).
SESSION_COOKIE_AGE = 12 * 60 * 60
# The CSRF token lives in the session, so there is no second cookie.
CSRF_USE_SESSIONS = True
CSRF_COOKIE_SECURE = HTTPS
CSRF_FAILURE_VIEW = "public.views.csrf_failure"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- HTTP security headers (security brief B4) ------------------------------------------

SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = False
# HSTS preload is hard to undo and binds every subdomain of the organisation's domain; it
# needs a deliberate decision by the operator, so its deploy warning is silenced.
SILENCED_SYSTEM_CHECKS.append("security.W021")
if BEHIND_PROXY:
    # Only behind a proxy that overwrites this header (Caddy in docker-compose does).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin", not "no-referrer" (a deviation, noted in docs/security.md): under
# "no-referrer" Chromium sends "Origin: null" with every form post, which Django's CSRF
# origin check rightly refuses.
# Other sites still never receive a Referer from us.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    # 'self' covers ws:// and wss:// to this host in CSP Level 3 browsers.
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), "
    "serial=(), usb=(), web-share=(), xr-spatial-tracking=()"
)

# --- Internationalisation ----------------------------------------------------------------

LANGUAGE_CODE = "nl"
# Endonyms: the switch shows each language in its own name.
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# --- Static files ------------------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("HOC_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Daphne serves static files itself only in development; in production the proxy does.
SERVE_STATIC = envbool("HOC_SERVE_STATIC", not PRODUCTION)
if PRODUCTION:
    # Hashed file names, so the proxy may let browsers cache them for a year.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "hoc.storage.StaticStorage"},
    }

# --- The product -------------------------------------------------------------------------

# Where quick exit sends the visitor: a neutral site that says nothing about help.
EXIT_URL = env("HOC_EXIT_URL", "https://www.buienradar.nl/")
if not EXIT_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("HOC_EXIT_URL must be an http(s) address.")
if PRODUCTION and not EXIT_URL.startswith("https://"):
    # A plain-http exit shows up as "not secure" and can be altered on the way.
    raise ImproperlyConfigured("HOC_EXIT_URL must be an https:// address in production.")

# The pilot's first day, for the evaluation report's quarters (oversight/evaluation.py):
# YYYY-MM-DD, or empty for the day of the first contact record.
try:
    PILOT_START = date.fromisoformat(env("HOC_PILOT_START")) if env("HOC_PILOT_START") else None
except ValueError:
    raise ImproperlyConfigured("HOC_PILOT_START must be a date, YYYY-MM-DD.") from None

# Daphne closes every WebSocket after this many seconds; at most the shortest absolute
# session lifetime (clients: 2 hours). Clients reconnect and resume.
WEBSOCKET_TIMEOUT = envint("HOC_WEBSOCKET_TIMEOUT", 2 * 60 * 60)
if PRODUCTION and not 0 < WEBSOCKET_TIMEOUT <= 2 * 60 * 60:
    raise ImproperlyConfigured("HOC_WEBSOCKET_TIMEOUT must be between 1 and 7200 in production.")

# The chat.
MESSAGE_MAX_CHARS = 4000
# The most chats one counsellor may hold at once; each starts at one and raises their own
# number up to this cap in the workspace.
COUNSELLOR_CAPACITY = envint("HOC_COUNSELLOR_CAPACITY", 3)
# What one attacker may do to the queue (chat/queue.py admit): chats started per browser
# session and per address pseudonym in an hour, and the most chats waiting at once (with a
# few places more kept for someone in danger).
CHAT_STARTS_PER_SESSION = envint("HOC_CHAT_STARTS_PER_SESSION", 3)
CHAT_STARTS_PER_ADDRESS = envint("HOC_CHAT_STARTS_PER_ADDRESS", 10)
QUEUE_CEILING = envint("HOC_QUEUE_CEILING", 40)
QUEUE_URGENT_RESERVE = envint("HOC_QUEUE_URGENT_RESERVE", 5)
for _name in ("CHAT_STARTS_PER_SESSION", "CHAT_STARTS_PER_ADDRESS", "QUEUE_CEILING"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"HOC_{_name} must be at least 1.")
if QUEUE_URGENT_RESERVE < 0:
    raise ImproperlyConfigured("HOC_QUEUE_URGENT_RESERVE cannot be negative.")
# A block also covers the address pseudonym the chat came from, for this long at most
# (chat/blocks.py; best effort, in the cache only). 0 turns it off.
ADDRESS_BLOCK_MINUTES = envint("HOC_ADDRESS_BLOCK_MINUTES", 120)
if ADDRESS_BLOCK_MINUTES < 0:
    raise ImproperlyConfigured("HOC_ADDRESS_BLOCK_MINUTES cannot be negative.")
# A visitor whose chat page went away without ending the chat (a closed tab, a dropped
# connection) and does not come back within this many seconds has left: a waiting chat
# leaves the queue, an active one ends for the counsellor (chat/leaving.py). Long enough
# for a phone that put the browser in the background or changed networks; a quick exit
# or a log-out ends the visitor's part at once.
VISITOR_GRACE_SECONDS = envint("HOC_VISITOR_GRACE_SECONDS", 180)
# A connected page notes itself about once a minute (chat/rechecks.py RECHECK_SECONDS).
if VISITOR_GRACE_SECONDS < 90:
    raise ImproperlyConfigured("HOC_VISITOR_GRACE_SECONDS must be at least 90.")

# Retention (security brief B8). The privacy statement renders these numbers, and a test
# checks that it does; the purge commands run from the scheduler.
# Anonymous conversations: days after they end. Account conversations stay with the account.
CONVERSATION_RETENTION_DAYS = envint("HOC_CONVERSATION_RETENTION_DAYS", 30)
UNUSED_ACCOUNT_RETENTION_HOURS = envint("HOC_UNUSED_ACCOUNT_RETENTION_HOURS", 24)
INACTIVE_ACCOUNT_RETENTION_DAYS = envint("HOC_INACTIVE_ACCOUNT_RETENTION_DAYS", 365)
SIGNUP_RETENTION_DAYS = envint("HOC_SIGNUP_RETENTION_DAYS", 30)
# The audit log: long enough to answer a complaint or an inspection about a handover.
AUDIT_RETENTION_DAYS = envint("HOC_AUDIT_RETENTION_DAYS", 730)
# Referrals (the warm handover): their own record, kept this many days after they are
# finished (closed, declined, withdrawn, cancelled) or, unfinished, after their last change.
REFERRAL_RETENTION_DAYS = envint("HOC_REFERRAL_RETENTION_DAYS", 730)
for _name in (
    "CONVERSATION_RETENTION_DAYS",
    "UNUSED_ACCOUNT_RETENTION_HOURS",
    "INACTIVE_ACCOUNT_RETENTION_DAYS",
    "SIGNUP_RETENTION_DAYS",
    "AUDIT_RETENTION_DAYS",
    "REFERRAL_RETENTION_DAYS",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"HOC_{_name} must be at least 1.")

# --- Logging -----------------------------------------------------------------------------

# Nothing we log may carry an IP address, user agent or message text: Daphne
# runs without its access log (hoc/serve.py), error mails are off, and every record passes
# a filter that blanks anything shaped like an IP address as a last line of defence.
ADMINS = []
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "hoc.logging.RedactFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env("HOC_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {
            "handlers": ["console"],
            "level": env("HOC_LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
        # Never mail: a report would carry request data.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "daphne": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
