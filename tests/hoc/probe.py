"""Run code against hoc.settings in a fresh interpreter with a chosen environment.

Settings are read once at import, so every environment needs its own process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "HOC_ENV": "production",
    "HOC_SECRET_KEY": "pVb8-r3Qx_7mW2nK9sT4yL6cF1hJ5dG0aZ8eU3iO7pR2wX9vB4nM6kQ1tY5sD8fH",
    "HOC_ALLOWED_HOSTS": "chat.example.org",
    # Fixed values that look generated, as production demands (test-only, not secrets).
    "HOC_FIELD_KEYS": "k1:q3Jx0bS8mVZp1YcLr7TgW2uKe9HfN4aDo6iQ5tBnM0E",
    "HOC_CHANNEL_LAYER_KEY": "Tz7-kQ2mWv9Lx4bNc8RpJ1sYdG5hF0aE",
    "HOC_PASSPHRASE_PEPPER": "pE9rK2wQz7Lm4Xv1Bn8Ct5Yj0Hs6Gd3F",
    "DATABASE_URL": "postgres://hoc:pw@db.invalid:5432/hoc",
    "REDIS_URL": "redis://:pw@redis.invalid:6379/0",
}


def clean_env(extra, var_dir):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HOC_", "_HOC_")) and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env["HOC_VAR_DIR"] = str(var_dir)
    env["DJANGO_SETTINGS_MODULE"] = "hoc.settings"
    env.update(extra)
    return env


def run(args, env, var_dir):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean_env(env, var_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_of(env, var_dir, *names):
    """The named settings as JSON-able values, or the failed process."""
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run(["-c", code], env, var_dir)
    if result.returncode != 0:
        return result
    return json.loads(result.stdout.strip().splitlines()[-1])
