#!/usr/bin/env bash
# Starts SonicWeb on the embedded defaults (SQLite and local folders under ./data, no other services)
# on a fresh Debian/Ubuntu machine with the .NET 10 SDK. Installs ffmpeg and the model files first.
# Extra arguments go to the app, e.g. `scripts/run.sh --urls http://0.0.0.0:8080`, or a CLI verb:
# `scripts/run.sh generate --image face.jpg --audio voice.mp3 --output talk.mp4`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { echo "[run] $*" >&2; }
command -v dotnet >/dev/null || { say "the .NET 10 SDK is required (https://dot.net); dotnet not found"; exit 1; }
bash "$root/scripts/install-prereqs.sh" run
bash "$root/scripts/fetch-models.sh"
say "building"
dotnet build "$root/SonicWeb/SonicWeb.csproj" -c Release -v quiet -nologo >&2
app="$root/artifacts/bin/SonicWeb/release/SonicWeb.dll"
export Storage__Root="${Storage__Root:-$root/data}"  # all state: database, uploads, outputs, logs
case "${1:-}" in
  generate|inspect|backup)
    # CLI verbs run in the caller's folder, so relative paths mean what the user expects.
    exec dotnet "$app" "$@" ;;
esac
cd "$root/SonicWeb"  # content root (appsettings.json, wwwroot)
if [ $# -eq 0 ]; then
  say "starting on http://localhost:5000 (Ctrl+C to stop)"
  set -- --urls http://localhost:5000
fi
exec dotnet "$app" "$@"
