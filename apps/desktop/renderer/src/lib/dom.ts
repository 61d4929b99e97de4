// Small DOM helpers used as Svelte actions.

/** Moves the node to the end of <body>, e.g. for the print-only registration letter. */
export function portal(node: HTMLElement): { destroy(): void } {
  document.body.appendChild(node);
  return { destroy: () => node.remove() };
}

/** Focuses the node once it is in the document (instead of the autofocus attribute). */
export function focusOnMount(node: HTMLElement, enabled: boolean = true): void {
  if (enabled) queueMicrotask(() => node.focus());
}
