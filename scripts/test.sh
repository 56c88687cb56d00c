#!/usr/bin/env bash
# Runs every test on a fresh Debian/Ubuntu machine with the .NET 10 SDK: installs what the tests need
# (apt packages, model files, test media), builds, and runs the whole suite against real ffmpeg,
# real ONNX models and generated speech. Extra arguments go to `dotnet test` (e.g. --filter Name).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { echo "[test] $*" >&2; }
command -v dotnet >/dev/null || { say "the .NET 10 SDK is required (https://dot.net); dotnet not found"; exit 1; }
say "1/5 prerequisites (apt)"
bash scripts/install-prereqs.sh test
say "2/5 model files"
bash scripts/fetch-models.sh
say "3/5 test media"
bash scripts/fetch-test-media.sh
say "4/5 known vulnerabilities in the NuGet packages (needs nuget.org)"
bash scripts/check-vulnerable.sh
say "5/5 build and test"
results="$root/TestResults"
rm -f "$results"/*.trx
status=0
dotnet test SonicWeb.Tests/SonicWeb.Tests.csproj -c Release --logger "console;verbosity=normal" \
  --logger "trx;LogFileName=tests.trx" --results-directory "$results" "$@" || status=$?
# The suite's console output is long (every test's app log): end with the failures, where a log's tail shows them.
[ "$status" -eq 0 ] || python3 scripts/test-failures.py "$results"/*.trx || true
exit "$status"
