// Which files the Dateien overview lists and in which order: files.list filters with these in the
// core, and the overview applies the same rules to the files a change event carries (renderer
// lib/overview-patch.ts), so a patched list is the one a files.list call would answer.
import type { FileView } from './files.ts';

/** Most files files.list answers (the first by its order); a patched list keeps no more. */
export const FILES_LIST_LIMIT = 1000;

export type FileKind = 'image' | 'pdf' | 'document' | 'other';
export type FileSort = 'newest' | 'oldest' | 'name' | 'size';

export interface FileFilter {
  kind: 'all' | FileKind;
  query: string;
}

const DOCUMENT =
  /^(text\/|application\/(msword|rtf|vnd\.openxmlformats-officedocument|vnd\.oasis\.opendocument|vnd\.ms-))/;

export function fileKind(mimeType: string): FileKind {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType === 'application/pdf') return 'pdf';
  if (DOCUMENT.test(mimeType)) return 'document';
  return 'other';
}

/** Case and accents do not matter when searching by name ("ubergabe" finds "Übergabe.pdf"). */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('de');

export function fileMatches(file: Pick<FileView, 'name' | 'mimeType'>, filter: FileFilter): boolean {
  const query = fold(filter.query.trim());
  return (
    (filter.kind === 'all' || fileKind(file.mimeType) === filter.kind) &&
    (query === '' || fold(file.name).includes(query))
  );
}

/** The order of files.list: German users expect Ü next to U when sorted by name. */
export function fileOrder(sort: FileSort): (a: FileView, b: FileView) => number {
  switch (sort) {
    case 'newest':
      return (a, b) => b.createdAt - a.createdAt;
    case 'oldest':
      return (a, b) => a.createdAt - b.createdAt;
    case 'name':
      return (a, b) => a.name.localeCompare(b.name, 'de', { sensitivity: 'base' });
    case 'size':
      return (a, b) => b.size - a.size;
  }
}
