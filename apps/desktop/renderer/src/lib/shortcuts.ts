// Keyboard shortcuts, in one place so the help dialog and the handlers agree.
import type { MessageKey } from '../i18n/de.ts';

export type ShortcutId = 'quickSwitch' | 'search' | 'lock' | 'help';

const BINDINGS: Record<ShortcutId, { key: string; shift?: boolean }> = {
  quickSwitch: { key: 'k' },
  search: { key: 'f' },
  lock: { key: 'l' },
  help: { key: '/' },
};

/** Ctrl (Cmd on macOS) + key, without Alt. */
export function matchShortcut(event: KeyboardEvent): ShortcutId | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  const key = event.key.toLowerCase();
  for (const [id, binding] of Object.entries(BINDINGS) as [ShortcutId, { key: string; shift?: boolean }][]) {
    if (binding.key === key && Boolean(binding.shift) === event.shiftKey) return id;
  }
  return null;
}

/** Rows of the "Tastenkürzel" dialog: keys ('ctrl' and 'shift' are translated) and the i18n key of the description. */
export const SHORTCUT_HELP = [
  { keys: ['ctrl', 'K'], what: 'shortcuts.quickSwitch' },
  { keys: ['ctrl', 'F'], what: 'shortcuts.search' },
  { keys: ['ctrl', 'L'], what: 'shortcuts.lock' },
  { keys: ['ctrl', '/'], what: 'shortcuts.help' },
  { keys: ['Esc'], what: 'shortcuts.escape' },
  { keys: ['Enter'], what: 'shortcuts.send' },
  { keys: ['shift', 'Enter'], what: 'shortcuts.newline' },
  { keys: ['@'], what: 'shortcuts.mention' },
  { keys: ['↑', '↓'], what: 'shortcuts.lists' },
  { keys: ['↑'], what: 'shortcuts.editLast' },
] as const satisfies readonly { keys: readonly string[]; what: MessageKey }[];
