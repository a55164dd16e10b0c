#!/usr/bin/env python3
# Start with 1,000 stored tables of 14 MB each (14 GB): time to /readyz 200. Usage: dotnet build -c Release src/TsvLive && python3 bench/scripts/many-tables.py
import os, subprocess, time, json, urllib.request, shutil, tempfile, secrets, base64
app = os.path.abspath("src/TsvLive/bin/Release/net10.0/TsvLive.dll")
data = tempfile.mkdtemp(dir="/tmp")
def start(port=5701):
    env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Production", Serilog__MinimumLevel__Default="Warning", TsvLive__DataDirectory=data)
    p = subprocess.Popen(["dotnet", app, "--urls", f"http://127.0.0.1:{port}"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=os.path.dirname(app))
    t0 = time.perf_counter()
    while True:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz").status == 200: return p, time.perf_counter() - t0
        except Exception: time.sleep(0.01)
rows = ["id\tname\tamount"] + [f"{i}\tname {i}\t{i*3}.50" for i in range(500_000)]
body = ("\n".join(rows) + "\n").encode()
p, _ = start()
tid = json.load(urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:5701/api/tables?name=t.tsv", data=body, method="POST")))["id"]
p.terminate(); p.wait()
src = os.path.join(data, "tables", tid)
meta = json.load(open(os.path.join(src, "table.json")))
ids = []
for i in range(999):
    nid = base64.urlsafe_b64encode(secrets.token_bytes(16)).decode().rstrip("=")
    dst = os.path.join(data, "tables", nid); os.makedirs(dst)
    shutil.copyfile(os.path.join(src, "1.tsv"), os.path.join(dst, "1.tsv"))
    m = dict(meta, id=nid); json.dump(m, open(os.path.join(dst, "table.json"), "w")); ids.append(nid)
total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(data) for f in fs)
print(f"{len(ids)+1} tables, {total/1e9:.1f} GB on disk")
subprocess.run(["sync"])
p, ready = start()
print(f"/readyz 200 after {ready*1000:.0f} ms (process start included)")
t0 = time.perf_counter(); urllib.request.urlopen(f"http://127.0.0.1:5701/api/tables/{ids[500]}/rows?page=1").read(); print(f"first page of a 10 MB table, cold: {(time.perf_counter()-t0)*1000:.0f} ms")
p.terminate(); p.wait(); shutil.rmtree(data)
