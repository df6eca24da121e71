# HOC chat: the Django/Channels application under Daphne (hoc/serve.py).
# Build: docker compose build   (see docker-compose.yml; the image needs no secrets to build)
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=hoc.settings \
    HOC_STATIC_ROOT=/srv/static

# A fixed, unprivileged uid/gid; the code stays owned by root and read-only for it.
RUN groupadd --system --gid 10001 hoc \
    && useradd --system --uid 10001 --gid hoc --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin hoc

WORKDIR /app

# The whole build context, less what .dockerignore leaves out (local state, secrets, tests):
# a list of directories here would miss the next app, as it once missed audit/ and
# oversight/. tests/deploy/ checks this file set, and the CI rehearsal installs and runs it.
COPY . .
# Every dependency from the hashed lock file (pip checks each file against its hash), then
# the application itself with nothing more downloaded: a substituted package fails the
# build. `make lock` regenerates requirements.lock after a pin in pyproject.toml changes.
RUN pip install --require-hashes --no-deps -r requirements.lock \
    && pip install --no-deps --no-build-isolation . \
    && rm -rf build ./*.egg-info

# Static files into /srv/static, the directory the "static" volume shares with Caddy.
# HOC_ENV is unset here, so settings use development defaults and generate throw-away keys;
# they go to /tmp/build-var, which is deleted in the same step so no key ends up in a layer.
# /app/var is created empty for the hoc user, only for running the image in development mode.
RUN HOC_VAR_DIR=/tmp/build-var python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-var \
    && chown -R hoc:hoc /srv/static \
    && install -d -o hoc -g hoc -m 0700 /app/var

USER 10001:10001

EXPOSE 8000

# Collects static files into the shared volume, migrates under a lock, then runs Daphne.
CMD ["/bin/sh", "/app/deploy/web-entrypoint.sh"]
