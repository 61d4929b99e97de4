// A file's type in words ("PDF-Dokument", "Bild", "Textdatei") instead of its MIME type, and the
// short label of its icon. From the MIME type, and the name's extension where the type is generic
// (many systems send office files and text as application/octet-stream).

export const FILE_TYPES = [
  'pdf',
  'image',
  'text',
  'word',
  'spreadsheet',
  'presentation',
  'archive',
  'audio',
  'video',
  'other',
] as const;
export type FileType = (typeof FILE_TYPES)[number];

const BY_EXTENSION: Record<string, FileType> = {
  pdf: 'pdf',
  txt: 'text',
  csv: 'spreadsheet',
  log: 'text',
  md: 'text',
  doc: 'word',
  docx: 'word',
  odt: 'word',
  rtf: 'word',
  xls: 'spreadsheet',
  xlsx: 'spreadsheet',
  ods: 'spreadsheet',
  ppt: 'presentation',
  pptx: 'presentation',
  odp: 'presentation',
  zip: 'archive',
  '7z': 'archive',
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  gif: 'image',
  webp: 'image',
  bmp: 'image',
  tif: 'image',
  tiff: 'image',
};

export function fileType(mimeType: string, name = ''): FileType {
  const mime = mimeType.toLowerCase();
  if (mime === 'application/pdf') return 'pdf';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  if (mime === 'text/csv' || /spreadsheet|ms-excel/.test(mime)) return 'spreadsheet';
  if (/presentation|ms-powerpoint/.test(mime)) return 'presentation';
  if (/msword|wordprocessingml|opendocument\.text|rtf/.test(mime)) return 'word';
  if (/zip|x-7z|x-tar|gzip/.test(mime)) return 'archive';
  if (mime.startsWith('text/')) return 'text';
  const extension = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  return BY_EXTENSION[extension] ?? 'other';
}
