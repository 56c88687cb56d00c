#!/usr/bin/env bash
# Installs the Debian packages SonicWeb needs. Usage: install-prereqs.sh [run|test]
#   run:  ffmpeg (media), nodejs/npm (model packages)
#   test: the above plus espeak-ng and sox (test speech), exiftool (EXIF test photos),
#         chromium (browser tests), python3-aiosmtpd (SMTP server for email tests), openssl
#         (throwaway certificates for the email TLS tests), sqlite3 (a second process locking the
#         database in the fault tests), postgresql (a throwaway PostgreSQL 15 cluster for the web tests on
#         Database:Provider=Postgres and the multi-node tests), rabbitmq-server and redis-server
#         (throwaway brokers for the multi-node transport tests), nginx (the load balancer in the cluster
#         test); none of them is started as a service
# Packages already present are not reinstalled; apt-get update runs only when something is missing.
set -euo pipefail
mode="${1:-run}"
say() { echo "[prereqs] $*" >&2; }
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have ffmpeg || need+=(ffmpeg)
have ffprobe || need+=(ffmpeg)
have npm || need+=(nodejs npm)
have python3 || need+=(python3)
if [ "$mode" = test ]; then
  have espeak-ng || need+=(espeak-ng)
  have sox || need+=(sox)
  have exiftool || need+=(libimage-exiftool-perl)
  have chromium || need+=(chromium)
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need+=(python3-aiosmtpd)
  have openssl || need+=(openssl)
  have sqlite3 || need+=(sqlite3)
  have dpkg-deb || need+=(dpkg)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
  [ -x /usr/sbin/rabbitmq-server ] || need+=(rabbitmq-server)
  have redis-server || need+=(redis-server)
  [ -x /usr/sbin/nginx ] || need+=(nginx)
fi
if [ ${#need[@]} -eq 0 ]; then say "all prerequisites present"; exit 0; fi
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
say "installing: ${need[*]}"
$sudo apt-get update -qq || { say "apt-get update failed"; exit 1; }
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
  || { say "apt-get install failed for: ${need[*]}"; exit 1; }
say "installed: ${need[*]}"
