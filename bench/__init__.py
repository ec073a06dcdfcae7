"""Benchmarks of the gateway, each measured against a baseline in the same run.

Run them with `python -m bench [cameras|memory|all]`; see README.md for what each
one measures and the targets it reports against.
"""
