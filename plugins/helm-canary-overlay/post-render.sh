#!/bin/sh
# Helm 4 runs this with the --post-renderer-args helm-canary passes: the Node executable, the
# helm-canary bundle and the stage's values file. The rendered manifest comes on stdin and the
# result goes to stdout, both straight through to helm-canary's `__post-render` command.
if [ "$#" -ne 3 ]; then
  echo "helm-canary-overlay: expected 3 --post-renderer-args (node, helm-canary bundle, values file), got $#; this plugin is run by helm-canary, not by hand" >&2
  exit 1
fi
exec "$1" "$2" __post-render "$3"
