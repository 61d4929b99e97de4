// Uploads of one open channel: the file is read in 512 KiB slices (never whole), each slice
// handed to the core, which encrypts it at once and sends the ciphertext in segments meanwhile,
// with progress events. Refusals by policy become a clear sentence before any byte is read.
// The files sent from the attach tray travel as one batch each (upload-batch.svelte.ts), shown in
// the timeline. A channel's queue lives as long as the profile is shown (uploadsFor), so an upload
// goes on, and its item stays, across tab and channel switches.
import type { FilePolicyView, TransferProgress } from '@klinikfunk/protocol/api/features/files.ts';
import { t } from '../../i18n/i18n.svelte.ts';
import { call, listen } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import { UploadBatch, type BatchSource } from './upload-batch.svelte.ts';
import { refusalText } from './upload-refusal.ts';
import { onSessionEnd } from '../../lib/session-end.ts';

const CHUNK = 512 * 1024;

export interface UploadItem {
  key: number;
  name: string;
  size: number;
  uploadId: string | null;
  /** 0..1: the mean of `read` (slices read and encrypted) and `sent` (ciphertext at the relay). */
  fraction: number;
  read: number;
  sent: number;
  state: 'reading' | 'sending' | 'done' | 'cancelled' | 'failed';
  message: string;
}

export class UploadQueue {
  items = $state<UploadItem[]>([]);
  /** Tray sends on their way, oldest first: shown at the end of the timeline. */
  batches = $state<UploadBatch[]>([]);
  #next = 1;
  // Read by the upload loop only, never rendered, so a plain Set is enough.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #cancelled = new Set<number>();
  #policy: FilePolicyView | null = null;
  readonly channelId: string;

  constructor(channelId: string) {
    this.channelId = channelId;
  }

  /** Starts listening for progress; returns the cleanup. */
  start(): () => void {
    return listen('files.progress', (p) => this.#onProgress(p));
  }

  #onProgress(p: TransferProgress): void {
    for (const batch of this.batches) batch.onProgress(p);
    const item = this.items.find((i) => i.uploadId === p.transferId);
    if (!item || p.direction !== 'up') return;
    // The core sends segments while later slices are still being read, so both halves move together.
    const part = p.done / Math.max(1, p.total);
    if (p.phase === 'encrypting') item.read = part;
    else if (p.phase === 'transfer') item.sent = part;
    item.fraction = (item.read + item.sent) / 2;
  }

  async policy(): Promise<FilePolicyView | null> {
    if (!this.#policy) {
      const result = await call('files.policy', {});
      if (result.ok) this.#policy = result.value;
    }
    return this.#policy;
  }

  /** Sends the tray's files as one item with the caption; the batch shows in the timeline until shared. */
  sendBatch(sources: readonly BatchSource[], caption: string): UploadBatch {
    const batch = new UploadBatch(this.#next++, this.channelId, caption, (gone) => {
      this.batches = this.batches.filter((b) => b !== gone);
    });
    // A class instance: the array holds it as it is (its own fields are the reactive state).
    this.batches.push(batch);
    // Not awaited: the batch reports its failures itself (its item), and never rejects.
    void batch.start(sources);
    return batch;
  }

  /** The profile is no longer shown: every batch stops, and nothing of it is shared. */
  cancelAll(): void {
    for (const batch of [...this.batches]) batch.cancel();
  }

  cancel(key: number): void {
    this.#cancelled.add(key);
    const item = this.items.find((i) => i.key === key);
    // Not awaited: the row goes at once; call() never rejects, and a cancel that fails leaves an upload the core ends itself.
    if (item?.uploadId) void call('files.cancel', { transferId: item.uploadId });
  }

  dismiss(key: number): void {
    this.items = this.items.filter((i) => i.key !== key);
  }

  /** Uploads a file or a redacted image; resolves when shared, cancelled or refused. */
  async upload(file: Blob, name: string, thumbnail: Blob | null = null, caption = ''): Promise<boolean> {
    const key = this.#next++;
    this.items.push({
      key,
      name,
      size: file.size,
      uploadId: null,
      fraction: 0,
      read: 0,
      sent: 0,
      state: 'reading',
      message: '',
    });
    const item = this.items.find((i) => i.key === key)!;
    const fail = (message: string) => {
      item.state = 'failed';
      item.message = message;
      return false;
    };
    const begun = await call('files.beginUpload', {
      channelId: this.channelId,
      name,
      mimeType: file.type,
      size: file.size,
    });
    if (!begun.ok) return fail(errorText(begun.error));
    if (begun.value.status === 'refused')
      return fail(refusalText(begun.value.reason, name, begun.value.maxUploadMegabytes, begun.value.extension));
    const uploadId = begun.value.uploadId;
    item.uploadId = uploadId;
    for (let offset = 0; offset < file.size; offset += CHUNK) {
      if (this.#cancelled.has(key)) break;
      const bytes = new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer());
      const sent = await call('files.uploadChunk', { uploadId, offset, data: bytes });
      if (!sent.ok) return fail(errorText(sent.error));
    }
    item.state = 'sending';
    const thumbBytes = thumbnail ? new Uint8Array(await thumbnail.arrayBuffer()) : null;
    const finished = await call('files.finishUpload', { uploadId, caption, thumbnail: thumbBytes });
    if (!finished.ok) return fail(errorText(finished.error));
    if (finished.value.status === 'cancelled') {
      item.state = 'cancelled';
      item.message = t('files.upload.cancelled', { name });
      return false;
    }
    item.state = 'done';
    item.fraction = 1;
    setTimeout(() => this.dismiss(key), 4000);
    return true;
  }
}

// Looked up, never rendered, so a plain Map is enough.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const queues = new Map<string, { queue: UploadQueue; stop: () => void }>();

/** The channel's upload queue, kept while the profile is shown (listening for progress meanwhile). */
export function uploadsFor(channelId: string): UploadQueue {
  let entry = queues.get(channelId);
  if (!entry) {
    const queue = new UploadQueue(channelId);
    entry = { queue, stop: queue.start() };
    queues.set(channelId, entry);
  }
  return entry.queue;
}

/** Locked, signed out or another profile shown: the batches stop (nothing more is shared), the queues go. */
export function clearUploads(): void {
  for (const { queue, stop } of queues.values()) {
    queue.cancelAll();
    stop();
  }
  queues.clear();
}

onSessionEnd(clearUploads);
