#!/bin/sh
# Helm plugin install/update hook. A plugin installed from a git URL is a bare checkout: build
# the CLI there (needs node and npm). A checkout that is already built (a local path install of
# a working tree) is left alone.
set -eu
dir="${HELM_PLUGIN_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$dir"
if [ -f dist/bin/helm-canary.mjs ] && [ -d node_modules ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "helm canary: npm is needed to build the plugin in $dir" >&2
  exit 1
fi
if [ -f dist/bin/helm-canary.mjs ]; then
  npm ci --omit=dev --no-audit --no-fund
else
  npm ci --no-audit --no-fund && npm run build
fi
