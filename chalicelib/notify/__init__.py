"""Notify context: the guardian's in-app inbox, e-mail (SES) and SMS (SNS); idempotent per (notice, guardian)."""
