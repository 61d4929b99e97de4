// Search snippets arrive as plain text plus highlight ranges [start, end) in UTF-16 code units.
// They are sliced into parts that Svelte renders as text and <mark>: never as HTML.

export interface TextPart {
  text: string;
  mark: boolean;
}

export function highlightParts(snippet: string, ranges: readonly (readonly [number, number])[]): TextPart[] {
  const clean = ranges
    .map(([start, end]) => [Math.max(0, Math.min(start, snippet.length)), Math.max(0, Math.min(end, snippet.length))])
    .filter(([start, end]) => end! > start!)
    .sort((a, b) => a[0]! - b[0]!) as [number, number][];
  const merged: [number, number][] = [];
  for (const range of clean) {
    const last = merged.at(-1);
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  const parts: TextPart[] = [];
  let at = 0;
  for (const [start, end] of merged) {
    if (start > at) parts.push({ text: snippet.slice(at, start), mark: false });
    parts.push({ text: snippet.slice(start, end), mark: true });
    at = end;
  }
  if (at < snippet.length) parts.push({ text: snippet.slice(at), mark: false });
  return parts;
}
