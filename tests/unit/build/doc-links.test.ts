// Documentation is part of the product: every link between docs pages, and every pointer from
// code to a docs page ("docs/operations.md", "docs/protocol.md \"Two clocks\"", "…#anchor"), must
// land on a page and a heading that exist. Pages and sections get renamed; this catches pointers
// left behind.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');

/** Headings, and the bold lead-ins that open a paragraph section ("**Two clocks.** The payload …"). */
function headingsOf(page: string): { anchors: Set<string>; titles: string[] } {
  const lines = readFileSync(page, 'utf8').split('\n');
  const headingTitles = lines.filter((l) => /^#{1,6} /.test(l)).map((l) => l.replace(/^#+ /, '').trim());
  const leadIns = lines.flatMap((l) =>
    [...l.matchAll(/^(?:\d+\. |- )?\*\*([^*]{3,80})\*\*/g)].map((m) => m[1]!.trim()),
  );
  return { anchors: new Set(headingTitles.map(slug)), titles: [...headingTitles, ...leadIns] };
}

const headings = new Map(PAGES.map((p) => [p, headingsOf(p)]));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

describe('links into the docs', () => {
  it('every link between docs pages lands on a page and a heading that exist', () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      const text = readFileSync(page, 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [file, anchor] = target!.split('#');
        const resolved = file === '' ? page : page.startsWith('docs/') ? join('docs', file!) : file!;
        if (!resolved.endsWith('.md')) continue;
        const known = headings.get(resolved);
        if (!known) broken.push(`${page}: ${target} (no page)`);
        else if (anchor && !known.anchors.has(anchor)) broken.push(`${page}: ${target} (no heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every pointer from code to a docs page names a page, anchor and quoted section that exist', () => {
    const broken: string[] = [];
    for (const file of ['packages', 'apps', 'bench', 'scripts', 'tests'].flatMap(sourceFiles)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/docs\/([\w-]+\.md)(#[\w-]+)?(?:,? ?["“]([^"”\n]{3,80})["”])?/g)) {
        const page = `docs/${m[1]}`;
        const known = headings.get(page);
        if (!known) {
          broken.push(`${file}: ${m[0]} (no page)`);
          continue;
        }
        if (m[2] && !known.anchors.has(m[2].slice(1))) broken.push(`${file}: ${m[0]} (no heading)`);
        if (m[3] && !known.titles.some((t) => t.toLowerCase().includes(m[3]!.toLowerCase().replace(/[.,]$/, ''))))
          broken.push(`${file}: ${m[0]} (no section of that name)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
