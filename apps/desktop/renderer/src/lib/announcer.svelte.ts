// Messages for the screen reader live regions (LiveRegion.svelte): polite for new messages and
// confirmations, assertive for errors. Cleared on lock so no content lingers.
let polite = $state('');
let assertive = $state('');

function set(kind: 'polite' | 'assertive', text: string): void {
  // Clear first so repeating the same text is announced again.
  if (kind === 'polite') polite = '';
  else assertive = '';
  queueMicrotask(() => {
    if (kind === 'polite') polite = text;
    else assertive = text;
  });
}

export const announcer = {
  get polite(): string {
    return polite;
  },
  get assertive(): string {
    return assertive;
  },
  say(text: string): void {
    set('polite', text);
  },
  alert(text: string): void {
    set('assertive', text);
  },
  clear(): void {
    polite = '';
    assertive = '';
  },
};
