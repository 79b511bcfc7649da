"""The local stack: DynamoDB Local, moto server, a local OIDC issuer, tables and seed data.

Used by ``make run`` (``python -m devstack up``) and by the test fixtures, so both run the same
parts. Nothing here is packaged into the Lambda.
"""
