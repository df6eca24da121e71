"""Throughput and latency of the public pages under Daphne: ``python -m bench.public_pages``.

Starts the application (bench.settings: the real settings plus a bare view at /bench/bare/)
on a fresh SQLite database in a temporary directory, pinned to one core, and drives it from
this process pinned to another core with a closed-loop HTTP/1.1 keep-alive client. Each path
is measured in turn, the whole sequence twice; the better round per path is reported, with
its throughput as a share of the bare view's. See bench/README.md.

Only 127.0.0.1 is contacted, and every loop ends at a fixed time.
"""

import argparse
import asyncio
import contextlib
import importlib.metadata
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "public_pages.json"
HOST = "127.0.0.1"
BARE = "/bench/bare/"
WARMUP = 2.0
ROUNDS = 2
REQUEST_TIMEOUT = 10.0
TARGET_RATIO = 0.5  # the home page must reach at least half the bare view's requests/s


# --- The server --------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(var_dir):
    env = dict(os.environ)
    env["HOC_VAR_DIR"] = str(var_dir)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # DATABASE_URL and REDIS_URL pass through only if the caller set them.
    return env


def migrate(env, log):
    with open(log, "ab") as out:
        done = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode:
        raise RuntimeError(f"manage.py migrate failed:\n{tail(log)}")


def start_server(env, port, cpu, log):
    argv = [sys.executable, "-m", "hoc.serve", "--port", str(port)]
    if cpu is not None:
        argv = [shutil.which("taskset"), "-c", str(cpu), *argv]
    out = open(log, "ab")  # noqa: SIM115 - closed in stop_server
    proc = subprocess.Popen(  # noqa: S603
        argv,
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C reaches this script, which stops the server itself
    )
    proc.log_file = out
    return proc


def wait_for_port(proc, port, log, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer on port {port} in {timeout:.0f} s")


def stop_server(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    proc.log_file.close()


def tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def proc_cpu_seconds(pid):
    """utime + stime of a process (all its threads), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def core_times(cpu):
    """(busy, steal) seconds of one core since boot, from /proc/stat; None if unknown."""
    if cpu is None:
        return None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith(f"cpu{cpu} "):
                ticks = [int(x) for x in line.split()[1:]]
                idle = ticks[3] + ticks[4]  # idle + iowait
                steal = ticks[7] if len(ticks) > 7 else 0
                # guest time is already included in user/nice
                busy = sum(ticks[:8]) - idle - steal
                return busy / os.sysconf("SC_CLK_TCK"), steal / os.sysconf("SC_CLK_TCK")
    return None


def proc_status(pid, key):
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
    return None


# --- The load generator ------------------------------------------------------------------


class Connection:
    """One HTTP/1.1 keep-alive connection, reopened after an error or Connection: close."""

    def __init__(self, port):
        self.port = port
        self.reader = self.writer = None

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def get(self, path):
        """Return (status, body length)."""
        status, size, _ = await self.request("GET", path)
        return status, size

    async def request(self, method, path, headers=(), body=b""):
        """Return (status, body length, response headers with lower-case names)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers)
        if body:
            extra += f"Content-Length: {len(body)}\r\n"
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
            f"User-Agent: hoc-bench\r\nAccept: text/html\r\n{extra}\r\n".encode("latin-1")
            + body
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            size = len(await self.reader.readexactly(int(headers["content-length"])))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            size = 0
            while True:
                chunk = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(chunk + 2)
                size += chunk
                if chunk == 0:
                    break
        else:
            size = len(await self.reader.read())
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, size, headers


async def worker(port, path, t_start, t_end, samples, errors, statuses):
    conn = Connection(port)
    try:
        while time.perf_counter() < t_end:
            began = time.perf_counter()
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT):
                    status, size = await conn.get(path)
            except (
                OSError,
                EOFError,
                ValueError,
                IndexError,
                TimeoutError,
                asyncio.LimitOverrunError,
                asyncio.IncompleteReadError,
            ) as e:
                await conn.close()
                ended = time.perf_counter()
                if t_start <= ended <= t_end:
                    errors.append(type(e).__name__)
                await asyncio.sleep(0.05)  # no busy loop if the server is gone
                continue
            ended = time.perf_counter()
            if not t_start <= ended <= t_end:
                continue
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                samples.append((ended - began, size))
            else:
                errors.append(f"HTTP {status}")
    finally:
        await conn.close()


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


async def measure(port, path, connections, duration, server_pid, server_cpu):
    """Run one path: WARMUP seconds uncounted, then `duration` seconds counted.

    Counted are the requests that complete inside the measured window.
    """
    t_start = time.perf_counter() + WARMUP
    t_end = t_start + duration
    samples, errors, statuses = [], [], {}
    cpu = {}

    async def sample_cpu():
        await asyncio.sleep(max(0.0, t_start - time.perf_counter()))
        cpu["server0"], cpu["gen0"] = proc_cpu_seconds(server_pid), time.process_time()
        cpu["core0"] = core_times(server_cpu)
        await asyncio.sleep(max(0.0, t_end - time.perf_counter()))
        cpu["server1"], cpu["gen1"] = proc_cpu_seconds(server_pid), time.process_time()
        cpu["core1"] = core_times(server_cpu)

    tasks = [
        asyncio.create_task(worker(port, path, t_start, t_end, samples, errors, statuses))
        for _ in range(connections)
    ]
    tasks.append(asyncio.create_task(sample_cpu()))
    # Every request has its own timeout; this bounds the whole step as well.
    done, pending = await asyncio.wait(tasks, timeout=WARMUP + duration + REQUEST_TIMEOUT + 5)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            errors.append(type(task.exception()).__name__)

    latencies = sorted(s[0] * 1000 for s in samples)
    error_kinds = {}
    for kind in errors:
        error_kinds[kind] = error_kinds.get(kind, 0) + 1
    result = {
        "path": path,
        "requests": len(samples),
        "requests_per_s": len(samples) / duration,
        "p50_ms": percentile(latencies, 50),
        "p90_ms": percentile(latencies, 90),
        "p99_ms": percentile(latencies, 99),
        "max_ms": latencies[-1] if latencies else None,
        "errors": len(errors),
        "error_kinds": error_kinds,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "body_bytes": samples[-1][1] if samples else None,
        "generator_cpu_share": None,
        "server_cpu_share": None,
        "server_cpu_us_per_request": None,
        "other_load_on_server_core": None,
        "steal_on_server_core": None,
    }
    if len(cpu) == 6:
        result["generator_cpu_share"] = (cpu["gen1"] - cpu["gen0"]) / duration
        if cpu["server0"] is not None and cpu["server1"] is not None:
            used = cpu["server1"] - cpu["server0"]
            result["server_cpu_share"] = used / duration
            if samples:
                result["server_cpu_us_per_request"] = used / len(samples) * 1e6
            if cpu["core0"] is not None and cpu["core1"] is not None:
                # What else ran on the server's core: other processes, and the hypervisor.
                busy = cpu["core1"][0] - cpu["core0"][0]
                result["other_load_on_server_core"] = max(0.0, busy - used) / duration
                result["steal_on_server_core"] = (cpu["core1"][1] - cpu["core0"][1]) / duration
    return result


# --- Report ------------------------------------------------------------------------------


def machine():
    model = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = {}
    for dist in ("django", "channels", "daphne", "twisted"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[dist] = importlib.metadata.version(dist)
    return {
        "uname": dict(
            zip(("sysname", "nodename", "release", "version", "machine"), os.uname(), strict=True)
        ),
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "versions": versions,
    }


def pct(share):
    return None if share is None else share * 100


def fmt(value, spec=".1f"):
    return "–" if value is None else format(value, spec)


def markdown(best, bare_rps):
    rows = [
        "| Path | Body bytes | req/s (best) | req/s rounds | p50 ms | p90 ms | p99 ms "
        "| max ms | Errors | vs bare | Server CPU | Server µs/req |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for path, entry in best.items():
        r = entry["best"]
        ratio = r["requests_per_s"] / bare_rps if bare_rps else None
        share = r["server_cpu_share"]
        rounds = " / ".join(f"{x['requests_per_s']:.0f}" for x in entry["rounds"])
        rows.append(
            f"| `{path}` | {fmt(r['body_bytes'], 'd')} | {r['requests_per_s']:.0f} "
            f"| {rounds} "
            f"| {fmt(r['p50_ms'])} | {fmt(r['p90_ms'])} | {fmt(r['p99_ms'])} "
            f"| {fmt(r['max_ms'])} | {r['errors']} | {fmt(ratio, '.2f')} "
            f"| {fmt(None if share is None else share * 100, '.0f')}% "
            f"| {fmt(r['server_cpu_us_per_request'], '.0f')} |"
        )
    return "\n".join(rows)


# --- Main --------------------------------------------------------------------------------


def pick_cpus(notes):
    """(server cpu, generator cpu); None means unpinned."""
    allowed = sorted(os.sched_getaffinity(0))
    server_cpu = generator_cpu = None
    if shutil.which("taskset") is None:
        notes.append("taskset not found: the server runs unpinned.")
    elif len(allowed) < 2:
        notes.append(f"only one usable core ({allowed}): the server runs unpinned.")
    else:
        server_cpu = 0 if 0 in allowed else allowed[0]
    if len(allowed) < 2:
        notes.append("only one usable core: the generator runs unpinned, sharing it.")
    else:
        generator_cpu = 1 if 1 in allowed and server_cpu != 1 else allowed[1]
    return server_cpu, generator_cpu


async def run_rounds(port, paths, connections, duration, server_pid, server_cpu):
    rounds = []
    for number in range(1, ROUNDS + 1):
        for path in paths:
            r = await measure(port, path, connections, duration, server_pid, server_cpu)
            r["round"] = number
            rounds.append(r)
            print(
                f"  round {number} {path}: {r['requests_per_s']:.0f} req/s, "
                f"p99 {fmt(r['p99_ms'])} ms, {r['errors']} errors, server CPU "
                f"{fmt(pct(r['server_cpu_share']), '.0f')}%, other load on its core "
                f"{fmt(pct(r['other_load_on_server_core']), '.0f')}%",
                file=sys.stderr,
                flush=True,
            )
    return rounds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per step")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--paths", nargs="+", default=["/", BARE, "/hulpwijzer/"])
    parser.add_argument("--port", type=int, default=0, help="0: pick a free port")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not 0 < args.duration <= 600 or not 0 < args.connections <= 1000:
        parser.error("--duration must be in (0, 600] and --connections in (0, 1000]")
    for path in args.paths:
        if not path.startswith("/") or any(c.isspace() for c in path):
            parser.error(f"{path!r} is not a path")
    paths = list(dict.fromkeys(args.paths))
    if BARE not in paths:
        paths.append(BARE)  # the ratios need it

    # SIGTERM unwinds like Ctrl-C, so the server is stopped either way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    notes = []
    server_cpu, generator_cpu = pick_cpus(notes)
    port = args.port or free_port()
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="hoc-bench-") as tmp:
        var_dir = Path(tmp) / "var"
        log = Path(tmp) / "server.log"
        env = server_env(var_dir)
        print(f"migrating a fresh database in {var_dir} …", file=sys.stderr, flush=True)
        migrate(env, log)
        proc = start_server(env, port, server_cpu, log)
        try:
            wait_for_port(proc, port, log)
            server_affinity = proc_status(proc.pid, "Cpus_allowed_list")
            if generator_cpu is not None:
                os.sched_setaffinity(0, {generator_cpu})
            generator_affinity = proc_status(os.getpid(), "Cpus_allowed_list")
            print(
                f"server pid {proc.pid} on CPU {server_affinity}, generator on CPU "
                f"{generator_affinity}; {args.connections} connections, {WARMUP:.0f} s warm-up "
                f"+ {args.duration:g} s per step, {ROUNDS} rounds",
                file=sys.stderr,
                flush=True,
            )
            rounds = asyncio.run(
                run_rounds(port, paths, args.connections, args.duration, proc.pid, server_cpu)
            )
            server_rss = proc_status(proc.pid, "VmRSS")
            server_log = Path(log).read_text(errors="replace")
        except Exception:
            print(tail(log), file=sys.stderr)
            raise
        finally:
            stop_server(proc)

    best = {}
    for path in paths:
        mine = [r for r in rounds if r["path"] == path]
        best[path] = {
            "best": max(mine, key=lambda r: r["requests_per_s"]),
            "rounds": mine,
        }
    bare_rps = best[BARE]["best"]["requests_per_s"]
    for entry in best.values():
        r = entry["best"]
        r["ratio_to_bare"] = r["requests_per_s"] / bare_rps if bare_rps else None
        if r["generator_cpu_share"] and r["generator_cpu_share"] > 0.7:
            notes.append(
                f"{r['path']}: generator used {r['generator_cpu_share']:.0%} of its core; "
                "the step may be generator-bound."
            )
        other = (r["other_load_on_server_core"] or 0) + (r["steal_on_server_core"] or 0)
        if other > 0.1:
            notes.append(
                f"{r['path']}: other processes or steal took {other:.0%} of the server's core "
                "during the best round; the machine was not quiet."
            )
    error_lines = sum(" ERROR " in line for line in server_log.splitlines())
    if error_lines:
        notes.append(f"the server logged {error_lines} ERROR lines.")

    home = best.get("/")
    target = None
    if home is not None and bare_rps:
        target = {
            "rule": f"home requests/s >= {TARGET_RATIO} x bare requests/s",
            "ratio": home["best"]["ratio_to_bare"],
            "met": home["best"]["ratio_to_bare"] >= TARGET_RATIO and home["best"]["errors"] == 0,
        }

    report = {
        "benchmark": "public_pages",
        "timestamp": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "config": {
            "duration_s": args.duration,
            "warmup_s": WARMUP,
            "connections": args.connections,
            "rounds": ROUNDS,
            "paths": paths,
            "settings": "bench.settings",
            "server_cpu": server_cpu,
            "server_affinity": server_affinity,
            "generator_cpu": generator_cpu,
            "generator_affinity": generator_affinity,
            "database": "DATABASE_URL" if os.environ.get("DATABASE_URL") else "SQLite (temp)",
            "channel_layer": "REDIS_URL" if os.environ.get("REDIS_URL") else "in-memory",
            "hoc_env": os.environ.get("HOC_ENV", "development"),
            "hoc_debug": os.environ.get("HOC_DEBUG", ""),
            "server_rss_end": server_rss,
        },
        "results": {path: entry["best"] for path, entry in best.items()},
        "rounds": rounds,
        "target": target,
        "notes": notes,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")

    print()
    print(markdown(best, bare_rps))
    print()
    print(
        f"{args.connections} connections, {args.duration:g} s per step after {WARMUP:.0f} s "
        f"warm-up, better of {ROUNDS} interleaved rounds; server on CPU {server_affinity}, "
        f"generator on CPU {generator_affinity}."
    )
    if target is not None:
        verdict = "met" if target["met"] else "NOT met"
        print(f"Target (home ≥ {TARGET_RATIO:g} × bare): {target['ratio']:.2f} × — {verdict}.")
    for note in notes:
        print(f"Note: {note}")
    print(f"JSON: {args.output}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; server stopped.", file=sys.stderr)
        sys.exit(130)
