"""``functrans.scipy.stats.gaussian_kde`` (as ``jax.scipy.stats.gaussian_kde``): a Gaussian
kernel density estimate, a pytree (so it passes through jit/vmap), built from
functrans.numpy.

Example::

    kde = stats.gaussian_kde(samples)          # samples: (n,) or (d, n)
    kde.logpdf(points); kde.integrate_box_1d(-1.0, 1.0)
"""

from __future__ import annotations

import math

import numpy as np

from .. import numpy as fnp
from .. import random as frandom
from ..nn import logsumexp
from ..numpy._util import promote_dtypes_inexact
from ..tree_util import register_pytree_node_class
from . import special as sp


def _log_gauss_terms(points, centers, log_weights, precision):
    """[m, n]: log w_j + log N(points_i; centers_j, precision^-1); points [d, m],
    centers [d, n]."""
    d = points.shape[0]
    diff = points.T[:, None, :] - centers.T[None, :, :]  # [m, n, d]
    energy = 0.5 * fnp.sum((diff @ precision) * diff, axis=-1)
    log_norm = 0.5 * fnp.linalg.slogdet(precision)[1] - 0.5 * d * math.log(2 * math.pi)
    return log_weights[None, :] - energy + log_norm


@register_pytree_node_class
class gaussian_kde:  # noqa: N801 (the jax.scipy.stats name)
    """A Gaussian kernel density estimate (``jax.scipy.stats.gaussian_kde``).

    Args:
      dataset: (n,) or (d, n) real data.
      bw_method: 'scott' (default), 'silverman', a scalar factor, or a callable of the kde.
      weights: optional (n,) non-negative weights.
    Example:
      ``gaussian_kde(x).evaluate(fnp.linspace(-3, 3, 7))``
    """

    __slots__ = ("neff", "dataset", "weights", "covariance", "inv_cov")

    def __init__(self, dataset, bw_method=None, weights=None):
        dataset = fnp.atleast_2d(fnp.asarray(dataset))
        if dataset.dtype.kind == "c":
            raise NotImplementedError("[gaussian_kde] complex data is not supported")
        if dataset.size <= 1:
            raise ValueError(f"[gaussian_kde] dataset needs more than one element, got shape "
                             f"{dataset.shape}")
        d, n = dataset.shape
        if weights is None:
            (dataset,) = promote_dtypes_inexact(dataset)
            weights = fnp.full((n,), 1.0 / n, dtype=dataset.dtype)
        else:
            dataset, weights = promote_dtypes_inexact(dataset, fnp.atleast_1d(weights))
            if weights.shape != (n,):
                raise ValueError(f"[gaussian_kde] weights must have shape ({n},) (one per "
                                 f"data point), got {weights.shape}")
            weights = weights / fnp.sum(weights)
        self.dataset, self.weights = dataset, weights
        self.neff = 1 / fnp.sum(weights ** 2)
        factor = self._factor(bw_method, d)
        data_cov = fnp.atleast_2d(fnp.cov(dataset, rowvar=True, bias=False, aweights=weights))
        self.covariance = data_cov * factor ** 2
        self.inv_cov = fnp.linalg.inv(data_cov) / factor ** 2

    def _factor(self, bw_method, d: int):
        if bw_method is None or (isinstance(bw_method, str) and bw_method == "scott"):
            return self.neff ** (-1.0 / (d + 4))
        if isinstance(bw_method, str) and bw_method == "silverman":
            return (self.neff * (d + 2) / 4.0) ** (-1.0 / (d + 4))
        if callable(bw_method):
            return bw_method(self)
        if np.ndim(bw_method) == 0 and not isinstance(bw_method, str):
            return bw_method
        raise ValueError(f"[gaussian_kde] bw_method must be 'scott', 'silverman', a scalar or "
                         f"a callable, got {bw_method!r}")

    # ---- pytree ----
    def tree_flatten(self):
        return (self.neff, self.dataset, self.weights, self.covariance, self.inv_cov), None

    @classmethod
    def tree_unflatten(cls, aux, children):
        kde = cls.__new__(cls)
        kde.neff, kde.dataset, kde.weights, kde.covariance, kde.inv_cov = children
        return kde

    @property
    def d(self) -> int:
        return self.dataset.shape[0]

    @property
    def n(self) -> int:
        return self.dataset.shape[1]

    def _points(self, points):
        points = fnp.atleast_2d(fnp.asarray(points))
        if points.dtype.kind == "c":
            raise NotImplementedError("[gaussian_kde] complex points are not supported")
        d, m = points.shape
        if d != self.d:
            if d == 1 and m == self.d:
                return fnp.reshape(points, (self.d, 1))
            raise ValueError(f"[gaussian_kde] points have dimension {d}, the dataset {self.d}")
        return points

    def logpdf(self, points):
        """log of the density at ``points`` ((m,) or (d, m)); returns (m,)."""
        terms = _log_gauss_terms(self._points(points), self.dataset, fnp.log(self.weights),
                                 self.inv_cov)
        return logsumexp(terms, axis=1)

    def evaluate(self, points):
        """The density at ``points`` ((m,) or (d, m)); returns (m,)."""
        terms = _log_gauss_terms(self._points(points), self.dataset, fnp.log(self.weights),
                                 self.inv_cov)
        return fnp.sum(fnp.exp(terms), axis=1)

    __call__ = pdf = evaluate

    def integrate_gaussian(self, mean, cov):
        """The integral of the density times the Gaussian N(mean, cov)."""
        mean = fnp.atleast_1d(fnp.squeeze(fnp.asarray(mean)))
        cov = fnp.atleast_2d(fnp.asarray(cov))
        if mean.shape != (self.d,) or cov.shape != (self.d, self.d):
            raise ValueError(f"[gaussian_kde] mean must have shape ({self.d},) and cov "
                             f"({self.d}, {self.d}), got {mean.shape} and {cov.shape}")
        prec = fnp.linalg.inv(self.covariance + cov)
        return fnp.sum(fnp.exp(_log_gauss_terms(mean[:, None], self.dataset,
                                                fnp.log(self.weights), prec)))

    def integrate_box_1d(self, low, high):
        """The integral of a 1-d density over [low, high] (scalars)."""
        if self.d != 1:
            raise ValueError("[gaussian_kde] integrate_box_1d only handles 1-d densities")
        if np.ndim(low) != 0 or np.ndim(high) != 0:
            raise ValueError("[gaussian_kde] integrate_box_1d limits must be scalars")
        sigma = fnp.sqrt(self.covariance[0, 0])
        lo, hi = (low - self.dataset[0]) / sigma, (high - self.dataset[0]) / sigma
        return fnp.sum(self.weights * (sp.ndtr(hi) - sp.ndtr(lo)))

    def integrate_kde(self, other):
        """The integral of the product of this density and ``other``'s."""
        if other.d != self.d:
            raise ValueError(f"[gaussian_kde] dimensions differ: {self.d} and {other.d}")
        prec = fnp.linalg.inv(self.covariance + other.covariance)
        terms = _log_gauss_terms(other.dataset, self.dataset, fnp.log(self.weights), prec)
        return fnp.sum(fnp.exp(terms) * other.weights[:, None])

    def resample(self, key, shape=()):
        """``(d,) + shape`` draws from the density: a data point chosen by weight plus
        Gaussian noise of the kernel's covariance."""
        ind_key, eps_key = frandom.split(key)
        ind = frandom.choice(ind_key, self.n, shape=tuple(shape), p=self.weights)
        eps = frandom.multivariate_normal(eps_key, fnp.zeros(self.d, self.covariance.dtype),
                                          self.covariance, shape=tuple(shape),
                                          dtype=self.dataset.dtype)
        return self.dataset[:, ind] + fnp.moveaxis(eps, -1, 0)

    def integrate_box(self, low_bounds, high_bounds, maxpts=None):
        raise NotImplementedError("[gaussian_kde] only 1-d box integrals are supported: use "
                                  "integrate_box_1d")

    def set_bandwidth(self, bw_method=None):
        raise NotImplementedError("[gaussian_kde] the bandwidth is fixed at construction: "
                                  "build a new gaussian_kde(dataset, bw_method)")
