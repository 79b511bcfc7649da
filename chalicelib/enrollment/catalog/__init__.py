"""Catalog: third-party providers (第三方机构), each term's services and activities, and publishing the
program (公示)."""
