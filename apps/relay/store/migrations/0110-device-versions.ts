import { addColumn, int, text, type RelayMigration } from '../schema/ddl.ts';

export const migration0110: RelayMigration = {
  version: 110,
  name: 'device-versions',
  steps: [
    // rolling upgrades: the protocol and app version of each device's last connection (admin's list)
    addColumn('device_seen', int('protocol', { nullable: true })),
    addColumn('device_seen', text('app_version', { nullable: true })),
  ],
};
