"""Each person's server on the Hub: ``jupyterhub-singleuser`` without start-up work nobody on a Hub needs.

``deploy/jupyterhub_config.py`` starts every user server as ``python -m qingfeng.hub.singleuser``.
It is JupyterHub's own single-user server (the same ``main``), with one start-up cost removed:

* importing ``jupyterlab.labapp`` asks Node.js for yarn's configuration (``node yarn.js config
  --json``), only to learn which npm registry to build extensions from.  Nobody builds JupyterLab
  from a user server on the Hub (the runtime is read-only for users), and the Node process costs
  about 0.5 CPU-second per server start: with 100 candidates starting at once that is 50 CPU-seconds
  of the two cores.  JupyterLab already treats "no Node.js on the PATH" as "use the default
  registry"; this answers the same way without starting Node.

Measured with the Hub load benchmark (``python -m qingfeng.bench --only hub``) and a profile of
one start; see deploy/README.md ("容量规划").
"""
from __future__ import annotations

import sys

__all__ = ["main", "skip_yarn_config"]


def _no_yarn_config(logger=None) -> dict:
    """What ``jupyterlab.commands._yarn_config`` returns when Node.js is not installed."""
    return {"yarn config": {}, "npm config": {}}


def skip_yarn_config() -> bool:
    """Stop JupyterLab from starting Node.js for its yarn configuration; False if JupyterLab changed."""
    try:
        from jupyterlab import commands
    except ImportError:
        return False
    if not callable(getattr(commands, "_yarn_config", None)):
        return False
    commands._yarn_config = _no_yarn_config
    return True


def main(argv: list[str] | None = None) -> int | None:
    skip_yarn_config()
    from jupyterhub.singleuser import main as singleuser_main

    if argv is not None:
        sys.argv = [sys.argv[0], *argv]
    return singleuser_main()


if __name__ == "__main__":
    sys.exit(main())
