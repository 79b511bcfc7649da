"""Kehou (课后): multi-tenant after-school ("5+2") program service."""
