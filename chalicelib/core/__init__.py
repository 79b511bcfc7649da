"""Shared kernel: errors, ids, configuration, clock, i18n. Nothing here imports chalice."""
