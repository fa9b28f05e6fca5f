"""Rule tables: one dict per rule kind, keyed by primitive.

Each primitive's module fills these with explicit lines at the end of the
primitive's section (``jvp_rules[sin_p] = _sin_jvp``), so grepping ``sin_p]``
finds everything about ``sin``.

Signatures (every rule returns a list, one entry per result):
  abstract_eval_rules[p](*avals, **params) -> [ShapedArray]
  impl_rules[p](*np_arrays, **params) -> [np.ndarray]          (NumPy reference)
  device_impl_rules[p](*Arrays, **params) -> [Array]            (xla_lowering)
  jvp_rules[p](primals, tangents, **params) -> (primals_out, tangents_out)
  transpose_rules[p](cts_out, *args, **params) -> [ct or None per arg]
  vmap_rules[p](axis_data, vals, bdims, **params) -> (vals_out, bdims_out)
  partial_eval_rules[p](...)                                   (higher-order prims)
  lowering_rules[p](ctx, *ir_values, **params) -> [ir.Value]    (xla_lowering)
  platform_lowering_rules[platform][p]: the same, used instead of lowering_rules[p]
      when lowering for that platform ('cpu', 'cuda', 'rocm', 'tpu')
"""

from __future__ import annotations

abstract_eval_rules: dict = {}
impl_rules: dict = {}
device_impl_rules: dict = {}
jvp_rules: dict = {}
transpose_rules: dict = {}
vmap_rules: dict = {}
partial_eval_rules: dict = {}
lowering_rules: dict = {}
platform_lowering_rules: dict[str, dict] = {"cpu": {}, "cuda": {}, "rocm": {}, "tpu": {}}

# Primitives with side effects (host callbacks): never removed as dead code.
effectful_primitives: set = set()

# Primitives that have no rule of a kind on purpose: {kind: {prim: reason}}.
no_rule_reasons: dict[str, dict] = {"jvp": {}, "transpose": {}, "vmap": {}, "lowering": {}}


def declare_no_rule(kind: str, prim, reason: str) -> None:
    no_rule_reasons[kind][prim] = reason


def all_primitives() -> list:
    return list(abstract_eval_rules)
