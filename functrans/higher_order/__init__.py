from . import call  # noqa: F401
