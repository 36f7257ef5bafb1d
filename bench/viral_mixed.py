#!/usr/bin/env python3
"""The mixed "viral" run of issue 19, driven by bench/viral.sh against a running server.

READERS connections read the letter's page, its JSON and its first signatory page (a third each,
one wrk process per route) for DURATION seconds, each waiting READ_DELAY_MS after an answer
before its next request (bench/read_paced.lua: readers, not a closed loop, whose latency would be
only connections / throughput), while sign requests for new organisations arrive
at SIGN_RATE a second (paced by a schedule: a request's latency counts from when it was due, so a
slow server cannot hide its delay by sending fewer). Every few seconds a probe organisation signs,
its confirmation link is read from the SMTP sink's log, it confirms, and the probe measures how long
its name takes to show in the page and the letter JSON's count. The server's private memory
(RssAnon) is sampled throughout.

Prints a Markdown table. Standard library only.
"""

import http.client
import json
import os
import re
import statistics
import subprocess
import threading
import time

BASE = os.environ["BASE"]
HOST, PORT = BASE.removeprefix("http://").split(":")
LETTER = os.environ.get("LETTER", "k1")
MAILS = os.environ["MAILS"]
PID = int(os.environ["SERVER_PID"])
DURATION = int(os.environ.get("DURATION", "20"))
READERS = int(os.environ.get("READERS", "1000"))
SIGN_RATE = int(os.environ.get("SIGN_RATE", "200"))
READ_DELAY_MS = int(os.environ.get("READ_DELAY_MS", "100"))
WORK = os.environ.get("WORK", "/tmp")
RUN = str(int(time.time()))

ROUTES = [
    ("page", f"/letters/{LETTER}"),
    ("letter JSON", f"/api/v1/letters/{LETTER}"),
    ("first signatory page", f"/api/v1/letters/{LETTER}/signatories"),
]


def connection():
    return http.client.HTTPConnection(HOST, int(PORT), timeout=10)


def request(conn, method, path, body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse()
    return r.status, r.read()


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# ---- memory ----
peak = [0]
stop = threading.Event()


cache_peak = [0, 0]


def sample_memory():
    conn = connection()
    while not stop.is_set():
        try:
            status, body = request(conn, "GET", "/health")
            if status == 200:
                cache = json.loads(body)["response_cache"]
                cache_peak[0] = max(cache_peak[0], cache["bytes"])
                cache_peak[1] = cache["max_bytes"]
        except (OSError, http.client.HTTPException, KeyError, ValueError):
            conn = connection()
        try:
            with open(f"/proc/{PID}/status") as f:
                for line in f:
                    if line.startswith("RssAnon:"):
                        peak[0] = max(peak[0], int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.2)


# ---- signing at a fixed rate ----
sign_latencies, sign_errors = [], [0]
sign_lock = threading.Lock()
next_sign = [0]


def signer(t0, total):
    conn = connection()
    while True:
        with sign_lock:
            i = next_sign[0]
            next_sign[0] += 1
        if i >= total:
            return
        due = t0 + i / SIGN_RATE
        time.sleep(max(0.0, due - time.time()))
        body = {
            "organisation_name": f"Viral signer {RUN}-{i}",
            "country": "FR",
            "website": "",
            "representative_name": "A Person",
            "representative_role": "Director",
            "email": f"viral{i}@signer-{RUN}.example",
            "comment": "",
            "consent": True,
        }
        try:
            status, _ = request(conn, "POST", f"/api/v1/letters/{LETTER}/signatures", body)
            ok = status == 202
        except (OSError, http.client.HTTPException):
            ok = False
            conn = connection()
        with sign_lock:
            sign_latencies.append(time.time() - due)
            if not ok:
                sign_errors[0] += 1


# ---- freshness probes ----
freshness = {"page": [], "letter JSON": []}
probe_failures = []
probe_statuses = {}


def token_for(address, deadline):
    pattern = re.compile(r"^\d+ ([0-9a-f]{64}) " + re.escape(address) + "$")
    while time.time() < deadline:
        with open(MAILS) as f:
            for line in f:
                m = pattern.match(line.strip())
                if m:
                    return m.group(1)
        time.sleep(0.05)
    return None


def probe(n, expected_total):
    name = f"Aaaa freshness probe {RUN} {n}"
    address = f"probe{n}@probe-{RUN}.example"
    conn = connection()
    status, answer = request(conn, "POST", f"/api/v1/letters/{LETTER}/signatures", {
        "organisation_name": name, "country": "AD", "website": "", "representative_name": "P",
        "representative_role": "Director", "email": address, "comment": "", "consent": True})
    if status != 202:
        probe_failures.append(f"probe {n}: sign answered {status} {answer[:200]!r}")
        return
    token = token_for(address, time.time() + 30)
    if token is None:
        probe_failures.append(f"probe {n}: no mail within 30 s")
        return
    status, _ = request(conn, "POST", "/api/v1/signatures/confirm", {"token": token})
    confirmed = time.time()
    if status != 200:
        probe_failures.append(f"probe {n}: confirm answered {status}")
        return
    seen = {}
    while len(seen) < 2 and time.time() - confirmed < 10:
        if "page" not in seen:
            status, page = request(conn, "GET", f"/letters/{LETTER}")
            if status != 200:
                probe_statuses[status] = probe_statuses.get(status, 0) + 1
            elif name.encode() in page:
                seen["page"] = time.time() - confirmed
        if "letter JSON" not in seen:
            status, letter = request(conn, "GET", f"/api/v1/letters/{LETTER}")
            if status != 200:
                probe_statuses[status] = probe_statuses.get(status, 0) + 1
            elif json.loads(letter)["signatories"]["total"] >= expected_total:
                seen["letter JSON"] = time.time() - confirmed
        time.sleep(0.01)
    for route in freshness:
        if route in seen:
            freshness[route].append(seen[route])
        else:
            probe_failures.append(f"probe {n}: not in the {route} after 10 s")


def wrk(route, path, out):
    return subprocess.Popen(
        ["wrk", "-t1", f"-c{READERS // len(ROUTES)}", f"-d{DURATION}s", "--timeout", "5s",
         "--latency", "-s", os.path.join(os.path.dirname(__file__), "read_paced.lua"), BASE + path],
        stdout=open(out, "w"), stderr=subprocess.STDOUT)


def parse_wrk(out):
    text = open(out).read()
    def field(pattern, default="?"):
        m = re.search(pattern, text, re.M)
        return m.group(1) if m else default
    errors = sum(int(x) for x in re.findall(r"Non-2xx or 3xx responses: (\d+)", text))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        errors += sum(int(x) for x in m.groups())
    return {
        "rps": field(r"Requests/sec:\s+([\d.]+)"),
        "p50": field(r"^\s+50%\s+(\S+)"),
        "p99": field(r"^\s+99%\s+(\S+)"),
        "errors": errors,
    }


def main():
    _, body = request(connection(), "GET", f"/api/v1/letters/{LETTER}")
    total = json.loads(body)["signatories"]["total"]
    threading.Thread(target=sample_memory, daemon=True).start()
    readers = [wrk(name, path, f"{WORK}/mixed-{i}.txt") for i, (name, path) in enumerate(ROUTES)]
    time.sleep(1)  # the readers connect
    t0 = time.time()
    sign_total = SIGN_RATE * (DURATION - 2)
    signers = [threading.Thread(target=signer, args=(t0, sign_total)) for _ in range(16)]
    for t in signers:
        t.start()
    probes = 0
    while time.time() - t0 < DURATION - 6:
        probes += 1
        probe(probes, total + probes)
        time.sleep(1)
    for t in signers:
        t.join()
    for r in readers:
        r.wait()
    stop.set()

    print(f"Readers wait {READ_DELAY_MS} ms after each answer.")
    print()
    print(f"| route | req/s | p50 | p99 | errors |")
    print("|---|---|---|---|---|")
    for i, (name, _) in enumerate(ROUTES):
        w = parse_wrk(f"{WORK}/mixed-{i}.txt")
        print(f"| {name} ({READERS // len(ROUTES)} connections) | {float(w['rps']):.0f} | {w['p50']} | {w['p99']} | {w['errors']} |")
    ms = lambda s: f"{s * 1000:.1f}ms"
    print(f"| sign requests (paced at {SIGN_RATE}/s, from when due) | {len(sign_latencies) / (DURATION - 2):.0f} | "
          f"{ms(percentile(sign_latencies, 50))} | {ms(percentile(sign_latencies, 99))} | {sign_errors[0]} |")
    print()
    for route, values in freshness.items():
        if values:
            print(f"- A confirmed signature shows in the {route} after {ms(statistics.median(values))} "
                  f"(median of {len(values)} probes; slowest {ms(max(values))}).")
    if probe_statuses:
        print(f"- The probes' reads were answered with other statuses than 200: {probe_statuses}.")
    for failure in probe_failures:
        print(f"- {failure}")
    print(f"- Server peak private memory (RssAnon) during the run: {peak[0] / 1024:.0f} MB; the response "
          f"cache held at most {cache_peak[0] / 2**20:.1f} MiB of its {cache_peak[1] / 2**20:.0f} MiB cap.")


if __name__ == "__main__":
    main()
