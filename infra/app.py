"""CDK entry point: ``cd infra && npx cdk synth -c stage=dev`` (see infra/README.md).

Run as a script (``python3 app.py``, what cdk.json says), so the imports are arranged by hand:
Chalice imports the Lambda application as the top-level module ``app``, and this file is also
called ``app.py``. Its directory is therefore taken off ``sys.path`` and the repository root put
first, which also makes ``infra.stacks`` importable.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_INFRA_DIR = Path(__file__).resolve().parent
_REPO_ROOT = _INFRA_DIR.parent
sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != _INFRA_DIR]
sys.path.insert(0, str(_REPO_ROOT))

import aws_cdk as cdk  # noqa: E402

from infra.stacks.kehou_stack import KehouStack  # noqa: E402

DEFAULT_STAGE = "dev"
# Only to name service principals while packaging (chalice asks boto3 for a region). A real
# deployment gets CDK_DEFAULT_REGION from the CDK CLI; the template itself stays region-agnostic.
FALLBACK_PACKAGING_REGION = "us-east-1"
# Everything `chalice package` reads from a project (automatic_layer is off, manage_iam_role too).
CHALICE_PROJECT_FILES = ("app.py", "requirements.txt", ".chalice/config.json")
CHALICE_PROJECT_DIRS = ("chalicelib", "vendor")


def snapshot_chalice_project(source: Path, dest: Path) -> Path:
    """Copy the Chalice project at ``source`` (the repository root) to ``dest`` and return ``dest``.

    ``chalice package`` caches a ~26 MB bundle per distinct source tree in
    ``<project>/.chalice/deployments`` and never prunes it; packaging a snapshot keeps that cache
    (and any race between concurrent synths over it) out of the repository. The bundle is the same.
    """
    shutil.rmtree(dest, ignore_errors=True)
    for name in CHALICE_PROJECT_FILES:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, dest / name)
    for name in CHALICE_PROJECT_DIRS:
        if (source / name).is_dir():
            shutil.copytree(source / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


@contextmanager
def chalice_build_dir(outdir: Path) -> Iterator[Path]:
    """A scratch directory inside the cloud assembly, used as the working directory meanwhile.

    chalice.cdk writes ``./chalice.out/<uuid>/deployment.zip`` relative to the working directory.
    The directory is removed on exit, after ``synth`` has staged that zip as a CDK asset.
    """
    build = outdir.resolve() / ".chalice-build"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    previous = Path.cwd()
    os.chdir(build)
    try:
        yield build
    finally:
        os.chdir(previous)
        shutil.rmtree(build, ignore_errors=True)


def synth() -> cdk.App:
    """Build the stack for ``-c stage=...`` (default dev) and write the cloud assembly.

    ``-c mail_sender=...`` and ``-c mail_region=...`` set where notices' e-mail comes from (a verified
    SES identity, in a region that offers SES); the defaults are the app's own.
    """
    app = cdk.App()
    stage = str(app.node.try_get_context("stage") or DEFAULT_STAGE)
    if not os.environ.get("AWS_DEFAULT_REGION"):
        os.environ["AWS_DEFAULT_REGION"] = (
            os.environ.get("CDK_DEFAULT_REGION") or os.environ.get("AWS_REGION") or FALLBACK_PACKAGING_REGION
        )
    with chalice_build_dir(Path(app.outdir)) as build:
        source = snapshot_chalice_project(_REPO_ROOT, build / "project")
        mail = {key: str(value) for key in ("mail_sender", "mail_region") if (value := app.node.try_get_context(key))}
        # The generator's image is built from the repository itself (a filtered copy, see generator.py).
        KehouStack(app, stage=stage, source_dir=source, generator_context_dir=_REPO_ROOT, **mail)
        app.synth()
    return app


if __name__ == "__main__":
    synth()
