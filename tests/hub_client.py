"""A person using the Hub over HTTP: log in through the login form, start their server, run code
in their own kernel, call the nbgrader endpoints the Assignments panel calls.  Loopback only."""
from __future__ import annotations

import json
import time
import uuid

import requests
import websocket


class HubUser:
    def __init__(self, base: str, name: str, password: str):
        self.base, self.name, self.password = base.rstrip("/"), name, password
        self.s = requests.Session()

    # --- Hub ---------------------------------------------------------------------------------------
    def login(self) -> requests.Response:
        self.s.get(f"{self.base}/hub/login", timeout=30)
        xsrf = self.s.cookies.get("_xsrf", path="/hub/")
        r = self.s.post(f"{self.base}/hub/login?next=", data={"username": self.name, "password": self.password, "_xsrf": xsrf},
                        allow_redirects=False, timeout=60)
        return r

    def hub_api(self, method: str, path: str, **kw) -> requests.Response:
        xsrf = self.s.cookies.get("_xsrf", path="/hub/")
        return self.s.request(method, f"{self.base}/hub/api{path}", headers={"X-XSRFToken": xsrf or ""}, timeout=60, **kw)

    def start_server(self, timeout: float = 150) -> None:
        r = self.hub_api("POST", f"/users/{self.name}/server")
        assert r.status_code in (201, 202, 400), (r.status_code, r.text)
        deadline = time.time() + timeout
        while time.time() < deadline:
            info = self.hub_api("GET", f"/users/{self.name}").json()
            server = info.get("servers", {}).get("")
            if server and server.get("ready"):
                self.open(f"/user/{self.name}/lab")   # completes the server's OAuth, sets its cookie
                return
            time.sleep(1)
        raise TimeoutError(f"{self.name}: server not ready in {timeout}s")

    # --- a single-user server or a service ---------------------------------------------------------
    def open(self, path: str, **kw) -> requests.Response:
        return self.s.get(f"{self.base}{path}", timeout=60, **kw)

    def _xsrf_for(self, prefix: str) -> str:
        return self.s.cookies.get("_xsrf", path=prefix.rstrip("/") + "/") or self.s.cookies.get("_xsrf", path=prefix.rstrip("/")) or ""

    def call(self, method: str, prefix: str, path: str, **kw) -> requests.Response:
        headers = {"X-XSRFToken": self._xsrf_for(prefix), **kw.pop("headers", {})}
        return self.s.request(method, f"{self.base}{prefix.rstrip('/')}{path}", headers=headers, timeout=120, **kw)

    def run(self, prefix: str, code: str, timeout: float = 120) -> tuple[str, str]:
        """Run ``code`` in a new kernel of the server at ``prefix``; (stdout, error text)."""
        r = self.call("POST", prefix, "/api/kernels", json={"name": "python3"})
        assert r.status_code == 201, (r.status_code, r.text[:500])
        kid = r.json()["id"]
        ws_url = f"{self.base.replace('http', 'ws', 1)}{prefix.rstrip('/')}/api/kernels/{kid}/channels"
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.s.cookies)
        ws = websocket.create_connection(ws_url, header=[f"Cookie: {cookie}"], timeout=timeout)
        try:
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({"channel": "shell", "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "",
                                                                "session": uuid.uuid4().hex, "version": "5.3"},
                                "parent_header": {}, "metadata": {},
                                "content": {"code": code, "silent": False, "store_history": False,
                                            "user_expressions": {}, "allow_stdin": False}}))
            out, err = [], []
            deadline = time.time() + timeout
            while time.time() < deadline:
                m = json.loads(ws.recv())
                if m.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                t = m["header"]["msg_type"]
                if t == "stream":
                    (out if m["content"]["name"] == "stdout" else err).append(m["content"]["text"])
                elif t == "error":
                    err.append(f"{m['content']['ename']}: {m['content']['evalue']}")
                elif t == "status" and m["content"]["execution_state"] == "idle":
                    break
            return "".join(out), "".join(err)
        finally:
            ws.close()
            self.call("DELETE", prefix, f"/api/kernels/{kid}")
