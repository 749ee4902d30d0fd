// The completion scripts `helm-canary completion bash|zsh|fish` prints. Each asks the CLI itself
// (`helm-canary __complete -- <words...>`, complete-words.ts) for the candidates, so the scripts
// never go stale as commands and flags change; when it has none, the shell completes file names.
// The `--` keeps the program's own options (-V, --version) in the words from being acted on.

/** SHELLS are the shells `completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
/** Shell is one of SHELLS. */
export type Shell = (typeof SHELLS)[number];

const bash = `# bash completion for helm-canary.
# Load it in the current shell:   source <(helm-canary completion bash)
# Or for every shell:             helm-canary completion bash > ~/.local/share/bash-completion/completions/helm-canary
_helm_canary() {
  local IFS=$'\\n'
  local candidates
  # The words after the program name up to the cursor; the last is the one being completed.
  candidates=($(helm-canary __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
  COMPREPLY=("\${candidates[@]}")
}
complete -o default -o nosort -F _helm_canary helm-canary 2>/dev/null || complete -o default -F _helm_canary helm-canary
`;

const zsh = `#compdef helm-canary
# zsh completion for helm-canary.
# Load it in the current shell:   source <(helm-canary completion zsh)
# Or put it on $fpath as _helm-canary:  helm-canary completion zsh > "\${fpath[1]}/_helm-canary"
_helm_canary() {
  local -a candidates
  # The words after the program name up to the cursor; the last is the one being completed.
  candidates=("\${(@f)$(helm-canary __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  candidates=("\${(@)candidates:#}")
  if (( \${#candidates} )); then
    compadd -Q -- "\${candidates[@]}"
  else
    _files
  fi
}
if [[ "\${funcstack[1]}" == "_helm_canary" ]]; then
  _helm_canary "$@"
else
  compdef _helm_canary helm-canary
fi
`;

const fish = `# fish completion for helm-canary.
# Load it in the current shell:   helm-canary completion fish | source
# Or for every shell:             helm-canary completion fish > ~/.config/fish/completions/helm-canary.fish
function __helm_canary_complete
    # The words after the program name, then the one being completed (possibly empty).
    set -l words (commandline -opc)[2..-1] (commandline -ct)
    set -l candidates (helm-canary __complete -- $words 2>/dev/null)
    if test (count $candidates) -gt 0
        printf '%s\\n' $candidates
    else
        __fish_complete_path (commandline -ct)
    end
end
complete -c helm-canary -f -a '(__helm_canary_complete)'
`;

/** completionScript is the script that makes `shell` complete helm-canary's commands, flags and values. */
export function completionScript(shell: Shell): string {
  return { bash, zsh, fish }[shell];
}
