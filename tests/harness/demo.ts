// `npm run demo`: the product in a browser, for anyone without the Electron binary.
import { startWorkstation } from './workstation.ts';

const workstation = await startWorkstation();
console.log('Klinikfunk demo is running. Open this address in Chromium or Chrome:');
console.log(`  ${workstation.url}`);
console.log('Stop with Ctrl+C.');

const stop = async () => {
  await workstation.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
