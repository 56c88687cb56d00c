#!/usr/bin/env bash
# Fails when any NuGet package of the solution, direct or transitive, has a known vulnerability
# (`dotnet list package --vulnerable`, which asks nuget.org's vulnerability database).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet restore SonicWeb.sln >/dev/null
report="$(dotnet list SonicWeb.sln package --vulnerable --include-transitive 2>&1)"
echo "$report" | grep -vE '^\s*$' >&2
# The command exits 0 either way; a vulnerable package shows as a line with a severity.
if echo "$report" | grep -qiE '^\s*>.*\b(Low|Moderate|High|Critical)\b'; then
    echo "[test] vulnerable NuGet packages found (above): update them in Directory.Packages.props" >&2
    exit 1
fi
if echo "$report" | grep -qiE 'error|unable to load the service index'; then
    echo "[test] the vulnerability check could not reach nuget.org (above)" >&2
    exit 1
fi
