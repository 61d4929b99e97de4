// Clicks anywhere in the window, for the few panels that are open at a time (a popover closes on a
// click elsewhere). One window listener for all of them, there only while one is open: every
// message row has a popover, and a listener per row made each page of a scrolled timeline add
// and remove hundreds.
const handlers = new Set<(event: MouseEvent) => void>();

function dispatch(event: MouseEvent): void {
  for (const handler of [...handlers]) handler(event);
}

/** Calls `handler` for every click in the window until the returned function is called. */
export function onWindowClick(handler: (event: MouseEvent) => void): () => void {
  if (handlers.size === 0) window.addEventListener('click', dispatch);
  handlers.add(handler);
  return () => {
    handlers.delete(handler);
    if (handlers.size === 0) window.removeEventListener('click', dispatch);
  };
}
