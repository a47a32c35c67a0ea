#!/usr/bin/env python3
"""Search throughput and latency of `chatvault serve` over HTTP on loopback.

1. Builds a vault of N synthetic messages (default 1,000,000): the seeded corpus of
   /work/shared/bench/gen_chat_corpus.py (or $CHATVAULT_CORPUS_GEN), converted to
   ChatVault JSONL and imported with `chatvault import`. The vault is kept in --vault and
   reused on the next run when it already holds the messages.
2. Starts `chatvault serve` on a free loopback port and creates an officer API token.
3. Runs C concurrent clients (threads, keep-alive HTTP/1.1) for D seconds doing
   GET /api/v1/search with a bearer token and a mix of queries (common word, rare word
   found 10-30 times in the corpus, phrase, filtered by sender and dates), then the same for GET /api/v1/health as an
   in-run baseline, and prints requests/s and p50/p95/p99 latency of each, per kind,
   and the ratio.

Every request must answer 200; any other status or error is counted and fails the run.
Loopback only, bounded in time. Usage:
  load.py --bin .build-release/release/chatvault [--messages 1000000] [--clients 8]
          [--duration 20] [--vault /tmp/chatvault-load-1000000]
"""

import argparse
import collections
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORD = re.compile(r"[a-z]+")
GENERATOR = os.environ.get("CHATVAULT_CORPUS_GEN", "/work/shared/bench/gen_chat_corpus.py")


def log(message):
    print(f"[load] {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def convert(source, target):
    """gen_chat_corpus.py lines -> ChatVault JSONL. Returns (lines, busiest sender, rare words)."""
    counts = {}
    words = collections.Counter()
    n = 0
    with open(source, encoding="utf-8") as fin, open(target, "w", encoding="utf-8") as fout:
        for line in fin:
            r = json.loads(line)
            counts[r["sender"]] = counts.get(r["sender"], 0) + 1
            words.update(WORD.findall(r["text"].lower()))
            out = {
                "platform": r["platform"],
                "conversation": r["channel"],
                "conversation_name": "#" + r["channel"],
                "id": r["id"],
                "sender": r["sender"],
                "sent_at": r["ts"],
                "text": r["text"],
            }
            if r.get("recipients"):
                out["recipients"] = r["recipients"]
            fout.write(json.dumps(out, separators=(",", ":")) + "\n")
            n += 1
    busiest = max(counts, key=counts.get)
    # Rare words that are there: 10-30 occurrences in the whole corpus.
    rare = sorted(w for w, c in words.items() if 10 <= c <= 30 and len(w) > 4)[:2] or ["biongplior", "tuskes"]
    return n, busiest, rare


def build_vault(binary, vault, messages):
    marker = os.path.join(vault, ".load-messages")
    if os.path.exists(marker):
        with open(marker) as f:
            info = json.load(f)
        if info.get("messages") == messages:
            log(f"reusing {vault} ({messages} messages)")
            return info
        shutil.rmtree(vault)
    os.makedirs(os.path.dirname(os.path.abspath(vault)), exist_ok=True)
    work = tempfile.mkdtemp(prefix="chatvault-load-")
    try:
        raw = os.path.join(work, "corpus.jsonl")
        jsonl = os.path.join(work, "chatvault.jsonl")
        t = time.time()
        subprocess.run([sys.executable, GENERATOR, "--n", str(messages), "--out", raw], check=True, stdout=subprocess.DEVNULL)
        n, busiest, rare = convert(raw, jsonl)
        os.remove(raw)
        log(f"generated {n} messages in {time.time() - t:.1f} s ({os.path.getsize(jsonl) / 1e6:.0f} MB of ChatVault JSONL)")
        subprocess.run([binary, "init", "--vault", vault, "--internal-domain", "example.com"], check=True, stdout=subprocess.DEVNULL)
        t = time.time()
        cpu0 = os.times()
        result = subprocess.run([binary, "import", "--vault", vault, jsonl], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        cpu1 = os.times()
        elapsed = time.time() - t
        cpu = (cpu1.children_user - cpu0.children_user) + (cpu1.children_system - cpu0.children_system)
        if result.returncode != 0:
            sys.exit(f"FAIL: import exited {result.returncode}:\n{result.stdout[-3000:]}")
        log(f"imported in {elapsed:.1f} s wall, {cpu:.1f} s CPU ({n / elapsed:,.0f} msg/s wall): {result.stdout.strip().splitlines()[-1]}")
        info = {"messages": messages, "busiest_sender": busiest, "rare_words": rare, "import_seconds": round(elapsed, 1), "import_cpu_seconds": round(cpu, 1)}
        with open(marker, "w") as f:
            json.dump(info, f)
        return info
    finally:
        shutil.rmtree(work, ignore_errors=True)


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    f = int(k)
    c = min(f + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)


def hammer(port, token, requests, clients, duration):
    """requests: list of (kind, path). Each client cycles through them from its own offset."""
    samples = {kind: [] for kind, _ in requests}
    failures = []
    lock = threading.Lock()
    stop_at = time.monotonic() + duration
    headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}

    def client(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        local = {kind: [] for kind, _ in requests}
        bad = []
        i = index
        while time.monotonic() < stop_at:
            kind, path = requests[i % len(requests)]
            i += 1
            t = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - t
                if response.status != 200:
                    bad.append(f"{path}: HTTP {response.status}")
                else:
                    local[kind].append(elapsed)
            except (OSError, http.client.HTTPException) as error:
                bad.append(f"{path}: {error!r}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.close()
        with lock:
            for kind, xs in local.items():
                samples[kind].extend(xs)
            failures.extend(bad)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    return samples, failures, wall


def report(label, samples, wall):
    everything = [x for xs in samples.values() for x in xs]
    line = lambda name, xs: (
        f"  {name:<10} {len(xs):>7} req  {len(xs) / wall:>9.1f}/s  p50 {pct(xs, 50) * 1e3:8.1f} ms  "
        f"p95 {pct(xs, 95) * 1e3:8.1f} ms  p99 {pct(xs, 99) * 1e3:8.1f} ms"
    )
    print(f"{label}: {len(everything) / wall:.1f} requests/s over {wall:.1f} s")
    print(line("all", everything))
    if len(samples) > 1:
        for kind, xs in samples.items():
            print(line(kind, xs))
    return len(everything) / wall, everything


def main():
    parser = argparse.ArgumentParser(description="ChatVault search load figure")
    parser.add_argument("--bin", default=os.environ.get("CHATVAULT_BIN", os.path.join(ROOT, ".build/debug/chatvault")))
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--baseline-duration", type=float, default=10)
    parser.add_argument("--per-kind", type=float, default=0, help="also run each query kind alone for this many seconds")
    parser.add_argument("--vault", default=None, help="default /tmp/chatvault-load-N (kept and reused)")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        sys.exit(f"FAIL: no chatvault binary at {binary}")
    vault = args.vault or f"/tmp/chatvault-load-{args.messages}"
    info = build_vault(binary, vault, args.messages)

    token = subprocess.run(
        [binary, "token", f"load-{int(time.time())}", "--role", "officer", "--vault", vault],
        check=True, stdout=subprocess.PIPE, text=True,
    ).stdout.strip().splitlines()[-1]
    port = free_port()
    server_log = open(os.path.join(tempfile.gettempdir(), f"chatvault-load-server-{port}.log"), "w")
    server = subprocess.Popen(
        [binary, "serve", "--vault", vault, "--host", "127.0.0.1", "--port", str(port), "--no-capture"],
        stdout=server_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/api/v1/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                sys.exit("FAIL: the server did not start")
            time.sleep(0.2)

        sender = info["busiest_sender"]
        rare = info.get("rare_words") or ["biongplior", "tuskes"]
        q = lambda **params: "/api/v1/search?" + urllib.parse.urlencode(params)
        mix = [
            ("common", q(q="meeting")),
            ("rare", q(q=rare[0])),
            ("phrase", q(q='"let me know"')),
            ("filtered", q(q="report", sender=sender, after="2023-06-01", before="2024-01-01")),
            ("common", q(q="customer")),
            ("rare", q(q=rare[-1])),
            ("phrase", q(q='"pull request"')),
            ("filtered", q(q="budget", sender=sender, after="2024-01-01", before="2024-07-01")),
        ]
        # Each query once, to show what it matches (and fail early on a bad one).
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for kind, path in mix:
            t = time.perf_counter()
            c.request("GET", path, headers={"Authorization": "Bearer " + token})
            response = c.getresponse()
            body = response.read()
            if response.status != 200:
                sys.exit(f"FAIL: {path}: HTTP {response.status}: {body[:300]!r}")
            result = json.loads(body)
            log(f"{kind:<8} {urllib.parse.unquote(path)}: total {result['total']}, first page {len(result['hits'])} hits, cold {1e3 * (time.perf_counter() - t):.0f} ms")
        c.close()

        log(f"{args.clients} clients, {args.duration:.0f} s of searches, then {args.baseline_duration:.0f} s of /api/v1/health")
        samples, failures, wall = hammer(port, token, mix, args.clients, args.duration)
        search_rate, search_all = report(f"search ({info['messages']:,} messages, {args.clients} clients)", samples, wall)
        h_samples, h_failures, h_wall = hammer(port, token, [("health", "/api/v1/health")], args.clients, args.baseline_duration)
        health_rate, health_all = report("health (baseline)", h_samples, h_wall)
        print(
            f"ratio: search/health throughput {search_rate / health_rate:.3f}; "
            f"search p50 / health p50 latency {pct(search_all, 50) / pct(health_all, 50):.1f}x"
        )
        failures += h_failures
        if args.per_kind > 0:
            # Each kind alone: in the mix, every request waits behind the others, so the
            # per-kind figures above are alike; these show what each kind costs by itself.
            for kind in dict.fromkeys(k for k, _ in mix):
                k_samples, k_failures, k_wall = hammer(port, token, [r for r in mix if r[0] == kind], args.clients, args.per_kind)
                report(f"{kind} alone", k_samples, k_wall)
                failures += k_failures
        if failures:
            print(f"FAIL: {len(failures)} failed requests, e.g. {failures[:5]}", file=sys.stderr)
            return 1
        return 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
