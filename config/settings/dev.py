"""`make run`: the embedded servers, debug pages off by default (set DEBUG=1 to turn them on).

With DEBUG off, a newcomer sees the French 404/500 pages, never a traceback. Static files are still
served, by whitenoise straight from the source folders (no collectstatic needed)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
