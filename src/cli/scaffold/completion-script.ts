// Shell completion for bash and zsh, generated from the commands and flags the CLI registers, so a new
// command completes without anyone editing a script. App names come from the running daemon (`shoal
// jlist`), read when the user presses tab after a command that takes a target.
import type { Command } from 'commander';

interface Entry {
  names: string[];
  flags: string[];
  takesApp: boolean;
}

function entries(program: Command): Entry[] {
  return program.commands.map((c) => ({
    names: [c.name(), ...c.aliases()],
    flags: c.options.flatMap((o) => [o.long, o.short].filter((f): f is string => typeof f === 'string')),
    takesApp: c.registeredArguments.some((a) => /^(target|name)$/.test(a.name())),
  }));
}

const APP_NAMES =
  'shoal jlist 2>/dev/null | node -e \'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log([...new Set(JSON.parse(s).map(p=>p.name))].join(" "))}catch{}})\'';

export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const list = entries(program);
  const words = list.flatMap((e) => e.names).join(' ');
  const cases = list
    .map((e) => `    ${e.names.join('|')}) flags="${e.flags.join(' ')}"; apps=${e.takesApp ? 1 : 0} ;;`)
    .join('\n');
  const body = `_shoal_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="\${COMP_WORDS[1]}" flags="" apps=0
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${words}" -- "$cur") )
    return
  fi
  case "$cmd" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$flags" -- "$cur") )
  elif [ "$apps" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "all $(${APP_NAMES})" -- "$cur") $(compgen -f -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
`;
  if (shell === 'bash')
    return `# shoal completion for bash: eval "$(shoal completion bash)"\n${body}complete -F _shoal_complete shoal\n`;
  // zsh runs the bash function through bashcompinit, which keeps one script for both shells.
  return `# shoal completion for zsh: eval "$(shoal completion zsh)"\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n${body}complete -F _shoal_complete shoal\n`;
}
