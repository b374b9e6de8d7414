"""Load with wrk (Debian package ``wrk``): 50 clients cost the load generator far less CPU than Python
clients do, so on a 2-core machine more of the cores go to the server being measured.

``run(base, paths, clients=50, seconds=20)`` cycles every connection through ``paths`` (a Lua script) and
returns requests/s, p50/p95/p99 latency in ms, and errors (connect, read, write, timeout; answers that
are not 2xx or 3xx). ``wrk`` must be on the PATH (``apt-get install wrk``); it is a benchmark tool, not a
dependency of the application or of its tests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

LUA = r"""
local paths = {%(paths)s}
local headers = {%(headers)s}
local counter = 0
local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = offset
end

request = function()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  return wrk.format("GET", path, headers)
end

bad = 0
response = function(status, headers, body)
  if status >= 400 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local not_ok = 0
  for _, thread in ipairs(threads) do not_ok = not_ok + (thread:get("bad") or 0) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d, "connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, "status": %%d, ' ..
    '"not_ok": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout, e.status, not_ok))
end
"""


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for these ASCII paths


def run(
    base: str,
    paths: list[str],
    *,
    clients: int = 50,
    seconds: float = 20.0,
    threads: int = 1,
    headers: dict[str, str] | None = None,
    timeout_s: float = 10.0,
) -> dict[str, Any]:
    """One wrk run against ``base`` cycling through ``paths`` (percent-encoded)."""
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    script = LUA % {
        "paths": ", ".join(_lua_string(p) for p in paths),
        "headers": ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in (headers or {}).items()),
    }
    with tempfile.TemporaryDirectory() as folder:
        lua = Path(folder) / "paths.lua"
        lua.write_text(script)
        command = [
            binary, "-t", str(threads), "-c", str(clients), "-d", f"{max(1, round(seconds))}s",
            "--timeout", f"{max(1, round(timeout_s))}s", "-s", str(lua), base,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary: {done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("WRKJSON "))
    errors = {k: raw[k] for k in ("connect", "read", "write", "timeout")}
    errors["http_4xx_5xx"] = raw["not_ok"]
    return {
        "tool": "wrk",
        "clients": clients,
        "seconds": raw["duration_us"] / 1e6,
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "errors": sum(errors.values()),
        "errors_by_kind": {k: v for k, v in errors.items() if v},
    }
