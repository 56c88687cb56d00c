#!/usr/bin/env bash
# Fetches third-party test media at test time (never committed) into test-media/:
#   astronaut.png  public-domain portrait (NASA) shipped in Debian's python3-skimage package.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/test-media"
mkdir -p "$dir"
if [ ! -s "$dir/astronaut.png" ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get download python3-skimage >/dev/null 2>&1) || { apt-get update -qq && (cd "$tmp" && apt-get download python3-skimage >/dev/null); }
  dpkg -x "$tmp"/python3-skimage_*.deb "$tmp/x"
  cp "$(find "$tmp/x" -name astronaut.png | head -1)" "$dir/astronaut.png"
  rm -rf "$tmp"
  echo "[test-media] astronaut.png fetched" >&2
fi
# The quality set (real portraits and voices; sources and licences in test-media/quality/SOURCES.tsv).
bash "$root/scripts/fetch-quality-media.sh"
