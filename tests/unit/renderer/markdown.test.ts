// The message markdown subset: tokens only, never HTML, so markup in a body stays text.
import { describe, expect, it } from 'vitest';
import { plainText, tokenize, type InlineToken } from '../../../apps/desktop/renderer/src/lib/markdown.ts';

describe('renderer markdown tokenizer', () => {
  it('keeps HTML and script as plain text', () => {
    const body = '<script>alert("x")</script> <b>fett</b> <img src=x onerror=alert(1)>';
    expect(tokenize(body)).toEqual([{ type: 'text', text: body }]);
  });

  it('reads bold, italic and code', () => {
    expect(tokenize('**Achtung** bitte *sofort* `K+ 5,9`')).toEqual([
      { type: 'strong', children: [{ type: 'text', text: 'Achtung' }] },
      { type: 'text', text: ' bitte ' },
      { type: 'em', children: [{ type: 'text', text: 'sofort' }] },
      { type: 'text', text: ' ' },
      { type: 'code', text: 'K+ 5,9' },
    ]);
  });

  it('does not read arithmetic or stray stars as emphasis', () => {
    expect(plainText(tokenize('2 * 3 * 4 und ** offen'))).toBe('2 * 3 * 4 und ** offen');
    expect(tokenize('2 * 3 * 4').every((t) => t.type === 'text')).toBe(true);
  });

  it('keeps code literal, including stars and links', () => {
    expect(tokenize('`**x** https://a.example`')).toEqual([{ type: 'code', text: '**x** https://a.example' }]);
  });

  it('links https URLs only, without trailing punctuation', () => {
    expect(tokenize('Siehe https://www.awmf.org/leitlinien.')).toEqual([
      { type: 'text', text: 'Siehe ' },
      { type: 'link', href: 'https://www.awmf.org/leitlinien', text: 'https://www.awmf.org/leitlinien' },
      { type: 'text', text: '.' },
    ]);
    expect(tokenize('http://a.example javascript:alert(1)').some((t) => t.type === 'link')).toBe(false);
    expect(tokenize('(https://de.wikipedia.org/wiki/A_(B))')[1]).toEqual({
      type: 'link',
      href: 'https://de.wikipedia.org/wiki/A_(B)',
      text: 'https://de.wikipedia.org/wiki/A_(B)',
    });
  });

  it('turns line breaks into br tokens and does not carry emphasis across lines', () => {
    expect(tokenize('a *b\nc* d').map((t) => t.type)).toEqual(['text', 'br', 'text']);
    expect(plainText(tokenize('Zeile 1\r\nZeile 2'))).toBe('Zeile 1\nZeile 2');
  });

  it('marks mentions of known names, the longest name first, and flags the own one', () => {
    const tokens = tokenize('@Anna Meier und @Anna bitte, mail@anna.example', [
      { name: 'Anna', self: false },
      { name: 'Anna Meier', self: true },
    ]);
    expect(tokens.filter((t) => t.type === 'mention')).toEqual([
      { type: 'mention', text: '@Anna Meier', self: true },
      { type: 'mention', text: '@Anna', self: false },
    ]);
  });

  it('finds mentions inside bold', () => {
    const [strong] = tokenize('**@Bernd Pflege sofort**', [{ name: 'Bernd Pflege', self: false }]);
    expect((strong as Extract<InlineToken, { type: 'strong' }>).children[0]).toEqual({
      type: 'mention',
      text: '@Bernd Pflege',
      self: false,
    });
  });

  it('stays fast on a long body full of unmatched delimiters', () => {
    const body = '*a '.repeat(6000) + '`'.repeat(1000);
    const started = performance.now();
    const tokens = tokenize(body);
    expect(performance.now() - started).toBeLessThan(200);
    expect(plainText(tokens)).toBe(body);
  });
});
