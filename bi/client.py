"""A small Superset REST client (requests): log in, import the bundle, read charts and datasets."""
from __future__ import annotations

import json
from pathlib import Path

import requests


class SupersetError(Exception):
    pass


class Client:
    def __init__(self, base_url: str, username: str, password: str, timeout: float = 120):
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        self.s = requests.Session()
        # Never through a proxy: the server is on this machine.
        self.s.trust_env = False
        r = self.s.post(f"{self.base}/api/v1/security/login", timeout=timeout,
                        json={"username": username, "password": password, "provider": "db", "refresh": False})
        if r.status_code != 200:
            raise SupersetError(f"login as {username}: HTTP {r.status_code} {r.text[:200]}")
        self.s.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        r = self.get("/api/v1/security/csrf_token/")
        self.s.headers["X-CSRFToken"] = r["result"]
        self.s.headers["Referer"] = self.base

    def _check(self, r: requests.Response, what: str) -> dict:
        if r.status_code >= 400:
            raise SupersetError(f"{what}: HTTP {r.status_code} {r.text[:500]}")
        return r.json()

    def get(self, path: str, **params) -> dict:
        if params:
            params = {k: (json.dumps(v) if isinstance(v, (dict, list)) else v) for k, v in params.items()}
        return self._check(self.s.get(self.base + path, params=params, timeout=self.timeout), f"GET {path}")

    def post(self, path: str, body: dict) -> dict:
        return self._check(self.s.post(self.base + path, json=body, timeout=self.timeout), f"POST {path}")

    def import_assets(self, bundle: Path) -> dict:
        """Import (and overwrite) the database, datasets, charts and dashboards of the bundle."""
        with open(bundle, "rb") as f:
            r = self.s.post(f"{self.base}/api/v1/assets/import/", timeout=self.timeout,
                            files={"bundle": (bundle.name, f, "application/zip")})
        return self._check(r, "import the bundle")

    def list_all(self, resource: str, columns: list[str]) -> list[dict]:
        out, page = [], 0
        while True:
            r = self.get(f"/api/v1/{resource}/", q={"columns": columns, "page": page, "page_size": 100})
            out += r["result"]
            if len(out) >= r["count"] or not r["result"]:
                return out
            page += 1

    def chart_data(self, chart_id: int) -> list[dict]:
        """The chart's saved query run now (no cache: `force`): one result per query."""
        return self.get(f"/api/v1/chart/{chart_id}/data/", format="json", type="full", force="true")["result"]
