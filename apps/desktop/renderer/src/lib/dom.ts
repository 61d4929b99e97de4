// Small DOM helpers: Svelte actions, and running something after the next paint.

/** Moves the node to the end of <body>, e.g. for the print-only registration letter. */
export function portal(node: HTMLElement): { destroy(): void } {
  document.body.appendChild(node);
  return { destroy: () => node.remove() };
}

/** Focuses the node once it is in the document (instead of the autofocus attribute). */
export function focusOnMount(node: HTMLElement, enabled: boolean = true): void {
  if (enabled) queueMicrotask(() => node.focus());
}

/**
 * Runs `fn` once after the next frame is painted (a task after the frame's callbacks), so what it
 * asks for does not go ahead of what that frame shows; at the latest after 100 ms, as a hidden
 * window paints no frames.
 */
export function afterPaint(fn: () => void): void {
  let done = false;
  const run = (): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    fn();
  };
  const timer = setTimeout(run, 100);
  requestAnimationFrame(() => setTimeout(run, 0));
}
