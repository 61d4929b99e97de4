// A list read against the change events that patch it (the overviews: live-overview.ts). A list
// is read in the core at some moment while its answer is on its way, so a patch that arrives
// meanwhile may be newer than the answer: shown as it came, the answer would undo the patch (a
// vote counted, then gone again) until the next event. Such patches are applied again on top of
// the answer; one older than the answer names rows that have not changed since, so applying it
// again changes nothing. An answer to an older read than the one shown is dropped. The sidebar
// does the same with its channels.list answers (channel-list-reads.ts).
export class ListReads<T> {
  #started = 0;
  #shown = 0;
  /** The patches that arrived while each read was on its way. */
  readonly #open = new Map<number, Array<(list: T) => T>>();

  /** The list to show from this read (the patches since it started applied), or null: keep what is shown. */
  async read(fetch: () => Promise<T | null>): Promise<T | null> {
    const read = ++this.#started;
    const during: Array<(list: T) => T> = [];
    this.#open.set(read, during);
    let list: T | null;
    try {
      list = await fetch();
    } finally {
      this.#open.delete(read);
    }
    if (list === null || read < this.#shown) return null;
    this.#shown = read;
    return during.reduce<T>((shown, patch) => patch(shown), list);
  }

  /** A patch the list took: the answers still on their way take it too. */
  patched(patch: (list: T) => T): void {
    for (const during of this.#open.values()) during.push(patch);
  }
}
