// "Anna, Bernd und Carla" in the UI language. Intl.ListFormat is costly to build and every
// member line of a scrolled timeline needs one: one per locale, kept.
const formats = new Map<string, Intl.ListFormat>();

export function listFormat(locale: string): Intl.ListFormat {
  let format = formats.get(locale);
  if (!format) formats.set(locale, (format = new Intl.ListFormat(locale, { type: 'conjunction' })));
  return format;
}
