"""The learner's kernel and the trainer's terminal talking to the service's 结业测验 and 结业证书 routes.

On a Hub (``progress_hub.hub_target()`` is set) the kernel never sees the key or the answer key:
it asks the service for a paper, sends the answers, and asks for a certificate, all with the
learner's own token; the PDF is drawn in the learner's folder from what the service signed.
The routes are documented in :mod:`qingfeng.learning.certificate_service`.
"""
from __future__ import annotations

import urllib.error
from urllib.parse import quote

from ..bank import Blank, Item
from .certificate import Certificate
from .progress_hub import _request, hub_target, refusal

__all__ = ["on_hub", "paper", "hand_in", "request_certificate", "verify", "HubRefused"]


class HubRefused(Exception):
    """The service said no (the Chinese reason is the message)."""


def on_hub() -> bool:
    return hub_target() is not None


def _call(path: str, body: dict | None = None, target: tuple[str, str] | None = None, timeout: float = 60) -> dict:
    url, token = target or hub_target() or ("", "")
    if not url:
        raise HubRefused("不在 JupyterHub 上：没有进度服务的地址（QINGFENG_PROGRESS_URL）")
    try:
        return _request(url.rstrip("/") + "/" + path, token, body, timeout=timeout)
    except urllib.error.HTTPError as e:
        raise HubRefused(refusal(e) or f"进度服务拒绝了请求（{e.code}）") from None
    except (urllib.error.URLError, OSError) as e:
        raise HubRefused(f"连不上进度服务：{e}") from None


def _item(d: dict) -> Item:
    """An item as the learner sees it (no key): enough to show it and take an answer."""
    return Item(d["id"], d["type"], d["stem"], float(d.get("points", 1)), "", "",
                options=tuple(tuple(o) for o in d.get("options", [])),
                blanks=tuple(Blank((), 0.0) for _ in range(int(d.get("blanks", 0)))))


def paper() -> tuple[str, list[Item]]:
    got = _call("api/final-test")
    return got["paper"], [_item(d) for d in got["items"]]


def hand_in(paper_id: str, answers: list) -> dict:
    return _call("api/final-test", {"paper": paper_id, "answers": answers})


def request_certificate(name: str, unit: str) -> tuple[Certificate, list[str]]:
    got = _call("api/certificate", {"name": name, "unit": unit})
    return Certificate(**got["certificate"]), got["modules"]


def verify(url: str, token: str, cert_id: str) -> tuple[bool, str]:
    got = _call(f"api/certificates/{quote(cert_id.strip(), safe='')}", target=(url, token))
    return bool(got["valid"]), got["message"]
