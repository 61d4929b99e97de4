// What the renderer holds for the profile on screen beyond the core's reach (decoded thumbnails,
// the attach trays, uploads under way) is dropped when the profile is locked, signed out or
// switched. The modules holding it register here, so the session (lib/) does not import the
// components that hold state (components/ -> lib/ stays the one direction).
const clearers = new Set<() => void>();

/** Registers a clearer at module load; it runs at every session end. */
export function onSessionEnd(clear: () => void): void {
  clearers.add(clear);
}

/** Runs every registered clearer; one that throws does not keep the others from running. */
export function endSessionState(): void {
  for (const clear of clearers) {
    try {
      clear();
    } catch (error) {
      console.error('session state not cleared', error);
    }
  }
}
