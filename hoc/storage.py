"""Static files with content hashes in their names, ES module imports included."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage


class StaticStorage(ManifestStaticFilesStorage):
    # Staff pages import shared modules (`import { tone } from "./tone.js"`); rewriting
    # those imports to hashed names means a changed module is never served from cache.
    support_js_module_import_aggregation = True
