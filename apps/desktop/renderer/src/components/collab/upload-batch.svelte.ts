// The files of one "Senden" from the attach tray, on their way: shown at once in the sender's
// timeline as one item ("Wird hochgeladen … 34 %", "Abbrechen"), uploaded one after another and
// held sealed by the core, then shared together (files.shareTogether: a file.share each, the
// caption with the first, and the file.group that makes them one item on every workstation).
// Cancelled before that, nothing is shared: the core drops what it holds, and the relay's cleanup
// the blobs no event names. Failed, the item says why and offers "Erneut versuchen", which
// uploads again what is not held yet.
import type { TransferProgress } from '@klinikfunk/protocol/api/features/files.ts';
import { MAX_FILE_GROUP } from '@klinikfunk/protocol/domain/events.ts';
import { t } from '../../i18n/i18n.svelte.ts';
import { call } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import { reencoded } from './redaction.ts';
import { makeThumbnail } from './thumbnails.ts';
import { refusalText } from './upload-refusal.ts';

const CHUNK = 512 * 1024;

/** What the tray hands over: the bytes to send, and its thumbnail's blob: URL (the batch revokes it). */
export interface BatchSource {
  file: Blob;
  name: string;
  image: boolean;
  redacted: boolean;
  preview: string | null;
}

export interface BatchFile {
  key: number;
  name: string;
  size: number;
  preview: string | null;
  /** 0..1: the mean of slices read and encrypted and of ciphertext at the relay. */
  read: number;
  sent: number;
  uploadId: string | null;
  /** Sealed and held by the core, waiting for the others. */
  ready: boolean;
}

interface Prepared {
  file: Blob;
  name: string;
  thumbnail: Blob | null;
}

type Step = { ok: true } | { ok: false; message: string } | { ok: false; cancelled: true; message?: never };

export class UploadBatch {
  readonly key: number;
  readonly channelId: string;
  readonly caption: string;
  files = $state<BatchFile[]>([]);
  state = $state<'preparing' | 'uploading' | 'failed'>('preparing');
  /** Why it failed, in words. */
  message = $state('');
  /** Files the tray could not make safe to send (left out, with why). */
  notices = $state<string[]>([]);
  /** By size: a large file counts more than a small one. A getter: the batch outlives the views that show it. */
  get fraction(): number {
    const total = this.files.reduce((sum, f) => sum + Math.max(1, f.size), 0);
    const done = this.files.reduce((sum, f) => sum + Math.max(1, f.size) * (f.ready ? 1 : (f.read + f.sent) / 2), 0);
    return total === 0 ? 0 : done / total;
  }
  // Read by the upload loop only, never rendered, so a plain Map is enough.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #prepared = new Map<number, Prepared>();
  #cancelled = false;
  #running = false;
  readonly #onGone: (batch: UploadBatch) => void;

  constructor(key: number, channelId: string, caption: string, onGone: (batch: UploadBatch) => void) {
    this.key = key;
    this.channelId = channelId;
    this.caption = caption;
    this.#onGone = onGone;
  }

  /** Prepares the tray's files (images encoded anew, thumbnails) and sends them; resolves when done, failed or cancelled. */
  async start(sources: readonly BatchSource[]): Promise<void> {
    this.files = sources.map((s, index) => ({
      key: index + 1,
      name: s.name,
      size: s.file.size,
      preview: s.preview,
      read: 0,
      sent: 0,
      uploadId: null,
      ready: false,
    }));
    for (const [index, source] of sources.entries()) {
      // An image sent unchanged is encoded anew too (no EXIF or GPS position leaves). One this
      // browser cannot decode cannot be cleaned: it is not sent (its bytes may name the place).
      const clean = source.image && !source.redacted ? await reencoded(source.file, source.name) : null;
      if (source.image && !source.redacted && !clean) {
        this.notices.push(t('tray.unreadable', { name: source.name }));
        continue;
      }
      const file = clean?.image ?? source.file;
      const thumbnail = source.image ? await makeThumbnail(file) : null;
      this.#prepared.set(index + 1, { file, name: clean?.name ?? source.name, thumbnail });
    }
    if (this.#cancelled) return;
    this.files = this.files.filter((f) => this.#prepared.has(f.key));
    if (this.files.length === 0) {
      this.state = 'failed';
      this.message = t('timeline.upload.nothingSent');
      return;
    }
    await this.#run();
  }

  /** After a failure: uploads again what the core does not hold yet, then shares. */
  async retry(): Promise<void> {
    if (this.#running || this.state !== 'failed' || this.files.length === 0) return;
    await this.#run();
  }

  /** Stops the upload under way, drops what the core holds; nothing of this batch is shared. */
  cancel(): void {
    this.#cancelled = true;
    for (const file of this.files)
      if (file.uploadId)
        // Not awaited: the item goes at once; call() never rejects, and an upload the core still
        // holds after a failed cancel is dropped by it after 15 minutes or at lock.
        void call('files.cancel', { transferId: file.uploadId });
    this.dispose();
  }

  onProgress(p: TransferProgress): void {
    const file = this.files.find((f) => f.uploadId === p.transferId);
    if (!file || p.direction !== 'up') return;
    const part = p.done / Math.max(1, p.total);
    if (p.phase === 'encrypting') file.read = part;
    else if (p.phase === 'transfer') file.sent = part;
  }

  /** The item leaves the timeline: its thumbnails' blob: URLs go with it. */
  dispose(): void {
    for (const file of this.files) if (file.preview) URL.revokeObjectURL(file.preview);
    this.#prepared.clear();
    this.#onGone(this);
  }

  async #run(): Promise<void> {
    this.#running = true;
    this.state = 'uploading';
    this.message = '';
    try {
      for (const file of this.files) {
        if (file.ready) continue;
        const step = await this.#upload(file);
        if (this.#cancelled || ('cancelled' in step && step.cancelled)) return;
        if (!step.ok) return this.#fail(step.message ?? '');
      }
      // A tray with more files than one group may name is shared as several groups.
      for (let start = 0; start < this.files.length; start += MAX_FILE_GROUP) {
        const part = this.files.slice(start, start + MAX_FILE_GROUP);
        const shared = await call('files.shareTogether', {
          channelId: this.channelId,
          uploadIds: part.map((f) => f.uploadId!),
          caption: start === 0 ? this.caption : '',
        });
        if (this.#cancelled) return;
        if (!shared.ok) {
          // The core no longer holds them (dropped after a long wait, or at a lock): upload again.
          for (const f of part) Object.assign(f, { ready: false, uploadId: null, read: 0, sent: 0 });
          return this.#fail(errorText(shared.error));
        }
      }
      this.dispose();
    } finally {
      this.#running = false;
    }
  }

  #fail(reason: string): void {
    this.state = 'failed';
    this.message = t('timeline.upload.failed', { reason });
  }

  async #upload(file: BatchFile): Promise<Step> {
    const source = this.#prepared.get(file.key)!;
    file.read = 0;
    file.sent = 0;
    const begun = await call('files.beginUpload', {
      channelId: this.channelId,
      name: source.name,
      mimeType: source.file.type,
      size: source.file.size,
    });
    if (!begun.ok) return { ok: false, message: errorText(begun.error) };
    if (begun.value.status === 'refused') {
      const { reason, maxUploadMegabytes, extension } = begun.value;
      return { ok: false, message: refusalText(reason, source.name, maxUploadMegabytes, extension) };
    }
    const uploadId = begun.value.uploadId;
    file.uploadId = uploadId;
    for (let offset = 0; offset < source.file.size; offset += CHUNK) {
      if (this.#cancelled) return this.#abandon(uploadId);
      const bytes = new Uint8Array(await source.file.slice(offset, offset + CHUNK).arrayBuffer());
      const sent = await call('files.uploadChunk', { uploadId, offset, data: bytes });
      if (!sent.ok) return { ok: false, message: errorText(sent.error) };
    }
    const thumbnail = source.thumbnail ? new Uint8Array(await source.thumbnail.arrayBuffer()) : null;
    const finished = await call('files.finishUpload', { uploadId, caption: '', thumbnail, share: false });
    if (!finished.ok) return { ok: false, message: errorText(finished.error) };
    if (finished.value.status === 'cancelled') return { ok: false, cancelled: true };
    // Cancelled while it was being sealed: the core holds it now, and drops it at this cancel.
    if (this.#cancelled) return this.#abandon(uploadId);
    file.ready = true;
    return { ok: true };
  }

  /** Cancelled before the core knew this upload's id reached the cancel: it is cancelled now. */
  async #abandon(uploadId: string): Promise<Step> {
    await call('files.cancel', { transferId: uploadId });
    return { ok: false, cancelled: true };
  }
}
