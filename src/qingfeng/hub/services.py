"""The learner-progress service of a Hub deployment, from the deployment's layout.

``deploy/jupyterhub_config.py`` calls :func:`progress_wiring` and adds what it returns (the
service, its role, the scope learners' and trainers' tokens need, the kernels' environment).
The definition itself is :func:`qingfeng.learning.progress_service.hub_wiring`, shared with the
tests of the service; this module only fills in the deployment's values:

* the database: the gradebook's PostgreSQL when ``qingfeng hub prepare`` wrote one into the course
  copy's ``[gradebook]`` (``make hub`` with ``deploy/postgres.sh``), else a SQLite file in the
  service's own folder (never the gradebook's SQLite file);
* the account: ``<ns>-progress`` (:attr:`Layout.progress_user`), whose folder ``progress/`` (0700)
  holds the certificate key;
* the trainers' group of this namespace, and the course copy (bank, blueprints) for the 结业测验.
"""
from __future__ import annotations

import tomllib

from ..learning.progress_service import SERVICE_NAME, hub_wiring
from .layout import Layout

__all__ = ["SERVICE_NAME", "progress_wiring", "progress_database"]


def progress_database(lay: Layout) -> tuple[str, str]:
    """(db_url without password, password file) for the progress service."""
    try:
        gradebook = tomllib.loads((lay.course / "qingfeng.toml").read_text(encoding="utf-8")).get("gradebook", {})
    except (OSError, tomllib.TOMLDecodeError):
        gradebook = {}
    url = str(gradebook.get("db_url", ""))
    if url.startswith("postgresql"):
        return url, str(gradebook.get("password_file", ""))
    return f"sqlite:///{lay.progress_state / 'progress.sqlite'}", ""


def progress_wiring(lay: Layout, port: int) -> dict:
    db_url, password_file = progress_database(lay)
    wiring = hub_wiring(str(lay.python), port, db_url, password_file, trainers_group=lay.role_group("trainer"),
                        user=lay.progress_user)
    service = wiring["service"]
    service["cwd"] = str(lay.progress_state)
    service["environment"].update({
        "QINGFENG_CERT_KEY_FILE": str(lay.progress_state / "certificate.key"),   # 0600, this account only
        "QINGFENG_COURSE": str(lay.course),     # the bank and blueprints the 结业测验 is drawn from and marked against
    })
    return wiring
