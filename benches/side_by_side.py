#!/usr/bin/env python3
"""Side-by-side benchmark: server-smol against Debian's redis-server, in one run.

    python3 benches/side_by_side.py            # the full run (about 15 minutes)
    python3 benches/side_by_side.py --quick    # smaller request counts, 3 repetitions

On a fresh machine it installs redis-server and redis-tools (apt), builds server-smol in release
mode, starts both servers on loopback with persistence off, and runs redis-benchmark against them
alternately (A B A B ...), FLUSHALL before each run. Pinned mode puts each server on core 0 and
redis-benchmark on core 1; `--unpinned` adds the same runs without pinning as secondary figures.

For every run it records requests per second, p50/p99 latency (redis-benchmark --csv), the
server's CPU time per request (utime+stime from the process's procfs stat, before and after) and
redis-benchmark's own CPU time per request and share of the run's wall time busy: when the client
is near 100 % busy it, not the server, sets the run's rate.
Memory: fresh processes, `redis-benchmark -t set -n 1000000 -r 1000000 -d 100 -P 16`, DBSIZE must
agree, RSS growth per key from VmRSS. Client-side caching: 100 RESP3 readers with CLIENT TRACKING on
reading hot keys while 4 writers change them (benches/src/bin/tracking_load.rs), GET throughput
with tracking on against off, for both servers. It prints one table of medians (min-max) and ratios
ours/redis, each line with the command that produced it. Method: ../shared/spec/performance-baseline.md.
"""

import argparse
import csv
import io
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")
MIX = "set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,lrange_100"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def ensure_tools():
    if shutil.which("redis-server") and shutil.which("redis-benchmark"):
        return
    log("installing redis-server and redis-tools (apt)")
    subprocess.run(["apt-get", "update"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "redis-server", "redis-tools"],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    # The package may start a system instance on 6379; it is left alone (we use other ports).


def build(package, binary):
    log(f"building {binary} (release)")
    subprocess.run(
        ["cargo", "build", "--release", "-p", package, "--bin", binary], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", binary)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send(port, *args):
    """One command over RESP2; returns the raw reply line (enough for +OK and :n replies)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        req = f"*{len(args)}\r\n" + "".join(f"${len(a)}\r\n{a}\r\n" for a in args)
        s.sendall(req.encode())
        data = b""
        while not data.endswith(b"\r\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.decode(errors="replace").strip()


@dataclass
class Server:
    name: str
    argv: list
    port: int
    pinned: bool
    proc: subprocess.Popen = None
    dir: str = None

    def start(self):
        cmd = (["taskset", "-c", "0"] if self.pinned else []) + self.argv
        # A fresh working directory each time, so no server finds a dump file left by another.
        self.dir = tempfile.mkdtemp(prefix=f"side-by-side-{self.name}-")
        self.proc = subprocess.Popen(
            cmd, cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start: {' '.join(cmd)}")
            try:
                if send(self.port, "PING") == "+PONG":
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not answer PING on port {self.port}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def cpu_ticks(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


@dataclass
class Sample:
    rps: float
    p50: float
    p99: float
    cpu_us_per_req: float
    # redis-benchmark's own CPU time: per request, and as a share of the run's wall time. A
    # client near 100 % busy is the limit of the run, not the server.
    client_us_per_req: float
    client_busy: float


@dataclass
class Results:
    samples: dict = field(default_factory=dict)  # (workload, test, server) -> [Sample]
    commands: dict = field(default_factory=dict)  # workload -> command line
    failed: set = field(default_factory=set)  # (workload, test, server) that did not run

    def add(self, workload, test, server, sample):
        self.samples.setdefault((workload, test, server), []).append(sample)


def bench(server, pinned, args):
    cmd = (["taskset", "-c", "1"] if pinned else []) + [
        "redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "--csv"] + args
    before = server.cpu_ticks()
    t0, c0 = time.monotonic(), os.times()
    res = subprocess.run(cmd, capture_output=True, text=True)
    t1, c1 = time.monotonic(), os.times()
    after = server.cpu_ticks()
    if res.returncode != 0:
        # Typically a command the server does not support yet; the report says so.
        return [], 0.0, 0.0, 0.0
    rows = [r for r in csv.DictReader(io.StringIO(res.stdout)) if r.get("test")]
    client_s = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)
    return rows, (after - before) / CLK_TCK, client_s, t1 - t0


def run_workload(results, label, servers, pinned, args, reps):
    """Each test of `-t` runs as its own redis-benchmark, so its CPU time is its own."""
    n = int(args[args.index("-n") + 1])
    tests = args[args.index("-t") + 1].split(",")
    rest = [a for i, a in enumerate(args) if a != "-t" and (i == 0 or args[i - 1] != "-t")]
    results.commands[label] = "redis-benchmark -h 127.0.0.1 -p PORT --csv " + " ".join(args)
    for rep in range(reps):
        order = servers if rep % 2 == 0 else list(reversed(servers))
        for test in tests:
            for server in order:
                send(server.port, "FLUSHALL")
                rows, cpu_s, client_s, wall_s = bench(server, pinned, ["-t", test] + rest)
                if not rows:
                    results.failed.add((label, test.upper(), server.name))
                for row in rows:
                    sample = Sample(
                        rps=float(row["rps"]),
                        p50=float(row["p50_latency_ms"]),
                        p99=float(row["p99_latency_ms"]),
                        cpu_us_per_req=cpu_s * 1e6 / n,
                        client_us_per_req=client_s * 1e6 / n,
                        client_busy=client_s / wall_s if wall_s else 0.0,
                    )
                    results.add(label, row["test"].split()[0], server.name, sample)
        log(f"  {label}: repetition {rep + 1}/{reps} done")


def memory(argv_of, n, quick):
    per_key = {}
    for name, argv in argv_of.items():
        port = free_port()
        server = Server(name, argv(port), port, pinned=False)
        server.start()
        try:
            before = server.rss_kib()
            subprocess.run(
                ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-t", "set",
                 "-n", str(n), "-r", str(n), "-d", "100", "-P", "16", "-q"],
                check=True, capture_output=True)
            keys = int(send(port, "DBSIZE").lstrip(":"))
            after = server.rss_kib()
            per_key[name] = ((after - before) * 1024 / keys, keys)
        finally:
            server.stop()
    a, b = per_key.get("ours"), per_key.get("redis")
    if a and b and abs(a[1] - b[1]) > 0.005 * b[1]:
        log(f"WARNING: DBSIZE differs: ours {a[1]}, redis {b[1]}")
    return per_key


def tracking(argv_of, load_bin, reps, seconds):
    """GET throughput of 100 RESP3 readers with tracking on, against the same with it off."""
    out = {}
    for name, argv in argv_of.items():
        port = free_port()
        server = Server(name, argv(port), port, pinned=True)
        server.start()
        runs = {"on": [], "off": []}
        try:
            for rep in range(reps):
                for mode in (("off", "on") if rep % 2 == 0 else ("on", "off")):
                    send(port, "FLUSHALL")
                    res = subprocess.run(
                        ["taskset", "-c", "1", load_bin, str(port), "--tracking", mode,
                         "--seconds", str(seconds)],
                        capture_output=True, text=True)
                    if res.returncode != 0:
                        out[name] = f"failed: {res.stderr.strip()}"
                        raise StopIteration
                    gets = float(res.stdout.split()[0].split("=")[1])
                    runs[mode].append(gets)
            on, off = statistics.median(runs["on"]), statistics.median(runs["off"])
            out[name] = (on, off, 1 - on / off)
        except StopIteration:
            pass
        finally:
            server.stop()
    return out


def fmt_rate(values):
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}-{max(values):,.0f})"


def report(results, per_key, mem_cmd, tracked, tracking_cmd):
    print("Ratios are ours/redis: above 1 is better for rps, below 1 is better for latency, CPU and memory.")
    print()
    print("| workload | test | metric | ours: median (min-max) | redis: median (min-max) | ours/redis |")
    print("|---|---|---|---|---|---|")
    geo = {}
    for (workload, test, server), samples in sorted(results.samples.items()):
        if server != "ours":
            continue
        theirs = results.samples.get((workload, test, "redis"))
        if not theirs:
            continue
        for metric, get, fmt in [
            ("rps", lambda s: s.rps, fmt_rate),
            ("p50 ms", lambda s: s.p50, lambda v: f"{statistics.median(v):.3f}"),
            ("p99 ms", lambda s: s.p99, lambda v: f"{statistics.median(v):.3f}"),
            ("CPU us/req", lambda s: s.cpu_us_per_req, lambda v: f"{statistics.median(v):.3f}"),
            ("client CPU us/req", lambda s: s.client_us_per_req, lambda v: f"{statistics.median(v):.3f}"),
            ("client busy", lambda s: s.client_busy, lambda v: f"{statistics.median(v):.0%}"),
        ]:
            ours_v = [get(s) for s in samples]
            redis_v = [get(s) for s in theirs]
            ratio = statistics.median(ours_v) / statistics.median(redis_v) if statistics.median(redis_v) else float("nan")
            if metric == "rps":
                geo.setdefault(workload, []).append(ratio)
            print(f"| {workload} | {test} | {metric} | {fmt(ours_v)} | {fmt(redis_v)} | {ratio:.2f} |")
    for workload, test, server in sorted(results.failed):
        print(f"| {workload} | {test} | failed | {server} could not run it (unsupported command?) | | |")
    for workload, ratios in geo.items():
        g = statistics.geometric_mean(ratios)
        print(f"| {workload} | all | rps geometric mean of ratios | | | {g:.2f} |")
    if per_key.get("ours") and per_key.get("redis"):
        o, r = per_key["ours"], per_key["redis"]
        print(f"| memory | set 100 B | RSS bytes/key (keys) | {o[0]:.1f} ({o[1]}) | {r[0]:.1f} ({r[1]}) | {o[0] / r[0]:.2f} |")
    ours_t, redis_t = tracked.get("ours"), tracked.get("redis")
    if isinstance(ours_t, tuple) and isinstance(redis_t, tuple):
        print(f"| tracking | 100 readers | GET/s on (off), loss | {ours_t[0]:,.0f} ({ours_t[1]:,.0f}), "
              f"{ours_t[2]:.1%} | {redis_t[0]:,.0f} ({redis_t[1]:,.0f}), {redis_t[2]:.1%} | "
              f"{(ours_t[2] / redis_t[2]) if redis_t[2] > 0 else float('nan'):.2f} |")
    else:
        print(f"| tracking | 100 readers | GET/s on/off | ours: {ours_t} | redis: {redis_t} | |")
    print()
    print("Commands:")
    for workload, cmd in results.commands.items():
        print(f"- {workload}: `{cmd}`")
    print(f"- memory: `{mem_cmd}` on fresh processes, RSS from VmRSS before/after, DBSIZE after")
    print(f"- tracking: `{tracking_cmd}`, tracking on and off alternately, server pinned to core 0")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller counts, 3 repetitions")
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 5, quick 3)")
    ap.add_argument("--unpinned", action="store_true", help="also run unpinned (secondary)")
    ap.add_argument("--ours", default=None, help="server binary to use instead of building one")
    opts = ap.parse_args()

    ensure_tools()
    ours_bin = opts.ours or build("server-smol", "server-smol")
    load_bin = build("benches", "tracking_load")
    reps = opts.reps or (3 if opts.quick else 5)
    scale = 10 if opts.quick else 1

    argv_of = {
        "ours": lambda port: [ours_bin, "--port", str(port), "--bind", "127.0.0.1"],
        "redis": lambda port: ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no", "--daemonize", "no"],
    }
    workloads = [
        ("P1", ["-t", "set,get", "-n", str(1_000_000 // scale), "-c", "50", "-P", "1"]),
        ("P16", ["-t", "set,get", "-n", str(1_000_000 // scale), "-c", "50", "-P", "16"]),
        ("mix P16", ["-t", MIX, "-n", str(200_000 // scale), "-c", "50", "-P", "16"]),
        ("long P16", ["-t", "set,get", "-n", str(5_000_000 // scale), "-c", "50", "-P", "16"]),
    ]
    results = Results()
    modes = [True] + ([False] if opts.unpinned else [])
    for pinned in modes:
        servers = []
        try:
            for name, argv in argv_of.items():
                port = free_port()
                server = Server(name, argv(port), port, pinned)
                server.start()
                servers.append(server)
            for label, args in workloads:
                full = label + ("" if pinned else " unpinned")
                log(f"running {full}")
                run_workload(results, full, servers, pinned, args, reps)
        finally:
            for server in servers:
                server.stop()
    mem_n = 1_000_000 // scale
    per_key = memory(argv_of, mem_n, opts.quick)
    seconds = 2 if opts.quick else 5
    log("running the tracking workload")
    tracked = tracking(argv_of, load_bin, reps, seconds)
    report(results, per_key, f"redis-benchmark -t set -n {mem_n} -r {mem_n} -d 100 -P 16",
           tracked, f"tracking_load PORT --tracking on|off --readers 100 --writers 4 "
           f"--pipeline 16 --seconds {seconds}")


if __name__ == "__main__":
    main()
