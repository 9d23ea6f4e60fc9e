"""The two kinds of reference that arrive from strangers' pull requests: ids and URLs.

One definition of each, shared by the JSON Schemas (a test keeps them equal), the checker,
the importer and the renderer, so no two places can disagree about what is allowed.
"""

from __future__ import annotations

import re

# An id is a slug: it names a page and a file, so it must never be able to name a path.
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Only http and https become links; javascript:, data:, file: and the rest never do.
HTTP_URL = re.compile(r"^https?://[^\s]+$")


def is_slug(value: object) -> bool:
    return isinstance(value, str) and SLUG.match(value) is not None


def is_http_url(value: object) -> bool:
    return isinstance(value, str) and HTTP_URL.match(value) is not None


# The longest id: an id names files (seeds/<id>.md, generated pages with prefixes and suffixes),
# and file systems stop at 255 bytes per name.
MAX_ID_LENGTH = 100
