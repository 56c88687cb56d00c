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
rm -rf "$results"
status=0
dotnet test SonicWeb.Tests/SonicWeb.Tests.csproj -c Release --logger "console;verbosity=normal" \
  --logger "trx;LogFileName=suite.trx" --results-directory "$results" "$@" || status=$?
if [ "$status" -ne 0 ] && [ "${SONICWEB_TEST_RERUN:-1}" = 1 ] && [ $# -eq 0 ] \
  && filter="$(python3 scripts/test-failures.py filter "$results/suite.trx")" && [ -n "$filter" ]; then
  # A test that fails once among ~600 (most start servers, browsers and ffmpeg on a shared machine) is run again,
  # alone, once. Both outcomes are printed: a test that passes only on its rerun is named as flaky in the log's
  # tail, to be fixed, but does not stop the build; one that fails twice does.
  python3 scripts/test-failures.py report "$results/suite.trx"
  say "rerunning the failed tests once: $filter"
  status=0
  dotnet test SonicWeb.Tests/SonicWeb.Tests.csproj -c Release --no-build --logger "console;verbosity=normal" \
    --logger "trx;LogFileName=rerun.trx" --results-directory "$results" --filter "$filter" || status=$?
  if [ "$status" -eq 0 ]; then
    say "FLAKY: these tests failed in the full run and passed when run again: $filter"
  else
    python3 scripts/test-failures.py report "$results/rerun.trx"
  fi
  exit "$status"
fi
# The suite's console output is long (every test's app log): end with the failures, where a log's tail shows them.
[ "$status" -eq 0 ] || python3 scripts/test-failures.py report "$results"/*.trx || true
exit "$status"
