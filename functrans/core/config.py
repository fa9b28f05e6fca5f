"""Configuration: the options JAX programs set with ``jax.config.update``.

One ``Config`` object (``functrans.config``) holds every option under its JAX name;
environment variables ``FUNCTRANS_<NAME>`` (the name without ``jax_``, upper case)
set the initial values when functrans is imported; each option also has a scoped
context manager (``functrans.enable_x64(True)``, ``functrans.disable_jit()``, ...).

Options that change what a trace or a compiled program is (64-bit mode, promotion
rules, matmul precision, default device) form ``trace_key()``, which is part of the
jit trace cache key and of the executable cache key, so switching one never reuses a
stale program. Every change also bumps ``epoch``, which the jit hot path compares to
know its cache is still valid.

Example::

    functrans.config.update("jax_enable_x64", True)
    functrans.config.jax_enable_x64          # True
    with functrans.debug_nans(True): ...
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

_TRUE = ("y", "yes", "t", "true", "on", "1")
_FALSE = ("n", "no", "f", "false", "off", "0")

# Legacy precision names (as JAX's) -> the XLA operand precision they stand for.
MATMUL_PRECISIONS = {"default": "DEFAULT", "bfloat16": "DEFAULT", "high": "HIGH",
                     "tensorfloat32": "HIGH", "highest": "HIGHEST", "float32": "HIGHEST"}


def _bool(name: str, value) -> bool:
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE or low in _FALSE:
            return low in _TRUE
    elif isinstance(value, (bool, int)) and value in (0, 1):
        return bool(value)
    raise ValueError(f"[config] {name} takes True or False, got {value!r}")


def _enum(*choices: str) -> Callable[[str, Any], str]:
    def check(name: str, value) -> str:
        if value not in choices:
            raise ValueError(f"[config] {name} takes one of {list(choices)}, got {value!r}")
        return str(value)
    return check


def _precision(name: str, value):
    if value is None:
        return None
    text = str(getattr(value, "name", value))
    if text.lower() in MATMUL_PRECISIONS:
        return text.lower()
    raise ValueError(f"[config] {name} takes None or one of {sorted(MATMUL_PRECISIONS)}, got "
                     f"{value!r} (JAX's dot-algorithm presets such as 'BF16_BF16_F32' are not "
                     "provided: XLA chooses the algorithm from the operand precision)")


def _device(name: str, value):
    if value is None or hasattr(value, "platform"):
        return value
    if isinstance(value, str) and value in ("cpu", "gpu", "tpu", "cuda", "rocm"):
        return value
    raise ValueError(f"[config] {name} takes a device (functrans.devices()[0]), a platform "
                     f"name such as 'cpu' or 'gpu', or None; got {value!r}")


def _only(*allowed):
    """An option functrans accepts only at the listed values (JAX's other values select
    machinery functrans does not have)."""
    def check(name: str, value):
        v = _bool(name, value) if isinstance(allowed[0], bool) else value
        if v not in allowed:
            raise ValueError(f"[config] {name}: functrans supports only {list(allowed)}, got "
                             f"{value!r}")
        return v
    return check


_GUARD_LEVELS = ("allow", "log", "disallow", "log_explicit", "disallow_explicit")


class _Option:
    __slots__ = ("name", "default", "check", "in_trace_key", "help")

    def __init__(self, name, default, check, in_trace_key, help_):
        self.name, self.default, self.check = name, default, check
        self.in_trace_key, self.help = in_trace_key, help_


_OPTIONS = {o.name: o for o in [
    _Option("jax_enable_x64", False, _bool, True,
            "keep 64-bit dtypes (float64, int64, uint64, complex128); default dtypes 64-bit"),
    _Option("jax_debug_nans", False, _bool, False,
            "raise FloatingPointError at the first primitive that produces a NaN"),
    _Option("jax_debug_infs", False, _bool, False,
            "raise FloatingPointError at the first primitive that produces an inf"),
    _Option("jax_disable_jit", False, _bool, False,
            "run jitted functions as plain Python (eagerly), for debugging"),
    _Option("jax_default_matmul_precision", None, _precision, True,
            "precision of dot_general/matmul when an operation does not give one"),
    _Option("jax_numpy_rank_promotion", "allow", _enum("allow", "warn", "raise"), True,
            "what functrans.numpy does when operands of different ranks broadcast"),
    _Option("jax_numpy_dtype_promotion", "standard", _enum("standard", "strict"), True,
            "'strict': no implicit promotion between different array dtypes"),
    _Option("jax_default_device", None, _device, True,
            "the device (or platform name) jit and device_put use by default"),
    _Option("jax_log_compiles", False, _bool, False,
            "log (logger 'functrans', WARNING) each XLA compilation"),
    _Option("jax_explain_cache_misses", False, _bool, False,
            "log why a jitted function is traced again (its new argument signature)"),
    _Option("jax_enable_checks", False, _bool, False,
            "typecheck every jaxpr jit traces (core/typecheck.py)"),
    _Option("jax_no_tracing", False, _bool, False,
            "raise instead of tracing a jitted function (a trace-cache miss)"),
    _Option("jax_check_tracer_leaks", False, _bool, False,
            "accepted: functrans always reports a leaked tracer when it is used"),
    *[_Option(f"jax_transfer_guard{kind}", "allow", _enum(*_GUARD_LEVELS), False,
              "accepted, not enforced: functrans moves values between host and device "
              "lazily and does not guard transfers")
      for kind in ("", "_host_to_device", "_device_to_host", "_device_to_device")],
    _Option("jax_debug_key_reuse", False, _only(False), False,
            "key-reuse checking is not implemented (only False)"),
    _Option("jax_default_prng_impl", "threefry2x32", _only("threefry2x32"), False,
            "the PRNG implementation (only threefry2x32)"),
    _Option("jax_threefry_partitionable", True, _only(True), False,
            "threefry's partitionable bit layout (always on, JAX's default)"),
    _Option("jax_enable_custom_prng", False, _only(False), False,
            "custom PRNG implementations are not supported (only False)"),
]}


class Config:
    """The options, read as attributes and set with ``update`` (``jax.config``)."""

    def __init__(self):
        object.__setattr__(self, "_values", {n: o.default for n, o in _OPTIONS.items()})
        object.__setattr__(self, "epoch", 0)
        object.__setattr__(self, "_hooks", [])
        object.__setattr__(self, "_key", None)

    def update(self, name: str, value) -> None:
        """Set option ``name`` (a JAX option name, e.g. ``"jax_enable_x64"``) to ``value``.

        Args:
          name: the option's name.
          value: its new value (checked: a bad value raises ValueError).

        Example:
            >>> functrans.config.update("jax_enable_x64", True)
        """
        option = _option(name)
        self._values[name] = option.check(name, value)
        object.__setattr__(self, "epoch", self.epoch + 1)
        object.__setattr__(self, "_key", None)
        for hook in self._hooks:
            hook()

    def read(self, name: str):
        return self._values[_option(name).name]

    def __getattr__(self, name: str):
        values = self.__dict__.get("_values")
        if values is not None and name in values:
            return values[name]
        if name == "x64_enabled":
            return values["jax_enable_x64"]
        raise AttributeError(_unknown(name))

    def __setattr__(self, name, value):
        raise AttributeError(f"[config] set options with config.update({name!r}, value)")

    @property
    def values(self) -> dict:
        return dict(self._values)

    def trace_key(self) -> tuple:
        """The values of the options that change traces or compiled programs."""
        key = self._key
        if key is None:
            key = tuple((n, _hashable(v)) for n, v in self._values.items()
                        if _OPTIONS[n].in_trace_key)
            object.__setattr__(self, "_key", key)
        return key

    def on_change(self, hook: Callable[[], None]) -> None:
        """Call ``hook()`` after every update (caches that depend on options)."""
        self._hooks.append(hook)

    def __repr__(self):
        return "functrans.config(" + ", ".join(f"{k}={v!r}" for k, v in self._values.items()) + ")"


def _hashable(v):
    try:
        hash(v)
        return v
    except TypeError:
        return id(v)


def _unknown(name: str) -> str:
    return (f"[config] unknown option {name!r}; known options: {sorted(_OPTIONS)} "
            "(functrans uses JAX's option names)")


def _option(name: str) -> _Option:
    option = _OPTIONS.get(name)
    if option is None:
        raise AttributeError(_unknown(name))
    return option


config = Config()

_values = config._values  # module-level alias: the fastest read on hot paths


def x64_enabled() -> bool:
    return _values["jax_enable_x64"]


def debug_checks() -> tuple[bool, bool]:
    """``(debug_nans, debug_infs)``."""
    return _values["jax_debug_nans"], _values["jax_debug_infs"]


@contextlib.contextmanager
def _scoped(name: str, value) -> Iterator[None]:
    old = config.read(name)
    config.update(name, value)
    try:
        yield
    finally:
        config.update(name, old)


class _ScopedOption:
    """``with functrans.<option>(value): ...`` sets an option for a block;
    ``functrans.<option>.value`` reads it (as JAX's config states)."""

    def __init__(self, name: str, default_arg, doc: str):
        self.name, self._default_arg = name, default_arg
        self.__doc__ = doc

    @property
    def value(self):
        return config.read(self.name)

    def __call__(self, new_val=None):
        if new_val is None and self._default_arg is not None:
            new_val = self._default_arg
        return _scoped(self.name, new_val)

    def __repr__(self):
        return f"functrans.{self.name[4:]}(value={self.value!r})"


enable_x64 = _ScopedOption("jax_enable_x64", True, "64-bit mode within a block.")
debug_nans = _ScopedOption("jax_debug_nans", True, "NaN checking within a block.")
debug_infs = _ScopedOption("jax_debug_infs", True, "inf checking within a block.")
disable_jit = _ScopedOption(
    "jax_disable_jit", True,
    "Run jitted functions as plain Python within a block (``jax.disable_jit``).\n\n"
    "Example:\n    >>> with functrans.disable_jit():\n    ...     f(x)  # prints run")
default_matmul_precision = _ScopedOption(
    "jax_default_matmul_precision", None,
    "Default dot_general precision within a block: 'default'/'bfloat16', "
    "'high'/'tensorfloat32', 'highest'/'float32' (``jax.default_matmul_precision``).")
numpy_rank_promotion = _ScopedOption("jax_numpy_rank_promotion", None,
                                     "'allow', 'warn' or 'raise' within a block.")
numpy_dtype_promotion = _ScopedOption("jax_numpy_dtype_promotion", None,
                                      "'standard' or 'strict' within a block.")
default_device = _ScopedOption("jax_default_device", None, "The default device within a block.")
log_compiles = _ScopedOption("jax_log_compiles", True,
                             "Log each XLA compilation within a block (``jax.log_compiles``).")
explain_cache_misses = _ScopedOption("jax_explain_cache_misses", True,
                                     "Log why jitted functions are traced again, within a block.")
enable_checks = _ScopedOption("jax_enable_checks", True,
                              "Typecheck the jaxprs jit traces within a block.")
no_tracing = _ScopedOption("jax_no_tracing", True,
                           "Raise on any jit trace within a block (``jax.no_tracing``).")
check_tracer_leaks = _ScopedOption("jax_check_tracer_leaks", True,
                                   "Accepted: leaked tracers are always reported when used.")
transfer_guard_host_to_device = _ScopedOption("jax_transfer_guard_host_to_device", None,
                                              "Accepted transfer-guard level (not enforced).")
transfer_guard_device_to_host = _ScopedOption("jax_transfer_guard_device_to_host", None,
                                              "Accepted transfer-guard level (not enforced).")
transfer_guard_device_to_device = _ScopedOption("jax_transfer_guard_device_to_device", None,
                                                "Accepted transfer-guard level (not enforced).")
debug_key_reuse = _ScopedOption("jax_debug_key_reuse", None, "Only False is supported.")
default_prng_impl = _ScopedOption("jax_default_prng_impl", None,
                                  "Only 'threefry2x32' is supported.")
threefry_partitionable = _ScopedOption("jax_threefry_partitionable", None,
                                       "Only True (JAX's default) is supported.")
enable_custom_prng = _ScopedOption("jax_enable_custom_prng", None, "Only False is supported.")


def checking_leaks():
    """``with checking_leaks():`` (``jax.checking_leaks``); leaks are always checked."""
    return check_tracer_leaks(True)


@contextlib.contextmanager
def transfer_guard(new_val: str) -> Iterator[None]:
    """Set every transfer-guard level within a block (``jax.transfer_guard``); the levels
    are accepted and validated but not enforced."""
    names = [f"jax_transfer_guard{k}" for k in ("", "_host_to_device", "_device_to_host",
                                                 "_device_to_device")]
    with contextlib.ExitStack() as stack:
        for n in names:
            stack.enter_context(_scoped(n, new_val))
        yield


def _read_environment(environ=os.environ) -> None:
    """Initial values from ``FUNCTRANS_<NAME>`` (``FUNCTRANS_ENABLE_X64=1``)."""
    for name in _OPTIONS:
        raw = environ.get("FUNCTRANS_" + name[4:].upper())
        if raw is not None:
            try:
                config.update(name, None if raw.lower() == "none" else raw)
            except ValueError as e:
                raise ValueError(f"{e} (from environment variable "
                                 f"FUNCTRANS_{name[4:].upper()}={raw!r})") from None


_read_environment()
