"""One Superset instance for the whole run, on a copy of the published warehouse.

The instance (metadata DB, config, secrets) lives in a temporary folder and listens on a free
port on 127.0.0.1, so `make test-bi` neither touches nor disturbs a `make bi` instance
(build/bi). The warehouse is copied, so the test can publish a changed file over it the way
the build does. Screenshots are kept in build/bi-test/ to be looked at."""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bi import bundle  # noqa: E402
from bi.client import Client  # noqa: E402
from bi.instance import Instance, stop, up  # noqa: E402
from bi.tests.netguard import free_port  # noqa: E402

ARTIFACTS = ROOT / "build" / "bi-test"


@dataclass
class Running:
    inst: Instance
    client: Client
    files: dict[str, dict]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def datasets(self) -> dict[str, dict]:
        return {v["uuid"]: v for k, v in self.files.items() if k.startswith("datasets/")}

    @property
    def charts(self) -> dict[str, dict]:
        return {k.split("/")[1][:-5]: v for k, v in self.files.items() if k.startswith("charts/")}

    def dataset_of(self, chart: dict) -> dict:
        return self.datasets[chart["dataset_uuid"]]

    def chart_ids(self) -> dict[str, int]:
        """Superset's id of each chart of the bundle, by the chart's file name."""
        by_uuid = {c["uuid"]: c["id"] for c in self.client.list_all("chart", ["id", "uuid"])}
        return {name: by_uuid[c["uuid"]] for name, c in self.charts.items()}

    def server_pids(self) -> list[int]:
        """The gunicorn master and its workers."""
        master = int(self.inst.pidfile.read_text())
        kids = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return [master, *map(int, kids)]


@pytest.fixture(scope="session")
def bi(tmp_path_factory) -> Running:
    src = bundle.warehouse_path()
    if not src.exists():
        pytest.fail(f"no warehouse at {src}: run `make build` first")
    work = tmp_path_factory.mktemp("bi")
    wh = work / "warehouse" / "warehouse.duckdb"
    wh.parent.mkdir()
    shutil.copy2(src, wh)
    inst = Instance(home=work / "home", port=free_port(), warehouse=wh)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    t = time.monotonic()
    up(inst)  # what `make bi` runs: config, metadata DB, admin, server, import of the bundle
    timings = {"up_s": round(time.monotonic() - t, 1)}
    running = Running(inst, inst.client(), bundle.build(wh), timings)
    yield running
    stop(inst)
    (ARTIFACTS / "timings.json").write_text(json.dumps(running.timings, indent=2) + "\n")
    if os.environ.get("BI_KEEP_LOG"):
        shutil.copy2(inst.log, ARTIFACTS / "superset.log")
