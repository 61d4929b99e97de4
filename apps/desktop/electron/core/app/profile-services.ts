// The features' per-profile services (features/*/service.ts), owned by the profile runtime: made
// on first use, and disposed when the profile signs out or its screen locks. A service that holds
// state (uploads in progress, open exports) then drops it, so nothing one profile started can be
// continued, read or cancelled under another profile, or after its user left the screen.

/** What a service does when its profile signs out or locks (optional: most hold no state). */
export interface Disposable {
  dispose(): Promise<void>;
}

/** Names one kind of service; the type says what `ProfileServices.get` returns for it. */
export interface ServiceKey<S> {
  readonly name: string;
  /** Type only: ties the key to its service. */
  readonly _service?: S;
}

export const serviceKey = <S>(name: string): ServiceKey<S> => ({ name });

export class ProfileServices {
  readonly #made = new Map<ServiceKey<unknown>, unknown>();

  /** The profile's service of this kind, made with `make` on first use (again after a dispose). */
  get<S>(key: ServiceKey<S>, make: () => S): S {
    if (this.#made.has(key)) return this.#made.get(key) as S;
    const service = make();
    this.#made.set(key, service);
    return service;
  }

  /** Disposes every service made so far; the next `get` makes a fresh one. Never throws. */
  async dispose(onError: (name: string, error: unknown) => void): Promise<void> {
    const made = [...this.#made.entries()];
    this.#made.clear();
    for (const [key, service] of made) {
      if (!isDisposable(service)) continue;
      try {
        await service.dispose();
      } catch (error) {
        onError(key.name, error);
      }
    }
  }
}

function isDisposable(service: unknown): service is Disposable {
  return typeof service === 'object' && service !== null && typeof (service as Disposable).dispose === 'function';
}
