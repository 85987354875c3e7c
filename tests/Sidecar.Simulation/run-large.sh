#!/usr/bin/env bash
# Runs the simulator at 1,000 and 10,000 agents and regenerates RESULTS.md next to this script.
# Not part of CI (tests/Sidecar.Simulation.Tests runs a small cluster there). Takes minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")"
dotnet run -c Release -- --nodes "${NODES:-1000}" --seeds "${SEEDS:-6}" --large --large-seeds "${LARGE_SEEDS:-2}" --out RESULTS.md
