"""`make run`: the embedded servers, debug pages off by default (set DEBUG=1 to turn them on)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
