# superset_config.py for this checkout, written by `python -m bi.instance` (bi/config_template.py
# is the template; build/bi/superset_config.py the result). Everything Superset stores lives
# beside it under build/bi; nothing here reaches the network.
import os

_HOME = {home!r}

with open(os.path.join(_HOME, "secret_key")) as _f:
    SECRET_KEY = _f.read().strip()

# Superset's own metadata (users, dashboards, charts): SQLite in build/bi. Not the warehouse.
SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(_HOME, "superset.db")

# No cache of query results: every chart query reads the warehouse as published now, so a
# rebuild shows on the next refresh. (Filter state and explore state keep Superset's default,
# the metadata database.)
CACHE_CONFIG = {{"CACHE_TYPE": "NullCache"}}
DATA_CACHE_CONFIG = {{"CACHE_TYPE": "NullCache"}}
THUMBNAIL_CACHE_CONFIG = {{"CACHE_TYPE": "NullCache"}}
RATELIMIT_STORAGE_URI = "memory://"

FEATURE_FLAGS = {{"THUMBNAILS": False, "ALERT_REPORTS": False, "ENABLE_TEMPLATE_PROCESSING": False}}

# The UI in Japanese (Superset's own translation), English selectable.
BABEL_DEFAULT_LOCALE = "ja"
LANGUAGES = {{
    "ja": {{"flag": "jp", "name": "Japanese"}},
    "en": {{"flag": "us", "name": "English"}},
}}

# Offline. Superset 6.1's navigation bar always renders a telemetry pixel
# (apachesuperset.gateway.scarf.sh); the frontend has no switch for it. The Content Security
# Policy below allows images, scripts, styles, fonts and fetches from this server only, so the
# browser refuses the pixel (and any map tile, web font or other outside URL) before making a
# request. bi/tests checks through a logging proxy that the browser sends nothing elsewhere.
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {{
    "content_security_policy": {{
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    }},
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}}
THEME_FONT_URL_ALLOWED_DOMAINS = []
MAPBOX_API_KEY = ""
# no link to the documentation or bug tracker on the internet in the menu
DOCUMENTATION_URL = None
BUG_REPORT_URL = None
