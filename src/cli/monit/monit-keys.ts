// The monitor's keys as actions. Keys typed quickly (or pasted, or a key held down over a slow
// terminal) reach the program in one chunk, "jjj" or three arrow sequences at once, and each one counts.
export type MonitAction = 'up' | 'down' | 'quit';

export interface KeyFlags {
  upArrow?: boolean;
  downArrow?: boolean;
  escape?: boolean;
}

// ESC [ A / ESC [ B; built from a string, as a literal control character in a regex reads as a mistake.
const ARROWS = new RegExp(`${String.fromCharCode(27)}?\\[([AB])`, 'g');

export function monitActions(input: string, key: KeyFlags): MonitAction[] {
  const actions: MonitAction[] = [];
  // Arrow sequences left in the input when several came together; the first one may be in key alone.
  const arrows = [...input.matchAll(ARROWS)].map((m): MonitAction => (m[1] === 'A' ? 'up' : 'down'));
  if (arrows.length > 0) actions.push(...arrows);
  else if (key.upArrow) actions.push('up');
  else if (key.downArrow) actions.push('down');
  else if (key.escape && input === '') actions.push('quit');
  for (const ch of input.replace(ARROWS, '')) {
    if (ch === 'q') actions.push('quit');
    else if (ch === 'k') actions.push('up');
    else if (ch === 'j') actions.push('down');
  }
  return actions;
}
