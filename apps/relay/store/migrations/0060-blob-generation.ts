import { addColumn, bigint, type RelayMigration } from '../schema/ddl.ts';

export const migration0060: RelayMigration = {
  version: 60,
  name: 'blob-generation',
  steps: [
    // a random number per blob_begin that created the row: a connection's running hash is only
    // trusted while the blob it hashed is still the same row (not deleted and begun again)
    addColumn('blobs', bigint('generation', { default: 0 })),
  ],
};
