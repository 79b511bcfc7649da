"""HTTP edge: Chalice blueprints, request parsing, error mapping, OpenAPI. Thin by design."""
