#!/usr/bin/env bash
# Fetches the real backends the tests run against — VictoriaMetrics (+ vmalert, vmalert-tool, vmagent),
# Prometheus 2.53 + promtool, Alertmanager 0.28 (+ amtool) — from Debian 13 "trixie" packages,
# without touching the system's apt state, and prints where each binary is.
#
#   bash scripts/backends.sh            # fetch (first run) or reuse the cache; print NAME=path lines
#   eval "$(bash scripts/backends.sh)"  # export AI_MARGIN_* for the current shell
#
# Idempotent: everything lives in .cache/backends (gitignored); a second run does no network I/O.
# Users who installed the servers another way set the env vars below to skip the download of
# that binary: AI_MARGIN_VICTORIA_METRICS, AI_MARGIN_VMALERT, AI_MARGIN_VMALERT_TOOL, AI_MARGIN_VMAGENT,
# AI_MARGIN_PROMETHEUS, AI_MARGIN_PROMTOOL, AI_MARGIN_ALERTMANAGER, AI_MARGIN_AMTOOL.
# AI_MARGIN_BACKENDS_CACHE moves the cache; AI_MARGIN_DEBIAN_MIRROR overrides the mirror read from
# the machine's apt sources.
#
# Fails loudly (non-zero exit, message on stderr) when a binary cannot be had.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${AI_MARGIN_BACKENDS_CACHE:-$ROOT/.cache/backends}"
SUITE=trixie
PACKAGES=(victoria-metrics prometheus promtool prometheus-alertmanager)

# name | env var | binary file name under usr/bin
BINARIES=(
  "victoria-metrics|AI_MARGIN_VICTORIA_METRICS|victoria-metrics"
  "vmalert|AI_MARGIN_VMALERT|vmalert"
  "vmalert-tool|AI_MARGIN_VMALERT_TOOL|vmalert-tool"
  "vmagent|AI_MARGIN_VMAGENT|vmagent"
  "prometheus|AI_MARGIN_PROMETHEUS|prometheus"
  "promtool|AI_MARGIN_PROMTOOL|promtool"
  "alertmanager|AI_MARGIN_ALERTMANAGER|prometheus-alertmanager"
  "amtool|AI_MARGIN_AMTOOL|amtool"
)
# vmalert-tool is optional: not every victoria-metrics package ships it.
OPTIONAL=" vmalert-tool "

die() {
  echo "scripts/backends.sh: $*" >&2
  exit 1
}

# The Debian mirror this machine already uses: first URIs/deb line that is not a security archive.
debian_mirror() {
  if [ -n "${AI_MARGIN_DEBIAN_MIRROR:-}" ]; then
    echo "$AI_MARGIN_DEBIAN_MIRROR"
    return
  fi
  local files=() f uri
  for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && files+=("$f"); done
  if [ "${#files[@]}" -gt 0 ]; then
    uri="$(grep -h '^URIs:' "${files[@]}" | awk '{for (i = 2; i <= NF; i++) print $i}' |
      grep -v -- '-security' | head -n1 || true)"
    [ -n "$uri" ] && { echo "$uri"; return; }
  fi
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri="$(grep -hE '^deb ' "$f" | sed -E 's/\[[^]]*\]//' | awk '{print $2}' |
      grep -v -- '-security' | grep -i debian | head -n1 || true)"
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  die "cannot find a Debian mirror in /etc/apt/sources.list(.d); set AI_MARGIN_DEBIAN_MIRROR"
}

bin_path() { echo "$CACHE/root/usr/bin/$1"; }

need_download() {
  local entry name var file
  for entry in "${BINARIES[@]}"; do
    IFS='|' read -r name var file <<<"$entry"
    [ -n "${!var:-}" ] && continue
    [[ "$OPTIONAL" == *" $name "* ]] && continue
    [ -x "$(bin_path "$file")" ] || return 0
  done
  return 1
}

fetch() {
  command -v apt-get >/dev/null || die "apt-get not found; install the servers yourself and set AI_MARGIN_* env vars"
  command -v dpkg >/dev/null || die "dpkg not found; set AI_MARGIN_* env vars"
  local mirror apt_opts
  mirror="$(debian_mirror)"
  mkdir -p "$CACHE/lists/partial" "$CACHE/archives/partial" "$CACHE/debs"
  echo "deb $mirror $SUITE main" >"$CACHE/sources.list"
  apt_opts=(
    -o "Dir::Etc::SourceList=$CACHE/sources.list"
    -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$CACHE/lists"
    -o "Dir::Cache=$CACHE/apt-cache"
    -o Debug::NoLocking=1
    -o APT::Sandbox::User=root
  )
  echo "scripts/backends.sh: fetching ${PACKAGES[*]} from $mirror $SUITE into $CACHE" >&2
  apt-get -q "${apt_opts[@]}" update >&2 || die "apt-get update of $SUITE from $mirror failed"
  (cd "$CACHE/debs" && apt-get -q "${apt_opts[@]}" download "${PACKAGES[@]}" >&2) ||
    die "apt-get download ${PACKAGES[*]} failed"
  rm -rf "$CACHE/root.tmp"
  local deb
  for deb in "$CACHE"/debs/*.deb; do
    dpkg -x "$deb" "$CACHE/root.tmp" || die "dpkg -x $deb failed"
  done
  rm -rf "$CACHE/root"
  mv "$CACHE/root.tmp" "$CACHE/root"
}

if need_download; then
  mkdir -p "$CACHE"
  # Serialise concurrent first runs (parallel test files); re-check once the lock is ours.
  exec 9>"$CACHE/.lock"
  command -v flock >/dev/null && flock 9
  if need_download; then
    fetch
  fi
  exec 9>&-
fi

missing=()
for entry in "${BINARIES[@]}"; do
  IFS='|' read -r name var file <<<"$entry"
  path="${!var:-$(bin_path "$file")}"
  if [ ! -x "$path" ]; then
    if [[ "$OPTIONAL" == *" $name "* ]]; then
      continue
    fi
    missing+=("$name ($path)")
    continue
  fi
  echo "export $var=$path"
done
if [ "${#missing[@]}" -gt 0 ]; then
  die "missing binaries: ${missing[*]}"
fi
