// A roster too long for one event (its payload is padded into at most 64 KiB) goes out as several
// schedules whose windows follow each other without a gap, so together they replace exactly the
// time the roster covers: [its first start, its last end). A cut falls only where no entry runs
// across it, so every entry stays whole inside its chunk's window.
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import { MAX_SCHEDULE_SPAN_MS } from '@klinikfunk/protocol/domain/role-events.ts';

export const ENTRIES_PER_CHUNK = 300;

type Entry = { userId: string; start: number; end: number };

export function scheduleChunks(input: readonly Entry[]): Array<{ from: number; to: number; entries: Entry[] }> {
  const entries = [...input].sort((a, b) => a.start - b.start || a.end - b.end);
  const groups: Entry[][] = [];
  let current: Entry[] = [];
  let reach = -Infinity;
  for (const entry of entries) {
    if (current.length >= ENTRIES_PER_CHUNK && reach <= entry.start) groups.push((current = []));
    else if (current.length === 0 && groups.length === 0) groups.push(current);
    current.push(entry);
    reach = Math.max(reach, entry.end);
  }
  const last = Math.max(...entries.map((e) => e.end));
  const chunks = groups.map((group, i) => ({
    from: group[0]!.start,
    to: i + 1 < groups.length ? groups[i + 1]![0]!.start : last,
    entries: group,
  }));
  for (const chunk of chunks) {
    if (chunk.entries.length > 500)
      throw new AppError('invalid_input', 'Too many overlapping roster entries to split the import.');
    if (chunk.to - chunk.from > MAX_SCHEDULE_SPAN_MS)
      throw new AppError('invalid_input', 'A roster may cover at most 400 days; import it in parts.');
  }
  return chunks;
}
