#!/usr/bin/env bash
# Starts SonicWeb on the embedded defaults (SQLite and local folders under ./data, no other services)
# on a fresh Debian/Ubuntu machine with the .NET 10 SDK. Installs ffmpeg and the model files first.
# Extra arguments go to the app, e.g. `scripts/run.sh --urls http://0.0.0.0:8080`, or a CLI verb:
# `scripts/run.sh generate --image face.jpg --audio voice.mp3 --output talk.mp4`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { echo "[run] $*" >&2; }
command -v dotnet >/dev/null || { say "the .NET 10 SDK is required (https://dot.net); dotnet not found"; exit 1; }
bash scripts/install-prereqs.sh run
bash scripts/fetch-models.sh
say "building"
dotnet build SonicWeb/SonicWeb.csproj -c Release -v quiet -nologo
if [ $# -eq 0 ]; then
  say "starting on http://localhost:5000 (Ctrl+C to stop)"
  set -- --urls http://localhost:5000
fi
exec dotnet run --project SonicWeb/SonicWeb.csproj -c Release --no-build -- "$@"
