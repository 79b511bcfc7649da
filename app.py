"""Composition root: wires blueprints, the service container and the Lambda event handlers.

Nothing here holds logic. Importing this module must stay cheap (Lambda cold start): the
container, boto3 clients and the OpenAPI document are built on first use.
"""

from __future__ import annotations

from typing import Any

from chalice import Chalice

from chalicelib.api import (
    calendar,
    catalog,
    container,
    enrollment,
    notify,
    roster,
    system,
    tenants,
    timetable,
    timetable_plans,
    web,
)
from chalicelib.core.config import Settings

app = Chalice(app_name="kehou")
app.register_blueprint(system.bp)
app.register_blueprint(tenants.bp)
app.register_blueprint(roster.bp)
app.register_blueprint(calendar.bp)
app.register_blueprint(catalog.bp)
app.register_blueprint(enrollment.bp)
app.register_blueprint(notify.bp)
app.register_blueprint(timetable.bp)
app.register_blueprint(timetable_plans.bp)
app.register_blueprint(web.bp)


def _build() -> container.Container:
    settings = Settings.from_env()
    return container.Container(settings, drain_inline=settings.stage == "local")


container.configure(_build)


@app.lambda_function(name="outbox_dispatcher")
def outbox_dispatcher(event: dict[str, Any], context: Any) -> dict[str, int]:
    """DynamoDB Streams consumer: publish newly written outbox events to the EventBridge bus."""
    published = container.get().dispatcher.dispatch_stream(event.get("Records", []))
    return {"published": published}


@app.lambda_function(name="notify_consumer")
def notify_consumer(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SQS consumer (bus rule ``source: kehou.enrollment`` → queue): each message to ``handle_event``,
    failed ones reported in ``batchItemFailures`` so only they are redelivered."""
    from chalicelib.notify.consumer import NotifyConsumer  # only this function pays for the import

    return NotifyConsumer(container.get().handle_event).process(event, context)
