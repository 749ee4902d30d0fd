#!/bin/sh
# The Helm plugin's command: runs the built helm-canary CLI of the plugin directory with the
# arguments after `helm canary`. HELM_PLUGIN_DIR is set by helm (3 and 4).
set -eu
dir="${HELM_PLUGIN_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
cli="$dir/dist/bin/helm-canary.mjs"
if [ ! -f "$cli" ]; then
  echo "helm canary: $cli is missing; build it with: (cd \"$dir\" && npm ci && npm run build)" >&2
  exit 3
fi
if ! command -v node >/dev/null 2>&1; then
  echo "helm canary: node (20.12 or newer) is needed on PATH" >&2
  exit 3
fi
exec node "$cli" "$@"
