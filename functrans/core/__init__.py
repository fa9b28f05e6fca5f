"""The core: IR, tracing, rule registries, Array, printing, typechecking."""
