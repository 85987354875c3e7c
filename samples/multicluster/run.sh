#!/usr/bin/env bash
# The seed's multi-cluster example on one machine:
#   cluster 2: agent "sc2" stands as its Service-Center; the Server app's agent mirrors Server into it.
#   cluster 1: agent "sc1" stands as its Service-Center; the Client app's agent pulls sc2 (--clusters sc2=...).
# The client (an HttpClient with service discovery through Sidecar.Client) finds Server through its own agent and
# calls AddEmploy across "clusters".
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

for p in src/Sidecar.Agent samples/Server samples/Client; do dotnet build -c Release "$p" -v q -nologo >/dev/null; done
SIDECAR="dotnet src/Sidecar.Agent/bin/Release/net10.0/sidecar.dll"

agent() { local name=$1; shift; $SIDECAR agent --data-dir "$work/$name" --node-name "$name" --sync-interval 1s "$@" >"$work/$name.log" 2>&1 & pids+=($!); }
wait_ready() { for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/v1/health/ready" >/dev/null && return; sleep 0.1; done; echo "agent on $1 not ready" >&2; exit 1; }

agent sc2 --listen 127.0.0.1:30102 --cluster-name sc2;                      wait_ready 30102
agent sc1 --listen 127.0.0.1:30101 --cluster-name sc1;                      wait_ready 30101
agent server-agent --listen 127.0.0.1:30112 --cluster-name sc2 --registry-upstream http://127.0.0.1:30102; wait_ready 30112
agent client-agent --listen 127.0.0.1:30111 --cluster-name sc1 --registry-upstream http://127.0.0.1:30101 \
      --clusters "sc2=http://127.0.0.1:30102" --aggregate servicecenter;    wait_ready 30111

SERVICECOMB_REGISTRY_ADDRESS=http://127.0.0.1:30112 SERVER_LISTEN=127.0.0.1:8083 \
  dotnet samples/Server/bin/Release/net10.0/Server.dll >"$work/server.log" 2>&1 & pids+=($!)
sleep 3
echo "--- cluster 1 client (agent 127.0.0.1:30111, --clusters sc2=http://127.0.0.1:30102)"
SIDECAR_HTTP_ADDRESS=http://127.0.0.1:30111 CLIENT_ROUNDS=${CLIENT_ROUNDS:-4} \
  dotnet samples/Client/bin/Release/net10.0/Client.dll
echo "--- sources seen by the client's agent"
curl -s http://127.0.0.1:30111/v1/sources; echo
