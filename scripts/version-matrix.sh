#!/usr/bin/env bash
# Version matrix for the SDK instrumentations: installs each listed SDK version into its own
# temp dir (never touching the root package.json / lock file) and runs that SDK's instrumentation
# tests against it; the installed root version (newest supported) is run as well.
# The tests load the SDK through an env var (see packages/instrumentation/test/helpers/modules.ts).
#
#   scripts/version-matrix.sh            # whole matrix
#   scripts/version-matrix.sh openai     # only rows whose package name contains "openai"
#
# Rows: <env var> <package spec> <test files...>. Add a row per SDK version to cover.
# `*-hooks.dist.test.ts` files run child `node` processes with the built packages, so when a selected
# row lists one, @ai-margin/instrumentation and @ai-margin/provider-sim are built first.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FILTER="${1:-}"
WORK="$(mktemp -d /tmp/ai-margin-matrix.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

T=packages/instrumentation/test
MATRIX=(
  # The oldest and newest release of every supported major, plus the root install (the newest).
  "AI_MARGIN_OPENAI_MODULE openai@4.19.0 $T/openai.test.ts $T/cost.test.ts"
  "AI_MARGIN_OPENAI_MODULE openai@4.104.0 $T/openai.test.ts $T/cost.test.ts"
  "AI_MARGIN_OPENAI_MODULE openai@5.23.2 $T/openai.test.ts $T/cost.test.ts"
  "AI_MARGIN_OPENAI_MODULE openai@6.0.1 $T/openai.test.ts $T/cost.test.ts"
  "AI_MARGIN_OPENAI_MODULE openai@6.49.0 $T/openai.test.ts $T/cost.test.ts"
  "AI_MARGIN_OPENAI_MODULE openai@7.0.0 $T/openai.test.ts $T/cost.test.ts"
  "AI_MARGIN_OPENAI_MODULE root:openai $T/openai.test.ts $T/cost.test.ts"
  "AI_MARGIN_ANTHROPIC_MODULE @anthropic-ai/sdk@0.30.1 $T/anthropic.test.ts $T/cost.test.ts"
  "AI_MARGIN_ANTHROPIC_MODULE @anthropic-ai/sdk@0.137.0 $T/anthropic.test.ts $T/cost.test.ts"
  "AI_MARGIN_ANTHROPIC_MODULE @anthropic-ai/sdk@1.0.0 $T/anthropic.test.ts $T/cost.test.ts"
  "AI_MARGIN_ANTHROPIC_MODULE root:@anthropic-ai/sdk $T/anthropic.test.ts $T/cost.test.ts"
  # 3.422.0 is the supported floor and has no Converse/ConverseStream: those tests are skipped
  # (feature-detected), InvokeModel covers the rest; 3.600.0 is an early version with Converse.
  "AI_MARGIN_BEDROCK_MODULE @aws-sdk/client-bedrock-runtime@3.422.0 $T/bedrock.test.ts $T/bedrock-cost.test.ts $T/bedrock-hooks.dist.test.ts"
  "AI_MARGIN_BEDROCK_MODULE @aws-sdk/client-bedrock-runtime@3.600.0 $T/bedrock.test.ts $T/bedrock-cost.test.ts $T/bedrock-hooks.dist.test.ts"
  "AI_MARGIN_BEDROCK_MODULE root:@aws-sdk/client-bedrock-runtime $T/bedrock.test.ts $T/bedrock-cost.test.ts $T/bedrock-hooks.dist.test.ts"
  # 1.0.0's CJS entry does not load (CJS build as .js under "type": "module"): its CJS hook test
  # is skipped (feature-detected); the ESM tests run.
  "AI_MARGIN_GOOGLE_GENAI_MODULE @google/genai@1.0.0 $T/google-genai.test.ts $T/google-genai-cost.test.ts $T/google-genai-hooks.dist.test.ts"
  "AI_MARGIN_GOOGLE_GENAI_MODULE @google/genai@1.52.0 $T/google-genai.test.ts $T/google-genai-cost.test.ts $T/google-genai-hooks.dist.test.ts"
  "AI_MARGIN_GOOGLE_GENAI_MODULE @google/genai@2.0.1 $T/google-genai.test.ts $T/google-genai-cost.test.ts $T/google-genai-hooks.dist.test.ts"
  "AI_MARGIN_GOOGLE_GENAI_MODULE @google/genai@2.32.0 $T/google-genai.test.ts $T/google-genai-cost.test.ts $T/google-genai-hooks.dist.test.ts"
  "AI_MARGIN_GOOGLE_GENAI_MODULE @google/genai@3.1.0 $T/google-genai.test.ts $T/google-genai-cost.test.ts $T/google-genai-hooks.dist.test.ts"
  "AI_MARGIN_GOOGLE_GENAI_MODULE root:@google/genai $T/google-genai.test.ts $T/google-genai-cost.test.ts $T/google-genai-hooks.dist.test.ts"
)

failed=()
start_all=$SECONDS

for row in "${MATRIX[@]}"; do
  read -r _ spec files <<<"$row"
  [[ -n "$FILTER" && "$spec" != *"$FILTER"* ]] && continue
  if [[ "$files" == *-hooks.dist.test.ts* ]]; then
    echo "--- building @ai-margin/instrumentation and @ai-margin/provider-sim (hook tests)"
    (cd "$ROOT" && npm run build --silent -w @ai-margin/conventions -w @ai-margin/instrumentation -w @ai-margin/provider-sim >/dev/null)
    break
  fi
done

for row in "${MATRIX[@]}"; do
  read -r envvar spec files <<<"$row"
  [[ -n "$FILTER" && "$spec" != *"$FILTER"* ]] && continue
  start=$SECONDS
  if [[ "$spec" == root:* ]]; then
    module="${spec#root:}"
    label="$module (root: $(node -p "require('$ROOT/node_modules/$module/package.json').version"))"
  else
    name="${spec%@*}"
    dir="$WORK/$(echo "$spec" | tr '/@' '__')"
    mkdir -p "$dir"
    echo "--- installing $spec"
    npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "$spec" >/dev/null
    module="$dir/node_modules/$name"
    label="$spec"
  fi
  echo "=== $label (node $(node --version))"
  # shellcheck disable=SC2086
  if (cd "$ROOT" && env "$envvar=$module" npx vitest run $files); then
    echo "=== $label: PASS ($((SECONDS - start))s)"
  else
    echo "=== $label: FAIL ($((SECONDS - start))s)"
    failed+=("$label")
  fi
done

echo "version matrix finished in $((SECONDS - start_all))s"
if ((${#failed[@]})); then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
