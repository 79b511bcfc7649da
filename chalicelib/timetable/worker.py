"""Where generation jobs run (:class:`.generation_jobs.GenerationJobs.run`).

- In AWS: :func:`handler`, the generator Lambda (a container image with OR-Tools, see infra/), fed by
  an EventBridge rule (``kehou.timetable`` / ``TimetableGenerationRequested``) through SQS. Each
  message is one request; a job that cannot even record its failure raises, and only that message is
  redelivered (partial batch response). A redelivered request of a finished job does nothing.
- Locally (``make run``, tests): :class:`GenerationRunner`, one background thread fed by the
  in-process outbox drain, so the request that queued the job answers at once, as in AWS. The thread
  shares the process's class-level PynamoDB connections with the request thread (the tenant scoping
  of :class:`chalicelib.core.store.DataAccess`): it never switches them, and DynamoDB Local ignores
  the credentials anyway; in AWS the job is a process of its own.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from chalicelib.core.logging import logger

from . import generation_jobs
from .generation_jobs import GenerationJobs
from .writes import SOURCE

if TYPE_CHECKING:
    from chalicelib.api.container import Container

REQUESTED = (SOURCE, generation_jobs.REQUESTED)  # the (source, detail-type) of a generation request


class GenerationRunner:
    """Runs requested generations one at a time on a background thread (a school's generation takes
    about a second; one at a time keeps the local stack's second core for the API)."""

    def __init__(self, jobs: GenerationJobs):
        self._jobs = jobs
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="timetable-generation")

    def submit(self, detail: dict[str, Any]) -> Future[str]:
        return self._pool.submit(self._run, dict(detail))

    def _run(self, detail: dict[str, Any]) -> str:
        try:
            return run_requested(self._jobs, detail)
        except Exception:  # a background thread has nobody to raise to: the log has it, the job stays
            logger.exception("local generation runner failed")  # queued until its lease passes
            return "error"


def run_requested(jobs: GenerationJobs, detail: dict[str, Any]) -> str:
    ids = (detail.get("school_id"), detail.get("term_id"), detail.get("generation_id"))
    if not all(isinstance(i, str) for i in ids):
        logger.error("generation request without its ids ignored")
        return "missing"
    school_id, term_id, generation_id = (str(i) for i in ids)
    return jobs.run(school_id, term_id, generation_id)


_container: Container | None = None


def _get_container() -> Container:
    global _container
    if _container is None:
        from chalicelib.api.container import Container
        from chalicelib.core.config import Settings

        _container = Container(Settings.from_env())
    return _container


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The generator Lambda: an SQS batch of bus events → one job each, failures reported per message."""
    from chalicelib.notify.consumer import NotifyConsumer  # the shared SQS-of-bus-events batch handling

    container = _get_container()

    def handle(source: str, detail_type: str, detail: dict[str, Any]) -> object:
        if (source, detail_type) != REQUESTED:
            logger.warning("generator ignored an event", extra={"source": source, "detail_type": detail_type})
            return None
        run_requested(container.timetable_jobs, detail)
        return None

    return NotifyConsumer(handle).process(event, context)
