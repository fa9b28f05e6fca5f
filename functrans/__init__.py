"""functrans: composable function transformations (jvp, grad, vmap, pmap, jit) over
arrays, lowered to XLA.

    import functrans as ft
    import functrans.numpy as fnp
    from functrans import lax
"""

from . import (  # noqa: F401
    _array_methods,  # noqa: F401
    ad_checkpoint,
    custom_batching,
    custom_derivatives,
    debug,
    distributed,
    dtypes,
    errors,
    experimental,
    extend,
    lax,
    numpy,
    random,
    stages,
    test_util,  # noqa: F401
    tree,
    tree_util,
    typing,
    version,
)
from . import higher_order as _higher_order  # noqa: F401
from . import interpreters as _interpreters  # noqa: F401
from . import primitives as _primitives  # noqa: F401
from ._autodiff_api import (  # noqa: F401
    grad,
    hessian,
    hvp,
    jacfwd,
    jacrev,
    jvp,
    linear_transpose,
    linearize,
    value_and_grad,
    vjp,
)
from ._callback_api import pure_callback  # noqa: F401
from ._env_api import (  # noqa: F401
    copy_to_host_async,
    fwd_and_bwd,
    host_count,
    host_id,
    host_ids,
    live_arrays,
    local_devices,
    named_scope,
    print_environment_info,
    process_count,
    process_index,
    process_indices,
)
from ._misc_api import (  # noqa: F401
    checkpoint_policies,
    clear_caches,
    closure_convert,
    custom_gradient,
    effects_barrier,
    ensure_compile_time_eval,
    jacobian,
    named_call,
    typeof,
)
from ._pmap_api import pmap  # noqa: F401
from ._vmap_api import vmap  # noqa: F401
from .api import (  # noqa: F401
    ShapeDtypeStruct,
    block_until_ready,
    default_backend,
    device_get,
    device_put,
    devices,
    eval_shape,
    jit,
    make_jaxpr,
)
from .core.array import Array  # noqa: F401
from .core.config import (  # noqa: F401
    check_tracer_leaks,
    checking_leaks,
    config,
    debug_infs,
    debug_key_reuse,
    debug_nans,
    default_device,
    default_matmul_precision,
    default_prng_impl,
    disable_jit,
    enable_checks,
    enable_custom_prng,
    enable_x64,
    explain_cache_misses,
    log_compiles,
    no_tracing,
    numpy_dtype_promotion,
    numpy_rank_promotion,
    threefry_partitionable,
    transfer_guard,
    transfer_guard_device_to_device,
    transfer_guard_device_to_host,
    transfer_guard_host_to_device,
)
from .core.dtypes import float0  # noqa: F401
from .core.trace import ConcretizationTypeError, UnexpectedTracerError  # noqa: F401
from .distributed import device_count, local_device_count  # noqa: F401
from .higher_order.checkpoint import checkpoint, remat  # noqa: F401
from .higher_order.custom_derivatives import custom_jvp, custom_vjp  # noqa: F401
from .interpreters import eval as _eval  # noqa: F401  (installs the root trace)
from .interpreters.staging import eval_jaxpr  # noqa: F401
from .xla_lowering.runtime import Device  # noqa: F401

__version__ = version.__version__


def __getattr__(name: str):
    """``functrans.scipy`` is imported on first use (as ``jax.scipy``, it is large and many
    programs never touch it: ~0.5 MiB of memory that ``import functrans`` does not pay)."""
    if name == "scipy":
        import importlib
        return importlib.import_module(".scipy", __name__)
    raise AttributeError(f"module 'functrans' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "scipy"])
