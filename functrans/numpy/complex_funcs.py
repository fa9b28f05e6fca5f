"""Complex-number functions: real, imag, conj/conjugate, angle, iscomplex, isreal,
iscomplexobj, isrealobj, sort_complex (``jax.numpy`` semantics: real inputs give real
parts, zero imaginary parts and themselves as conjugate).

Example::

    z = fnp.asarray([1 + 2j, 3 - 1j]); fnp.angle(z); z.real; fnp.sort_complex(z)
"""

from __future__ import annotations

import numpy as np

from .. import lax
from ..core import dtypes
from ..primitives.complex_ops import complex_dtype
from ._util import as_array, aval, full_like_, promote_dtypes


def _is_complex(x) -> bool:
    return aval(x).dtype.kind == "c"


def real(x, /):
    """The real part (``jax.numpy.real``); a real array is returned as is."""
    x = as_array(promote_dtypes(x)[0])
    return lax.real(x) if _is_complex(x) else x


def imag(x, /):
    """The imaginary part (``jax.numpy.imag``); zeros for a real array."""
    x = as_array(promote_dtypes(x)[0])
    return lax.imag(x) if _is_complex(x) else full_like_(x, 0)


def conjugate(x, /):
    """The complex conjugate (``jax.numpy.conjugate``); a real array is returned as is."""
    x = as_array(promote_dtypes(x)[0])
    return lax.conj(x) if _is_complex(x) else x


conj = conjugate


def angle(z, deg=False):
    """The argument ``atan2(imag, real)`` of each element (``jax.numpy.angle``); integer
    inputs and real scalars give the default float dtype.

    Example: ``fnp.angle(1j)  # pi / 2``
    """
    z = as_array(promote_dtypes(z)[0])
    re, im = real(z), imag(z)
    dt = aval(re).dtype
    if not dtypes.is_inexact(dt) or (dtypes.is_float(aval(z).dtype) and aval(z).ndim == 0):
        re = lax.convert_element_type(re, dtypes.default_float())
        im = lax.convert_element_type(im, dtypes.default_float())
    out = lax.atan2(im, re)
    return lax.mul(out, 180.0 / np.pi) if deg else out


def iscomplexobj(x) -> bool:
    """Whether ``x`` has a complex dtype (``jax.numpy.iscomplexobj``)."""
    if x is None:
        return False
    dt = getattr(x, "dtype", None)
    if dt is None:
        dt = aval(promote_dtypes(x)[0]).dtype
    return np.dtype(dt).kind == "c"


def isrealobj(x) -> bool:
    """Whether ``x`` has a non-complex dtype (``jax.numpy.isrealobj``)."""
    return not iscomplexobj(x)


def iscomplex(x, /):
    """Elementwise: a nonzero imaginary part (``jax.numpy.iscomplex``)."""
    i = imag(x)
    return lax.ne(i, full_like_(i, 0))


def isreal(x, /):
    """Elementwise: a zero imaginary part (``jax.numpy.isreal``)."""
    i = imag(x)
    return lax.eq(i, full_like_(i, 0))


def sort_complex(a, /):
    """Sort along the last axis by real part, then imaginary part; the result is complex
    (``jax.numpy.sort_complex``)."""
    a = as_array(promote_dtypes(a)[0])
    a = lax.convert_element_type(a, complex_dtype(dtypes.to_inexact(aval(a).dtype)))
    if aval(a).ndim == 0:
        return a
    # lax.sort orders complex keys by (real, imag); + 0.0 makes -0.0 and 0.0 tie, as JAX.
    return lax.sort(lax.add(a, 0.0), dimension=aval(a).ndim - 1, is_stable=True)
