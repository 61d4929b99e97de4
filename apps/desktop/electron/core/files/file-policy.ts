// Machine policy for files staff send: the largest size and allowed or blocked extensions.
// Checked in the core before a byte is read, whatever the renderer already checked.
import type { UploadRefusal } from '@klinikfunk/protocol/api/features/files.ts';

export interface FilePolicyValues {
  maxUploadMegabytes: number;
  blockedFileTypes: readonly string[];
  allowedFileTypes: readonly string[];
}

/** The extension as policy lists it: lower case, without the dot ("" when there is none). */
export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

const normalise = (types: readonly string[]) => new Set(types.map((t) => t.replace(/^\./, '').toLowerCase()));

export function uploadRefusal(policy: FilePolicyValues, name: string, size: number): UploadRefusal | null {
  if (size > policy.maxUploadMegabytes * 1024 * 1024) return 'too_large';
  const extension = extensionOf(name);
  // "bericht.pdf.exe" is an exe: only the last extension counts, as Windows decides.
  if (normalise(policy.blockedFileTypes).has(extension)) return 'blocked_type';
  const allowed = normalise(policy.allowedFileTypes);
  if (allowed.size > 0 && !allowed.has(extension)) return 'not_allowed_type';
  return null;
}
