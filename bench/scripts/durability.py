#!/usr/bin/env python3
# Usage: dotnet build -c Release src/TsvLive && python3 bench/scripts/durability.py src/TsvLive/bin/Release/net10.0/TsvLive.dll
# Issue 11 figures: upload speed with the data directory vs memory only, a cold first page after a restart, readiness with many tables.
import os, subprocess, sys, time, json, urllib.request, shutil, tempfile, random
app = sys.argv[1]  # path to the Release TsvLive.dll
def start(data, port):
    env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Production", Serilog__MinimumLevel__Default="Warning", TsvLive__DataDirectory=data, TsvLive__UploadsPerMinute="100000", TsvLive__NewTablesPerHour="100000")
    p = subprocess.Popen(["dotnet", app, "--urls", f"http://127.0.0.1:{port}"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=os.path.dirname(app))
    t0 = time.perf_counter()
    while True:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz").status == 200: return p, time.perf_counter() - t0
        except Exception: time.sleep(0.02)
def post(port, data):
    t0 = time.perf_counter()
    r = json.load(urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/api/tables?name=b.tsv", data=data, method="POST")))
    return r["id"], time.perf_counter() - t0
rnd = random.Random(1)
rows = ["id\tname\tcity\tamount\tdate\tnote"] + [f"{i}\tname {i}\tcity {i % 97}\t{rnd.random()*1000:.2f}\t2024-{1+i%12:02d}-{1+i%28:02d}\tsome free text for row {i}" for i in range(1_450_000)]
big = ("\n".join(rows) + "\n").encode()
print(f"file: {len(big)/1e6:.0f} MB")
for mode in ["", "DATA"]:
    data = tempfile.mkdtemp() if mode else ""
    p, _ = start(data, 5501)
    times = sorted(post(5501, big)[1] for _ in range(3))
    print(f"upload over HTTP, {'data directory' if mode else 'memory only'}: median {times[1]:.2f} s ({times})")
    if mode:
        tid, _ = post(5501, big)
        p.terminate(); p.wait()
        p, ready = start(data, 5501)
        t0 = time.perf_counter(); urllib.request.urlopen(f"http://127.0.0.1:5501/api/tables/{tid}/rows?page=1").read(); cold = time.perf_counter() - t0
        t0 = time.perf_counter(); urllib.request.urlopen(f"http://127.0.0.1:5501/api/tables/{tid}/rows?page=2").read(); warm = time.perf_counter() - t0
        print(f"after a restart: ready in {ready*1000:.0f} ms; first page of the 100 MB table {cold*1000:.0f} ms (cold), next page {warm*1000:.1f} ms")
        small = b"a\tb\n1\t2\n"
        for _ in range(1000): post(5501, small)
        p.terminate(); p.wait()
        p, ready = start(data, 5501)
        print(f"start with {len(os.listdir(os.path.join(data, 'tables')))} tables on disk: /readyz 200 after {ready*1000:.0f} ms (process start included)")
        shutil.rmtree(data)
    p.terminate(); p.wait()
