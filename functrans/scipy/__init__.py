"""``functrans.scipy`` (as ``jax.scipy``): ``special``, ``linalg`` and ``stats``, thin
modules built from functrans primitives, so everything differentiates, batches and
compiles.

Example::

    from functrans.scipy import special, stats
    special.gammaln(3.0); stats.norm.logpdf(x)
"""

from . import linalg, special, stats  # noqa: F401
