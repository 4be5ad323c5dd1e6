"""One simulated candidate on the Hub, over HTTP as a browser would: the login form, their own server,
the Assignments panel's fetch/submit API and the contents API.  Loopback only (the load benchmark)."""
from __future__ import annotations

import time

__all__ = ["SimulatedCandidate", "REQUEST_TIMEOUT"]

REQUEST_TIMEOUT = 120


class SimulatedCandidate:
    """A candidate with their own cookie jar; every call bounded by REQUEST_TIMEOUT."""

    def __init__(self, base: str, name: str, password: str):
        import requests

        self.base, self.name, self.password = base, name, password
        self.s = requests.Session()

    def _xsrf(self, path: str) -> str:
        return self.s.cookies.get("_xsrf", path=path) or ""

    def hub(self, method: str, path: str, **kw):
        return self.s.request(method, f"{self.base}/hub/api{path}", headers={"X-XSRFToken": self._xsrf("/hub/")},
                              timeout=REQUEST_TIMEOUT, **kw)

    def server(self, method: str, path: str, **kw):
        prefix = f"/user/{self.name}"
        return self.s.request(method, f"{self.base}{prefix}{path}", headers={"X-XSRFToken": self._xsrf(prefix + "/")},
                              timeout=REQUEST_TIMEOUT, **kw)

    def login(self) -> None:
        self.s.get(f"{self.base}/hub/login", timeout=REQUEST_TIMEOUT)
        r = self.s.post(f"{self.base}/hub/login?next=", allow_redirects=False, timeout=REQUEST_TIMEOUT,
                        data={"username": self.name.upper(), "password": self.password, "_xsrf": self._xsrf("/hub/")})
        if r.status_code != 302:
            raise RuntimeError(f"登录得到 HTTP {r.status_code}")

    def spawn(self, timeout: float) -> None:
        r = self.hub("POST", f"/users/{self.name}/server")
        if r.status_code not in (201, 202, 400):
            raise RuntimeError(f"启动服务器得到 HTTP {r.status_code}：{r.text[:200]}")
        started = time.monotonic()
        while time.monotonic() < started + timeout:
            info = self.hub("GET", f"/users/{self.name}").json()
            server = info.get("servers", {}).get("")
            if server and server.get("ready"):
                r = self.s.get(f"{self.base}/user/{self.name}/lab", timeout=REQUEST_TIMEOUT)   # the server's OAuth
                if r.status_code != 200:
                    raise RuntimeError(f"打开 JupyterLab 得到 HTTP {r.status_code}")
                return
            if not server and not info.get("pending") and time.monotonic() > started + 10:
                raise RuntimeError("服务器启动失败（Hub 已放弃）")
            time.sleep(1.0)                      # about what the Hub's spawn page does; more would load the Hub
        raise TimeoutError(f"{timeout:.0f} 秒内服务器没有就绪")

    def _pending(self) -> bool:
        info = self.hub("GET", f"/users/{self.name}").json()
        return bool(info.get("pending")) or bool(info.get("servers"))

    def sit(self, exam: str) -> float:
        """Fetch, answer (their 编号 in the essay, so misfiling shows), submit; the submit's seconds."""
        r = self.server("POST", "/assignments/fetch", data={"course_id": "qingfeng", "assignment_id": exam})
        if r.status_code != 200 or '"success": false' in r.text:
            raise RuntimeError(f"取卷失败：HTTP {r.status_code} {r.text[:200]}")
        path = f"/api/contents/{exam}/{exam}.ipynb"
        nb = self.server("GET", path).json()["content"]
        for cell in nb["cells"]:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            if gid == "answer-YM-JD-01":
                cell["source"] = f"考生 {self.name} 的作答：教育不到位、制度不健全、监督不得力。"
        r = self.server("PUT", path, json={"type": "notebook", "format": "json", "content": nb})
        if r.status_code != 200:
            raise RuntimeError(f"保存作答失败：HTTP {r.status_code}")
        t0 = time.perf_counter()
        r = self.server("POST", "/assignments/submit", data={"course_id": "qingfeng", "assignment_id": exam})
        seconds = time.perf_counter() - t0
        if r.status_code != 200 or '"success": false' in r.text:
            raise RuntimeError(f"交卷失败：HTTP {r.status_code} {r.text[:200]}")
        return seconds

    def stop(self, timeout: float = 60) -> None:
        self.hub("DELETE", f"/users/{self.name}/server")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._pending():
            time.sleep(0.5)
