#!/bin/sh
# The Helm plugin's install and update hook (linux, darwin; helm runs it with sh). It builds
# nothing: a release ref already carries dist/. It fails the install only when dist/ is missing
# (a branch, not a release: the plugin could never run), and warns when node is missing or older
# than 22.19, which can be fixed after the install.
set -eu
dir="${HELM_PLUGIN_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$dir/scripts/helm-plugin/checks.sh"
if [ ! -f "$hc_cli" ]; then
  hc_no_dist
  exit 1
fi
problem=$(hc_node_problem)
if [ -n "$problem" ]; then
  echo "helm canary: warning: $problem; \`helm canary\` needs Node.js 22.19 or newer on PATH (https://nodejs.org)" >&2
fi
exit 0
