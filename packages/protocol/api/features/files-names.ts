// Method and event names of files (api/features/files.ts); merged into names.ts.
export const FILES_METHOD_NAMES = [
  'files.policy',
  'files.list',
  'files.beginUpload',
  'files.uploadChunk',
  'files.finishUpload',
  'files.shareTogether',
  'files.cancel',
  'files.thumbnail',
  'files.preview',
  'files.download',
  'files.exportOpen',
  'files.exportRead',
  'files.exportClose',
] as const;
export const FILES_EVENT_NAMES = ['files.progress'] as const;
