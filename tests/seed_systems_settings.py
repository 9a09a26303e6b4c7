"""Demo settings for the live Warmshowers/CiviCRM flows: a CiviCRM site key is configured."""

from project.settings import *  # noqa: F403
from project.settings import SERVICES_API

SERVICES_API = {**SERVICES_API, "SITE_KEY": "live-civicrm-site-key"}
