// The files a messages.changed event carries (changes/change-feed.ts): those shared (or refused)
// since the last event, as files.list shows them, so the Dateien overview patches its list without
// a files.list call; a named file no longer stored (an own one refused) is named as removed.
import type { SharedPatch } from '@klinikfunk/protocol/api/change-events.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { fileRepository, type FileRow } from './repository.ts';
import { fileViews } from './service.ts';

export async function filePatch(
  runtime: ProfileRuntime,
  channelId: string,
  fileIds: readonly string[],
): Promise<Pick<SharedPatch, 'files' | 'removedFiles'>> {
  if (fileIds.length === 0) return { files: [], removedFiles: [] };
  const repository = runtime.profile.store.repository(fileRepository);
  const rows = fileIds.map((id) => repository.file(channelId, id)).filter((r): r is FileRow => r !== null);
  const found = new Set(rows.map((r) => r.fileId));
  return { files: await fileViews(runtime, rows), removedFiles: fileIds.filter((id) => !found.has(id)) };
}
