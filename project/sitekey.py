"""The demo's CiviCRM site key: the ``CIVICRM_SITE_KEY`` environment variable, else the key in
``.civicrm-site-key`` at the repository root, generated there on first use.

Standard library only: ``project/dev.py demo`` uses it (to print the key) before anything is
installed, and ``project/settings.py`` to set ``SERVICES_API["SITE_KEY"]``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENV_NAME = "CIVICRM_SITE_KEY"
FILE_NAME = ".civicrm-site-key"


def demo_site_key(base_dir: Path) -> str:
    """The site key from the environment, or the one stored under ``base_dir`` (created with a
    random 32-byte key, readable by its owner only, when there is none yet)."""
    from_env = os.environ.get(ENV_NAME, "").strip()
    if from_env:
        return from_env
    path = Path(base_dir) / FILE_NAME
    try:
        stored = path.read_text().strip()
    except FileNotFoundError:
        stored = ""
    if stored:
        return stored
    key = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
