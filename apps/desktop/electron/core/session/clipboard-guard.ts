// Copied message text does not stay on a shared workstation's clipboard (TI-M A_22720, screen
// privacy): the core writes it, and removes it again after policy ClipboardClearSeconds, when the
// screen locks and when the profile signs out, but only if it is still there. Whatever the person
// copied afterwards (from another program, say) is never touched.
import type { Clock, Timer } from '../clock/clock.ts';
import type { Clipboard } from '../platform/platform.ts';

export interface ClipboardGuardDeps {
  clipboard: Clipboard;
  clock: Clock;
  /** Seconds until a copy is removed; 0 keeps it until the screen locks. */
  clearAfterSeconds: number;
  /** A timed clear that failed (the clipboard was busy): reported, not thrown into the timer. */
  onClearFailed?: (error: unknown) => void;
}

export class ClipboardGuard {
  readonly #deps: ClipboardGuardDeps;
  /** The text this guard last wrote and has not removed yet. */
  #written: string | null = null;
  #timer: Timer | null = null;
  /** Counts copies, so a clear that awaited the clipboard never removes a newer copy. */
  #generation = 0;

  constructor(deps: ClipboardGuardDeps) {
    this.#deps = deps;
  }

  get clearAfterSeconds(): number {
    return this.#deps.clearAfterSeconds;
  }

  /** True while text this guard wrote may still be on the clipboard. */
  get holdsCopy(): boolean {
    return this.#written !== null;
  }

  async copy(text: string): Promise<void> {
    this.#timer?.cancel();
    this.#timer = null;
    this.#generation++;
    await this.#deps.clipboard.writeText(text);
    this.#written = text;
    const seconds = this.#deps.clearAfterSeconds;
    if (seconds > 0)
      this.#timer = this.#deps.clock.after(seconds * 1000, () => {
        this.clearIfUnchanged().catch((error: unknown) => this.#deps.onClearFailed?.(error));
      });
  }

  /** Removes the copied text if the clipboard still holds exactly it; returns whether it did. */
  async clearIfUnchanged(): Promise<boolean> {
    this.#timer?.cancel();
    this.#timer = null;
    const written = this.#written;
    if (written === null) return false;
    this.#written = null;
    const generation = this.#generation;
    let current: string;
    try {
      current = await this.#deps.clipboard.readText();
    } catch {
      return false;
    }
    if (current !== written || generation !== this.#generation) return false;
    this.#deps.clipboard.clear();
    return true;
  }

  dispose(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }
}
