"""Every primitive has every rule kind, or declares why not
(``core.registry.declare_no_rule``)."""

from __future__ import annotations

import pytest

import functrans  # noqa: F401  (registers every primitive and rule)
from functrans.core import registry
from functrans.core.ir import Var

PRIMS = sorted(registry.abstract_eval_rules, key=lambda p: p.name)


def _declared(kind, prim) -> bool:
    return prim in registry.no_rule_reasons.get(kind, {})


@pytest.mark.parametrize("prim", PRIMS, ids=lambda p: p.name)
def test_eval_and_lowering(prim):
    assert prim in registry.impl_rules or prim in registry.device_impl_rules, prim
    assert prim in registry.lowering_rules or _declared("lowering", prim), prim


@pytest.mark.parametrize("prim", PRIMS, ids=lambda p: p.name)
def test_jvp_rule_or_reason(prim):
    assert prim in registry.jvp_rules or _declared("jvp", prim), \
        f"{prim.name} has no jvp rule and declares no reason"


@pytest.mark.parametrize("prim", PRIMS, ids=lambda p: p.name)
def test_vmap_rule_or_reason(prim):
    assert prim in registry.vmap_rules or _declared("vmap", prim), \
        f"{prim.name} has no vmap rule and declares no reason"


def _linear_eqns(jaxpr, linear_invars):
    """The equations of ``jaxpr`` that depend on one of ``linear_invars``."""
    linear = set(linear_invars)
    for eqn in jaxpr.eqns:
        if any(isinstance(v, Var) and v in linear for v in eqn.inputs):
            linear.update(eqn.outvars)
            yield eqn


def test_linear_records_have_transpose_rules():
    """Every primitive on the path from a record's linear operand has a transpose rule."""
    import numpy as np
    from op_records import ALL_RECORDS, make_operand

    import functrans as ft
    missing = []
    for rec in ALL_RECORDS:
        if not rec.linear_in:
            continue
        shapes = rec.operand_shapes(rec.shapes[-1])
        args = [make_operand(np.random.default_rng(0), s, rec.dtypes[0], rec.domain)
                for s in shapes]
        if rec.name == "select_n":
            args[0] = args[0] > 0  # the predicate operand is bool
        jaxpr = ft.make_jaxpr(rec.ft)(*args).jaxpr
        for eqn in _linear_eqns(jaxpr, [jaxpr.invars[i] for i in rec.linear_in]):
            if eqn.primitive not in registry.transpose_rules and \
                    not _declared("transpose", eqn.primitive):
                missing.append((rec.name, eqn.primitive.name))
    assert not missing, missing
