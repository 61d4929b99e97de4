// The attach tray above the composer: files chosen, dropped or pasted wait here with a caption
// until "Senden", so nothing leaves by accident. An image waits until it is redacted or staff
// chose to send it unchanged (a photo from a ward may show a face). The files of one "Senden" go
// as one batch (upload-batch.svelte.ts) and show as one item; the caption travels encrypted
// inside the first file's `file.share` event (its `caption` field), said once.
// One tray per channel (trayFor), in memory only: it stays across tab and channel switches and
// goes at lock, sign-out or when another profile is shown (clearTrays, registered with lib/session-end.ts).
import { t } from '../../i18n/i18n.svelte.ts';
import { isRedactable } from './thumbnails.ts';
import type { UploadQueue } from './uploads.svelte.ts';
import { onSessionEnd } from '../../lib/session-end.ts';

export interface TrayItem {
  key: number;
  /** The bytes that will be sent: the redacted image once redacted. */
  file: Blob;
  name: string;
  image: boolean;
  redacted: boolean;
  /** A `blob:` URL of the image for the thumbnail (revoked when the item leaves the tray). */
  preview: string | null;
}

export class AttachTray {
  items = $state<TrayItem[]>([]);
  caption = $state('');
  #next = 1;

  /**
   * Images not yet redacted: "Bereiche schwärzen" comes first while there are any. A getter, not
   * $derived: the tray outlives the composer that first asked for it, and a derived made while that
   * composer was set up stopped following `items` once it was gone (the tray kept offering
   * "Senden" for an image not redacted after a tab switch).
   */
  get unredacted(): TrayItem[] {
    return this.items.filter((i) => i.image && !i.redacted);
  }

  add(files: Iterable<File>): void {
    for (const file of files) {
      const image = isRedactable(file);
      this.items.push({
        key: this.#next++,
        file,
        name: file.name || (image ? t('tray.pastedImage') : t('files.unnamed')),
        image,
        redacted: false,
        preview: image ? URL.createObjectURL(file) : null,
      });
    }
  }

  remove(key: number): void {
    const item = this.items.find((i) => i.key === key);
    if (item?.preview) URL.revokeObjectURL(item.preview);
    this.items = this.items.filter((i) => i.key !== key);
  }

  /** The redaction dialog's result takes the original's place (the original is dropped). */
  redacted(key: number, image: Blob, name: string): void {
    const item = this.items.find((i) => i.key === key);
    if (!item) return;
    if (item.preview) URL.revokeObjectURL(item.preview);
    item.file = image;
    item.name = name;
    item.redacted = true;
    item.preview = URL.createObjectURL(image);
  }

  clear(): void {
    for (const item of this.items) if (item.preview) URL.revokeObjectURL(item.preview);
    this.items = [];
    this.caption = '';
  }

  /** Sends everything in the tray as one item; the tray empties at once, its thumbnails go with the batch. */
  send(uploads: UploadQueue): void {
    if (this.items.length === 0) return;
    const sources = this.items.map((i) => ({
      file: i.file,
      name: i.name,
      image: i.image,
      redacted: i.redacted,
      preview: i.preview,
    }));
    const caption = this.caption.trim();
    this.items = [];
    this.caption = '';
    uploads.sendBatch(sources, caption);
  }
}

// Looked up, never rendered, so a plain Map is enough.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const trays = new Map<string, AttachTray>();

/** The channel's tray: what was put there waits across tab and channel switches. */
export function trayFor(channelId: string): AttachTray {
  let tray = trays.get(channelId);
  if (!tray) {
    tray = new AttachTray();
    trays.set(channelId, tray);
  }
  return tray;
}

/** Locked, signed out or another profile shown: every tray is emptied (files, captions, thumbnails). */
export function clearTrays(): void {
  for (const tray of trays.values()) tray.clear();
  trays.clear();
}

onSessionEnd(clearTrays);
