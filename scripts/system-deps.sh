#!/usr/bin/env bash
# Installs what the test suite needs from Debian's packages, idempotently:
#   - chromium (headless browser for the HTML report test), from the machine's own apt sources;
#   - the real backends (VictoriaMetrics, vmalert, vmagent, Prometheus, promtool, Alertmanager,
#     amtool), from Debian trixie packages into .cache/backends (see scripts/backends.sh).
# Needs root for apt-get install (CI and the dev machines run as root); set
# AI_MARGIN_SKIP_APT=1 to skip the apt step when chromium is already installed another way.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ "${AI_MARGIN_SKIP_APT:-}" != 1 ] && ! command -v chromium >/dev/null 2>&1; then
  echo "system-deps: installing chromium" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends chromium >&2
fi
command -v chromium >/dev/null 2>&1 || { echo "system-deps: chromium is missing" >&2; exit 1; }

bash "$ROOT/scripts/backends.sh" >/dev/null
echo "system-deps: ok (chromium $(chromium --version 2>/dev/null | awk '{print $2}'), backends in .cache/backends)" >&2
