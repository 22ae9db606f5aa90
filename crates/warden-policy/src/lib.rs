//! Policy files: layering, trust, compilation and evaluation of effects into verdicts.
