"""Tenants context: districts (教育局), schools (the tenants), staff and their invitations."""
