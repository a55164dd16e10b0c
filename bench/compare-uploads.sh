#!/usr/bin/env bash
# Times the 100 MB HTTP upload (curl, as a user's script would) on several builds of TsvLive, fresh
# servers alternating in one run, so the ratios between them mean something on a noisy machine.
#
#   bench/compare-uploads.sh [--rounds N] [--uploads N] [--file F] [--settle S] CONFIG...
#
# A CONFIG is label=rev[:env=value,...][:memory][:published]: the Release build of git revision rev
# (HEAD for the working tree's own build), started with the given environment, with a data directory
# unless ":memory" (TsvLive:DataDirectory empty); ":published": as the Dockerfile publishes it
# (dotnet publish -r linux-x64, ReadyToRun since issue 20) instead of dotnet build. Each round starts every config's server once and uploads
# the file --uploads times; the first upload after start is reported apart from the others. --settle:
# seconds to wait between the server answering and the first upload (default 0: at once).
# Example (issue 20, step 1):
#   bench/compare-uploads.sh first=fbd5daa today=HEAD today-memory=HEAD:memory \
#     today-untiered=HEAD:DOTNET_TieredCompilation=0
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=6 uploads=4 file="" settle=0
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --uploads) uploads=$2; shift 2 ;;
    --file) file=$2; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "Give at least one CONFIG (label=rev[:env=value,...][:memory])." >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"; git worktree prune' EXIT
if [ -z "$file" ]; then
  file=$work/upload.tsv
  python3 - "$file" <<'PY'
import random, sys
random.seed(1)
with open(sys.argv[1], "w") as f:
    f.write("id\tname\tcity\tamount\tdate\tnote\n")
    size, i = 0, 0
    while size < 100_000_000:
        line = f"{i}\tName {random.randint(0, 2_000_000)}\tcity {random.randint(0, 976)}\t{random.randint(0, 100_000) / 100}\t2023-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}\tsome note text {i % 50}\n"
        f.write(line)
        size += len(line)
        i += 1
PY
fi

# Each revision built once (or published once), in a worktree of its own (HEAD: this tree).
declare -A dll
for config in "$@"; do
  rest=${config#*=}; rev=${rest%%:*}
  kind=build; [[ ":$rest:" == *:published:* ]] && kind=published
  key=$rev-$kind
  [ -n "${dll[$key]:-}" ] && continue
  tree=$PWD
  if [ "$rev" != HEAD ]; then
    tree=$work/$rev
    [ -d "$tree" ] || git worktree add -f -q "$tree" "$rev"
  fi
  if [ $kind = published ]; then
    (cd "$tree" && dotnet publish -c Release -r linux-x64 --self-contained false src/TsvLive -o "$work/published-$rev" -v q -nologo >/dev/null)
    dll[$key]=$work/published-$rev/TsvLive.dll
  else
    (cd "$tree" && dotnet build -c Release src/TsvLive -v q -nologo >/dev/null)
    dll[$key]=$tree/src/TsvLive/bin/Release/net10.0/TsvLive.dll
  fi
done

results=$work/results
for round in $(seq 1 "$rounds"); do
  for config in "$@"; do
    label=${config%%=*} rest=${config#*=}
    IFS=: read -r -a parts <<<"$rest"
    rev=${parts[0]} data=$work/data env=() kind=build
    for part in "${parts[@]:1}"; do
      if [ "$part" = memory ]; then data=""
      elif [ "$part" = published ]; then kind=published
      else IFS=, read -r -a pairs <<<"$part"; env+=("${pairs[@]}"); fi
    done
    [ -n "$data" ] && rm -rf "$data" && mkdir -p "$data"
    port=$((20000 + RANDOM % 12000))
    env "${env[@]}" ASPNETCORE_ENVIRONMENT=Production TsvLive__DataDirectory="$data" Serilog__MinimumLevel__Default=Warning \
      TsvLive__UploadsPerMinute=1000 TsvLive__NewTablesPerHour=1000 \
      dotnet "${dll[$rev-$kind]}" --urls "http://127.0.0.1:$port" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 400); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.05; done
    sleep "$settle"
    line=$label
    for _ in $(seq 1 "$uploads"); do
      line+=" $(curl -s -o /dev/null -w '%{time_total}' --data-binary @"$file" "http://127.0.0.1:$port/api/tables?name=upload.tsv")"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "$line" | tee -a "$results"
  done
done

python3 - "$results" <<'PY'
import collections, statistics, sys
runs = collections.OrderedDict()
for line in open(sys.argv[1]):
    label, *times = line.split()
    first, later = runs.setdefault(label, ([], []))
    first.append(float(times[0])); later.extend(float(t) for t in times[1:])
print("| build | first upload after start, median (range) | later uploads, median (range) |")
print("| --- | --- | --- |")
for label, (first, later) in runs.items():
    describe = lambda xs: f"{statistics.median(xs):.2f} s ({min(xs):.2f}–{max(xs):.2f})" if xs else "-"
    print(f"| {label} | {describe(first)} | {describe(later)} |")
PY
