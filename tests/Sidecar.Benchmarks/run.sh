#!/usr/bin/env bash
# Runs the micro suite (BenchmarkDotNet) and the HTTP harness, then regenerates RESULTS.md next to this script.
# Usage: tests/Sidecar.Benchmarks/run.sh [--quick]   (--quick: short phases, for trying the script out)
#        tests/Sidecar.Benchmarks/run.sh --storage  (only the storage section: cold start P8, writes P9)
#        tests/Sidecar.Benchmarks/run.sh --kubernetes  (only the Kubernetes source section: issue 10 scale)
#        tests/Sidecar.Benchmarks/run.sh --serf  (only the Serf section: gossip clusters beside HashiCorp Serf, issue 12;
#        needs `apt-get install serf` and SIDECAR_AGENT=/path/to/native/sidecar, default /tmp/serf12-native/sidecar)
#        SIDECAR_AGENT=/path/to/native/sidecar tests/Sidecar.Benchmarks/run.sh --storage  (cold start of that executable,
#        e.g. the Native AOT build; default: the JIT build's sidecar.dll next to the benchmarks)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/out"
rm -rf "$out" && mkdir -p "$out"

# The storage section (P8, P9) sits between two marker lines in RESULTS.md and can be regenerated alone.
storage_section() {
  local exe=(dotnet "$here/bin/Release/net10.0/Sidecar.Benchmarks.dll")
  echo "<!-- storage:begin -->"
  echo "## Storage: cold start (P8) and write throughput (P9)"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), load average before: $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$root" rev-parse --short HEAD)"
  echo
  echo "### Cold start: process start to first correct answer, 5 runs each (coldstart command)"
  echo
  # The variants measure runtime GC settings against the agent's own (workstation, non-concurrent), same run.
  "${exe[@]}" coldstart 5 ${SIDECAR_AGENT:+"$SIDECAR_AGENT"} \
    --variant concurrent-gc:DOTNET_gcConcurrent=1 --variant gen0-4MiB:DOTNET_GCgen0size=0x400000 \
    --variant conserve-memory:DOTNET_GCConserveMemory=7
  echo
  echo "### Writes (writes command)"
  echo
  "${exe[@]}" writes
  echo
  echo "<!-- storage:end -->"
}

# The Kubernetes source section (issue 10) sits between its own marker lines and can be regenerated alone.
kubernetes_section() {
  local exe=(dotnet "$here/bin/Release/net10.0/Sidecar.Benchmarks.dll")
  echo "<!-- kubernetes:begin -->"
  echo "## Kubernetes source: initial sync and owner memory at 5,000 Services / 50,000 endpoints (kubescale command)"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), load average before: $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$root" rev-parse --short HEAD)"
  echo
  "${exe[@]}" kubescale
  echo
  echo "<!-- kubernetes:end -->"
}

# Replaces the section between <!-- $1:begin --> and <!-- $1:end --> in RESULTS.md with file $2 (appends it if absent).
replace_section() {
  if grep -q "<!-- $1:begin -->" "$here/RESULTS.md"; then
    awk -v f="$2" -v b="<!-- $1:begin -->" -v e="<!-- $1:end -->" '$0==b{while((getline l < f) > 0) print l; skip=1; next} $0==e{skip=0; next} !skip' "$here/RESULTS.md" > "$out/RESULTS.md"
  else
    cat "$here/RESULTS.md" "$2" > "$out/RESULTS.md"
  fi
  mv "$out/RESULTS.md" "$here/RESULTS.md"
}

# The Serf comparison (issue 12, P13) sits between its own marker lines and can be regenerated alone.
serf_section() {
  local exe=(dotnet "$here/bin/Release/net10.0/Sidecar.Benchmarks.dll")
  echo "<!-- serf:begin -->"
  echo "## Gossip beside HashiCorp Serf: launch to full membership, change to all, dead everywhere, RSS, idle CPU (serf-compare command)"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), load average before: $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$root" rev-parse --short HEAD), $(serf version | head -1), sidecar: ${SIDECAR_AGENT:-/tmp/serf12-native/sidecar}"
  echo
  "${exe[@]}" serf-compare --agents 10,20 --runs 3 --idle-agents 20 --idle-seconds 120
  echo
  echo "<!-- serf:end -->"
}

if [[ "${1:-}" == "--serf" ]]; then
  dotnet build -c Release "$here/Sidecar.Benchmarks.csproj" -nologo -v quiet
  serf_section > "$out/serf.md"
  replace_section serf "$out/serf.md"
  echo "wrote the Serf section of $here/RESULTS.md"
  exit 0
fi

if [[ "${1:-}" == "--kubernetes" ]]; then
  dotnet build -c Release "$here/Sidecar.Benchmarks.csproj" -nologo -v quiet
  kubernetes_section > "$out/kubernetes.md"
  replace_section kubernetes "$out/kubernetes.md"
  echo "wrote the Kubernetes section of $here/RESULTS.md"
  exit 0
fi

if [[ "${1:-}" == "--storage" ]]; then
  dotnet build -c Release "$here/Sidecar.Benchmarks.csproj" -nologo -v quiet
  storage_section > "$out/storage.md"
  if grep -q '<!-- storage:begin -->' "$here/RESULTS.md"; then
    awk -v f="$out/storage.md" '/<!-- storage:begin -->/{while((getline l < f) > 0) print l; skip=1; next} /<!-- storage:end -->/{skip=0; next} !skip' "$here/RESULTS.md" > "$out/RESULTS.md"
  else
    cat "$here/RESULTS.md" "$out/storage.md" > "$out/RESULTS.md"
  fi
  mv "$out/RESULTS.md" "$here/RESULTS.md"
  echo "wrote the storage section of $here/RESULTS.md"
  exit 0
fi

http_args=(--duration 10 --rounds 3 --open-rounds 2 --warmup 6 --connections 16 --rate 5000)
if [[ "${1:-}" == "--quick" ]]; then
  http_args=(--duration 3 --rounds 1 --open-rounds 1 --warmup 2 --connections 16 --rate 5000)
fi

dotnet build -c Release "$here/Sidecar.Benchmarks.csproj" -nologo -v quiet
exe=(dotnet "$here/bin/Release/net10.0/Sidecar.Benchmarks.dll")

started="$(date -u '+%Y-%m-%d %H:%M UTC')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# HTTP first (it is the more sensitive to other work on the machine), then the same again with thread-pool
# spinning turned off in the server process, to show what that runtime setting trades.
"${exe[@]}" http "${http_args[@]}" --out "$out/http.md" 2> "$out/http.log"
DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 \
  "${exe[@]}" http "${http_args[@]}" --out "$out/http-nospin.md" 2> "$out/http-nospin.log"
"${exe[@]}" micro --artifacts "$out/bdn" > "$out/micro.log" 2>&1

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"

{
  echo "# Benchmark results"
  echo
  echo "Generated by \`tests/Sidecar.Benchmarks/run.sh\`; do not edit by hand. Goals: \`shared/design/PERFORMANCE.md\` P1-P3, P10."
  echo
  echo "- date: $started"
  echo "- machine: $(nproc) cores, $cpu, $(uname -sr)"
  echo "- dotnet: $(dotnet --version) (SDK), runtime $(dotnet --list-runtimes | grep -m1 'Microsoft.NETCore.App' | cut -d' ' -f2)"
  echo "- commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src tests/Sidecar.Benchmarks ':!tests/Sidecar.Benchmarks/RESULTS.md' || echo ' (with local changes)')"
  echo "- load average (1/5/15 min) before: $load_before, after: $load_after. The machine is shared; the"
  echo "  'other processes' columns show how many cores other work took during each phase."
  echo
  echo "How to read the HTTP figures: the server process (agent and bare endpoint) and the load generator share the"
  echo "machine's cores, so closed-loop req/s is bounded by their CPU per request together; 'server CPU µs/req' is"
  echo "the figure that least depends on the machine. In the open loop, 'sender lag' is how late the load generator's"
  echo "own sending thread was; when it is large, the tail latencies include time the client itself waited for a core."
  echo
  echo "## HTTP lookup: agent vs bare Kestrel endpoint, same process, same run"
  echo
  cat "$out/http.md"
  echo
  echo "## The same, with thread-pool spinning off in the server process (\`DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0\`)"
  echo
  echo "Not the agent's current setting; shown because it lowers the server's CPU per request at moderate rates"
  echo "(compare the 'server CPU µs/req' columns of the open-loop tables), at some cost in p50."
  echo
  cat "$out/http-nospin.md"
  echo
  echo "## In-process (BenchmarkDotNet, MemoryDiagnoser)"
  echo
  for f in "$out"/bdn/results/*-report-github.md; do
    name="$(basename "$f" -report-github.md)"
    echo "### ${name##*.}"
    echo
    cat "$f"
    echo
  done
  storage_section
  echo
  kubernetes_section
} > "$here/RESULTS.md"
echo "wrote $here/RESULTS.md"
