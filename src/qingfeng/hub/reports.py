"""The leaders' service: the generated statistics reports, read-only, behind the Hub's login.

Run by the Hub as a managed service (``python -m qingfeng.hub.reports``) under
the grader account.  Only users granted ``access:services!service=reports``
(the leaders' and examiners' groups, see deploy/jupyterhub_config.py) get
past OAuth; everyone else gets 403.  It lists the report folders under the
data root's ``reports/`` and serves their files; nothing can be written.
"""
from __future__ import annotations

import html
import os
from pathlib import Path
from urllib.parse import quote, urlparse

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import ioloop, web

__all__ = ["make_app", "main"]


class _Base(HubOAuthenticated, web.RequestHandler):
    def set_default_headers(self):
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", "frame-ancestors 'self'")


class IndexHandler(_Base):
    @web.authenticated
    def get(self):
        root: Path = self.settings["reports_root"]
        prefix = self.settings["prefix"]
        entries = []
        for p in sorted(root.rglob("*")):
            if p.is_file() and p.suffix.lower() in (".html", ".xlsx", ".png", ".csv"):
                rel = p.relative_to(root).as_posix()
                entries.append(f'<li><a href="{url_path_join(prefix, "files", quote(rel))}">{html.escape(rel)}</a></li>')
        user = html.escape(self.current_user["name"])
        body = "".join(entries) or "<li>还没有生成统计报告（考官运行 qingfeng stats … --out 后在此显示）</li>"
        self.write(f"<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>考试统计报告</title>"
                   f"<body style='font-family:sans-serif;max-width:48em;margin:2em auto'><h1>考试统计报告</h1>"
                   f"<p>当前用户：{user}</p><ul>{body}</ul></body></html>")


class FileHandler(_Base, web.StaticFileHandler):
    def get_content_type(self) -> str:
        kind = super().get_content_type()
        return f"{kind}; charset=utf-8" if kind.startswith("text/") else kind

    @web.authenticated
    async def get(self, path, include_body=True):
        await super().get(path, include_body)


def make_app(reports_root: Path, prefix: str) -> web.Application:
    return web.Application([
        (prefix, IndexHandler),
        (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
        (url_path_join(prefix, "files", "(.*)"), FileHandler, {"path": str(reports_root)}),
    ], reports_root=reports_root, prefix=prefix, cookie_secret=os.urandom(32))


def main() -> None:
    prefix = os.environ["JUPYTERHUB_SERVICE_PREFIX"]
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    root = Path(os.environ["QINGFENG_REPORTS"])
    make_app(root, prefix).listen(url.port, url.hostname)
    ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
