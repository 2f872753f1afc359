"""Prefect flows and the `newsetl` CLI: wiring only; the rules live in extract/, transform/ and warehouse/."""
