// The member DNs of a group entry. OpenLDAP sends every value of member/uniqueMember; Active
// Directory sends at most 1,500 (MaxValRange) as `member;range=0-1499` and no plain `member`, and
// the rest only to a search for the next range. A group read short would deactivate everyone left
// out, so every range is followed to its last (`…-*`), and a range that does not come fails the run.

/** A base search of the group for one attribute (e.g. `member;range=1500-*`): the entry's attributes. */
export type FetchRange = (attribute: string) => Promise<Record<string, unknown>>;

const RANGED = /^(member|uniqueMember);range=(\d+)-(\d+|\*)$/i;

/** Bounds the follow-up searches: 10,000 ranges of 1,500 is far past any group. */
const MAX_RANGES = 10_000;

const values = (value: unknown): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? (value as unknown[]) : [value]).map((v) => String(v));

/** A ranged attribute of `entry` for `attribute` starting at `start`, with values (ldapts adds `[]` for what was asked). */
function rangeIn(entry: Record<string, unknown>, attribute: string, start: number) {
  for (const [key, value] of Object.entries(entry)) {
    const match = RANGED.exec(key);
    if (!match || match[1]!.toLowerCase() !== attribute.toLowerCase() || Number(match[2]) !== start) continue;
    const found = values(value);
    if (found.length > 0) return { values: found, end: match[3]! };
  }
  return null;
}

export async function groupMembers(entry: Record<string, unknown>, fetch: FetchRange): Promise<string[]> {
  const members = [...values(entry.member), ...values(entry.uniqueMember)];
  for (const [key, value] of Object.entries(entry)) {
    const match = RANGED.exec(key);
    if (!match) continue;
    const attribute = match[1]!;
    members.push(...values(value));
    let end = match[3]!;
    for (let round = 0; end !== '*'; round++) {
      if (round >= MAX_RANGES) throw new Error(`${attribute}: more than ${MAX_RANGES} ranges`);
      const start = Number(end) + 1;
      const asked = `${attribute};range=${start}-*`;
      const next = rangeIn(await fetch(asked), attribute, start);
      if (!next)
        throw new Error(`${asked}: the directory sent no values for this range; the group would be read short`);
      members.push(...next.values);
      end = next.end;
    }
  }
  return members;
}
