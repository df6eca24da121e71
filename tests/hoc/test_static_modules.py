"""The hashed static files in production: a page module's imports name the hashed module, so
a changed shared module (socket.js, tone.js, cards.js) is never served to a page from a
year's cache."""

import re

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "hoc.storage.StaticStorage"},
}


def test_page_modules_import_the_hashed_shared_modules(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
        hashed = {
            name: staticfiles_storage.stored_name(f"js/{name}")
            for name in ("socket.js", "tone.js", "cards.js")
        }
        for page, shared in [
            ("chat.js", "socket.js"),
            ("queue.js", "socket.js"),
            ("workspace.js", "tone.js"),
            ("referral-card.js", "cards.js"),
            ("appointment-card.js", "cards.js"),
        ]:
            text = (tmp_path / staticfiles_storage.stored_name(f"js/{page}")).read_text()
            (imported,) = re.findall(rf'from "\./({shared[:-3]}[^"]*)"', text)
            assert f"js/{imported}" == hashed[shared] != f"js/{shared}", page
