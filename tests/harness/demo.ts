// `npm run demo`: the product in a browser, for anyone without the Electron binary. Starts a
// fresh relay on loopback (waiting for its first-run set-up, as IT would start it) and one
// workstation; the console shows the address to open and the relay's one-time setup code.
import { createLogger, jsonLineSink } from '../../apps/desktop/electron/core/log/logger.ts';
import { installProcessGuards } from '@klinikfunk/node-common/process-guard.ts';
import { startClinicRelay } from './clinic-relay.ts';
import { startWorkstation } from './workstation.ts';

// Like the Electron main process: a stray rejection or exception is logged, the demo keeps running.
installProcessGuards(createLogger(jsonLineSink, 'demo'), { exitOnUncaughtException: false });

const clinic = await startClinicRelay();
const workstation = await startWorkstation({ deviceLabel: 'Demo-Arbeitsplatz' });
console.log('Klinikfunk demo is running. Open this address in Chromium or Chrome:');
console.log(`  ${workstation.url}`);
console.log('Choose "Organisation anlegen" and enter:');
console.log(`  Serveradresse:                 ${clinic.url}`);
console.log(`  Einrichtungscode des Servers:  ${clinic.setupCode}`);
console.log('More people on this workstation: add them under "Verwaltung", then sign-in > "Weiteres Profil".');
console.log('Stop with Ctrl+C.');

const stop = async () => {
  await workstation.close();
  await clinic.relay.dispose();
  process.exit(0);
};
process.on('SIGINT', () => {
  stop().catch((error: unknown) => console.error('demo did not stop cleanly', error));
});
process.on('SIGTERM', () => {
  stop().catch((error: unknown) => console.error('demo did not stop cleanly', error));
});
