// The attach tray above the composer: files chosen, dropped or pasted wait here with a caption
// until "Senden", so nothing leaves by accident. An image waits until it is redacted or staff
// chose to send it unchanged (a photo from a ward may show a face). The caption travels encrypted
// inside the first sent file's `file.share` event (its `caption` field), so a caption with several
// files is said once, on the first.
import { t } from '../../i18n/i18n.svelte.ts';
import { reencoded } from './redaction.ts';
import { isRedactable, makeThumbnail } from './thumbnails.ts';
import type { UploadQueue } from './uploads.svelte.ts';

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

  /** Images not yet redacted: "Bereiche schwärzen" comes first while there are any. */
  unredacted = $derived(this.items.filter((i) => i.image && !i.redacted));

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

  /** Sends everything in the tray, the caption with the first file; the tray empties at once. */
  send(uploads: UploadQueue): void {
    const items = this.items.map((i) => ({ file: i.file, name: i.name, image: i.image, redacted: i.redacted }));
    const caption = this.caption.trim();
    this.clear();
    void (async () => {
      let captioned = false;
      for (const item of items) {
        // An image sent unchanged is encoded anew too (no EXIF or GPS position leaves). One this
        // browser cannot decode cannot be cleaned: it is not sent (its bytes may name the place).
        const clean = item.image && !item.redacted ? await reencoded(item.file, item.name) : null;
        if (item.image && !item.redacted && !clean) {
          uploads.notSent(item.name, item.file.size, t('tray.unreadable', { name: item.name }));
          continue;
        }
        const file = clean?.image ?? item.file;
        const thumbnail = item.image ? await makeThumbnail(file) : null;
        await uploads.upload(file, clean?.name ?? item.name, thumbnail, captioned ? '' : caption);
        captioned = true;
      }
    })();
  }
}
