# Sourced by the plugin's sh scripts (command, install hook, plugin.complete) after they set
# `dir` to the plugin directory: where the bundled CLI is, and the message that names the fix
# when it is not there. A release ref (npm run release:ref) carries dist/; a branch never does,
# because nothing built is committed to main, and the plugin never builds or downloads anything.
hc_cli="$dir/dist/bin/helm-canary.mjs"

# hc_no_dist explains, on stderr, that this ref is not a release and how to get one that runs.
hc_no_dist() {
  cat >&2 <<MSG
helm canary: $hc_cli is missing: this plugin was installed from a ref that is not a release.
Release tags (v<version>, and v<major> for the latest of a major) carry the built CLI; branches
such as main do not, and the plugin does not build or download anything. Either
  - install a release tag:   helm plugin uninstall canary
                             helm plugin install <repository URL> --version v0
                             (helm 4: add --verify=false; a git source has no signature)
  - or build a checkout and install its path:
                             npm ci && npm run build && helm plugin install "\$PWD"
MSG
}

# hc_node_problem prints what is wrong with the node on PATH (nothing when it is 22.19 or newer:
# package.json's engines floor, set by the Kubernetes client's HTTP library).
hc_node_problem() {
  if ! command -v node >/dev/null 2>&1; then
    echo "node is not on PATH"
    return 0
  fi
  hc_node_version=$(node --version 2>/dev/null || echo unknown)
  hc_node_major=${hc_node_version#v}
  hc_node_major=${hc_node_major%%.*}
  hc_node_minor=${hc_node_version#v*.}
  hc_node_minor=${hc_node_minor%%.*}
  case "$hc_node_major.$hc_node_minor" in
    .* | *. | *[!0-9.]*) echo "node --version answered \"$hc_node_version\"" ;;
    *) if [ "$hc_node_major" -lt 22 ] || { [ "$hc_node_major" -eq 22 ] && [ "$hc_node_minor" -lt 19 ]; }; then
         echo "node on PATH is $hc_node_version"
       fi ;;
  esac
}
