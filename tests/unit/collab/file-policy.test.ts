import { describe, expect, it } from 'vitest';
import { extensionOf, uploadRefusal } from '../../../apps/desktop/electron/core/files/file-policy.ts';
import { blobPath, isCached } from '../../../apps/desktop/electron/core/files/blob-cache.ts';
import {
  fileKind,
  isPreviewable,
  MAX_PREVIEW_BYTES,
  previewRefusal,
} from '../../../apps/desktop/electron/core/files/file-kinds.ts';

const policy = { maxUploadMegabytes: 10, blockedFileTypes: ['exe', '.BAT'], allowedFileTypes: [] as string[] };

describe('file policy', () => {
  it('takes the last extension, lower case', () => {
    expect(extensionOf('Befund.PDF')).toBe('pdf');
    expect(extensionOf('bericht.pdf.exe')).toBe('exe');
    expect(extensionOf('.bashrc')).toBe('');
    expect(extensionOf('C:\\Temp\\x.Bat')).toBe('bat');
  });

  it('refuses too large files and blocked types; an allow list refuses everything else', () => {
    expect(uploadRefusal(policy, 'a.pdf', 10 * 1024 * 1024)).toBeNull();
    expect(uploadRefusal(policy, 'a.pdf', 10 * 1024 * 1024 + 1)).toBe('too_large');
    expect(uploadRefusal(policy, 'bericht.pdf.exe', 1)).toBe('blocked_type');
    expect(uploadRefusal(policy, 'start.bat', 1)).toBe('blocked_type');
    const allow = { ...policy, allowedFileTypes: ['pdf', 'png'] };
    expect(uploadRefusal(allow, 'x.png', 1)).toBeNull();
    expect(uploadRefusal(allow, 'x.docx', 1)).toBe('not_allowed_type');
    expect(uploadRefusal(allow, 'README', 1)).toBe('not_allowed_type');
  });
});

describe('blob cache names', () => {
  it('accepts only hex SHA-256 blob ids, so an event cannot name a path', () => {
    expect(blobPath('/p/files', 'a'.repeat(64))).toBe(`/p/files/${'a'.repeat(64)}`);
    for (const bad of ['../../store.db', 'A'.repeat(64), 'a'.repeat(63), `${'a'.repeat(64)}/x`]) {
      expect(() => blobPath('/p/files', bad)).toThrow(/blob id/);
      expect(isCached('/p/files', bad)).toBe(false);
    }
  });
});

describe('file kinds', () => {
  it('classifies and previews only raster images and PDF', () => {
    expect(fileKind('image/png')).toBe('image');
    expect(fileKind('application/pdf')).toBe('pdf');
    expect(fileKind('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBe('document');
    expect(fileKind('application/zip')).toBe('other');
    expect(isPreviewable('image/jpeg')).toBe(true);
    expect(isPreviewable('image/svg+xml')).toBe(false);
  });
});

describe('preview refusals', () => {
  it('opens PDF and raster images up to the preview limit, nothing else', () => {
    expect(isPreviewable('application/pdf')).toBe(true);
    expect(previewRefusal('application/pdf', 1)).toBeNull();
    expect(previewRefusal('application/pdf', MAX_PREVIEW_BYTES)).toBeNull();
    expect(previewRefusal('image/png', MAX_PREVIEW_BYTES)).toBeNull();
    for (const other of ['application/zip', 'image/svg+xml', 'text/html', 'application/x-pdf', ''])
      expect(previewRefusal(other, 1)).toBe('not_previewable');
  });

  it('refuses a file above the limit as too large, for PDF and images alike', () => {
    expect(MAX_PREVIEW_BYTES).toBe(25 * 1024 * 1024);
    expect(previewRefusal('application/pdf', MAX_PREVIEW_BYTES + 1)).toBe('too_large');
    expect(previewRefusal('image/jpeg', MAX_PREVIEW_BYTES + 1)).toBe('too_large');
    // The type decides first: a large zip is "no preview", not "too large".
    expect(previewRefusal('application/zip', MAX_PREVIEW_BYTES + 1)).toBe('not_previewable');
  });
});
