from . import call  # noqa: F401
from . import pmap  # noqa: F401
