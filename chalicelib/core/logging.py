"""Structured JSON logs (Powertools Logger). Never log tokens, names, phones or e-mail addresses."""

from __future__ import annotations

import os

from aws_lambda_powertools import Logger

logger = Logger(
    service=os.environ.get("POWERTOOLS_SERVICE_NAME", "kehou"), level=os.environ.get("KEHOU_LOG_LEVEL", "INFO")
)
