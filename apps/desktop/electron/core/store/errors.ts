/** Typed failures of the encrypted store; callers map them to messages staff can act on. */
export type StoreErrorCode =
  /** Wrong key or a damaged first page: SQLCipher cannot read the file at all. */
  | 'unreadable'
  /** The file opens but fails its integrity check (truncated, damaged pages). */
  | 'corrupt'
  /** Written by a newer Klinikfunk: refuse rather than damage it. */
  | 'newer_version'
  | 'not_found'
  | 'io';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}
