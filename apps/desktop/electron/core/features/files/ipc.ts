// IPC adapter of files: each handler hands the call to the FilesService of its profile
// (service.ts), which holds that profile's uploads, downloads and exports. A call with a channel
// acts on the profile the router checked the membership on (`requires: 'member'`); one that names
// only an upload or export acts on the visible profile, whose service knows only its own.
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { filePolicy, filesService } from './service.ts';

type Names =
  | 'files.policy'
  | 'files.list'
  | 'files.beginUpload'
  | 'files.uploadChunk'
  | 'files.finishUpload'
  | 'files.shareTogether'
  | 'files.cancel'
  | 'files.thumbnail'
  | 'files.preview'
  | 'files.download'
  | 'files.exportOpen'
  | 'files.exportRead'
  | 'files.exportClose';

const done = { done: true as const };

export function fileHandlers(ctx: HandlerContext): Pick<ProfileHandlers, Names> {
  const deps = {
    clock: ctx.clock,
    policy: ctx.policy.values,
    progress: (progress: Parameters<typeof ctx.emit<'files.progress'>>[1]) => ctx.emit('files.progress', progress),
    log: ctx.log.child('files'),
  };
  const files = (runtime: ProfileRuntime) => filesService(runtime, deps);
  const visible = () => files(ctx.sessions.visible());
  return {
    'files.policy': () => filePolicy(ctx.policy.values),
    'files.list': (input, { runtime }) => files(runtime).list(input.channelId, input),
    'files.beginUpload': (input, { runtime }) => files(runtime).beginUpload(input),
    'files.uploadChunk': ({ uploadId, offset, data }) => visible().writeChunk(uploadId, offset, data),
    'files.finishUpload': ({ uploadId, caption, thumbnail, share }) =>
      visible().finishUpload(uploadId, caption, thumbnail, share),
    'files.shareTogether': ({ channelId, uploadIds, caption }, { runtime }) =>
      files(runtime).shareTogether(channelId, uploadIds, caption),
    'files.cancel': async ({ transferId }) => {
      await visible().cancel(transferId);
      return done;
    },
    'files.thumbnail': ({ channelId, fileId }, { runtime }) => files(runtime).thumbnail(channelId, fileId),
    'files.preview': ({ channelId, fileId, transferId }, { runtime }) =>
      files(runtime).preview(channelId, fileId, transferId),
    'files.download': ({ channelId, fileId, transferId }, { runtime }) =>
      files(runtime).download(channelId, fileId, transferId),
    'files.exportOpen': ({ channelId, fileId }, { runtime }) => files(runtime).exportOpen(channelId, fileId),
    'files.exportRead': ({ exportId }) => visible().exportRead(exportId),
    'files.exportClose': ({ exportId }) => {
      visible().exportClose(exportId);
      return done;
    },
  };
}
