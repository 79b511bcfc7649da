"""``make bench``: performance and cost figures for Kehou (not part of pytest or CI).

Run with ``python -m tests.bench``. It measures

* a Lambda cold-start proxy: ``import app`` in a fresh interpreter against importing only the
  libraries we cannot avoid (boto3, pynamodb.models, chalice), plus the heaviest imports;
* per tenants route: DynamoDB requests and consumed capacity per call, counted with botocore event
  hooks on PynamoDB's clients (no app code is touched), against DynamoDB Local.

It prints a report, writes ``test-results/bench.json`` and exits non-zero when a listing is not a
single Query per page or when any request made a Scan.
"""
