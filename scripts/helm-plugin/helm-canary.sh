#!/bin/sh
# The Helm plugin's command on linux and darwin: runs the bundled CLI that a release ref carries
# with the arguments after `helm canary`. Only node is needed: no npm, no node_modules, no
# network. helm (3 and 4) sets HELM_PLUGIN_DIR, and HELM_BIN so helm-canary drives that helm.
set -eu
dir="${HELM_PLUGIN_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$dir/scripts/helm-plugin/checks.sh"
if [ ! -f "$hc_cli" ]; then
  hc_no_dist
  exit 3
fi
if ! command -v node >/dev/null 2>&1; then
  echo "helm canary: node is not on PATH; the plugin runs on Node.js 22.19 or newer (https://nodejs.org)" >&2
  exit 3
fi
exec node "$hc_cli" "$@"
