"""Billing context (payees, fees, invoices, checkout, webhooks, segregated ledgers: 代收 and 专帐).

Created with the platform foundation so the layout is in place; its capabilities arrive with the
billing issue. Nothing here is wired into the API yet.
"""
