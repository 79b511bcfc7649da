"""Kehou infrastructure: the CDK v2 app (``app.py``) and its stack (``stacks/``).

A package so that ``infra/app.py`` is the module ``infra.app`` and never collides with the Chalice
``app`` module at the repository root.
"""
