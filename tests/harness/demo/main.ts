// `npm run demo`: Klinikfunk in a browser, for anyone without the Electron binary. By default a
// seeded demo clinic: a real relay process, three workstations (the core the Electron main process
// runs, in this Node process, each serving the renderer on loopback), filled through the API as
// staff would fill it. `--empty` starts one empty workstation and a relay waiting for its first-run
// set-up instead; `--keep` leaves the data folders behind on exit.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, jsonLineSink } from '../../../apps/desktop/electron/core/log/logger.ts';
import { installProcessGuards } from '@klinikfunk/node-common/process-guard.ts';
import { startClinicRelay } from '../clinic-relay.ts';
import { startWorkstation, type Workstation } from '../workstation.ts';
import { apiOf } from './api.ts';
import { ADMIN, DOCTOR, NURSE_EARLY, NURSE_NIGHT, ORG_NAME, type Person } from './cast.ts';
import { seedClinic } from './seed.ts';

function readFlags() {
  try {
    return parseArgs({
      options: { empty: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false } },
    }).values;
  } catch (error) {
    console.error(
      `${(error as Error).message}\nAufruf: npm run demo, npm run demo -- --empty oder npm run demo -- --keep`,
    );
    process.exit(2);
  }
}
const flags = readFlags();

// Like the Electron main process: a stray rejection or exception is logged, the demo keeps running.
installProcessGuards(createLogger(jsonLineSink, 'demo'), { exitOnUncaughtException: false });

const root = await mkdtemp(join(tmpdir(), 'klinikfunk-demo-'));
const cleanups: Array<() => Promise<void>> = [];
let stopping = false;

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nKlinikfunk-Demo wird beendet …');
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error('Beim Beenden ging etwas schief:', error);
    }
  }
  if (flags.keep) console.log(`Die Daten bleiben erhalten in: ${root}`);
  else await rm(root, { recursive: true, force: true });
  console.log('Beendet.');
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    stop(0).catch((error: unknown) => console.error('Die Demo hat sich nicht sauber beendet:', error));
  });

async function folder(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function workstation(label: string, dir: string): Promise<Workstation> {
  const ws = await startWorkstation({ deviceLabel: label, dataDir: await folder(dir) });
  cleanups.push(() => ws.close());
  return ws;
}

const profileLine = (p: Person, note: string) =>
  `    Profil „${p.displayName}“${note}\n      PIN: ${p.pin}    Passphrase: ${p.passphrase}`;

async function runEmpty(): Promise<void> {
  const clinic = await startClinicRelay({ dataDir: await folder('relay') });
  cleanups.push(() => clinic.relay.dispose());
  const ws = await workstation('Demo-Arbeitsplatz', 'arbeitsplatz');
  console.log('Klinikfunk-Demo (leer) läuft. Diese Adresse in Chromium oder Chrome öffnen:');
  console.log(`  ${ws.url}`);
  console.log('Dort „Organisation anlegen“ wählen und eintragen:');
  console.log(`  Serveradresse:                 ${clinic.url}`);
  console.log(`  Einrichtungscode des Servers:  ${clinic.setupCode}`);
  console.log('Weitere Personen: unter „Verwaltung“ anlegen, dann bei der Anmeldung „Weiteres Profil“.');
  console.log('Beenden mit Strg+C.');
}

async function runSeeded(): Promise<void> {
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1).replace('.', ',');
  console.log(`Klinikfunk-Demo: ${ORG_NAME} wird angelegt. Alle Personen und Inhalte sind erfunden.`);
  console.log(`Demo-Daten liegen in: ${root}`);
  console.log(`  [${seconds().padStart(5)} s] Relay und drei Arbeitsplätze starten`);
  const clinic = await startClinicRelay({ dataDir: await folder('relay') });
  cleanups.push(() => clinic.relay.dispose());
  const [wardPc, doctorPc, itPc] = await Promise.all([
    workstation('Stationsrechner 3A', 'stationsrechner-3a'),
    workstation('Arztzimmer Innere', 'arztzimmer'),
    workstation('IT-Verwaltung', 'verwaltung'),
  ]);
  await seedClinic({
    relayUrl: clinic.url,
    setupCode: clinic.setupCode,
    admin: apiOf(itPc),
    ward: apiOf(wardPc),
    doctor: apiOf(doctorPc),
    step: (text) => console.log(`  [${seconds().padStart(5)} s] ${text}`),
  });
  console.log(`Demo-Daten angelegt in ${seconds()} s.`);
  console.log('');
  console.log('Klinikfunk-Demo läuft. Die Adressen in Chromium oder Chrome öffnen (jede ist ein eigener PC):');
  console.log('');
  console.log('  Stationsrechner 3A (Pflege, von der Schicht geteilt):');
  console.log(`    ${wardPc.url}`);
  console.log(profileLine(NURSE_EARLY, ' (Frühdienst)'));
  console.log(profileLine(NURSE_NIGHT, ' (Nachtdienst)'));
  console.log('');
  console.log('  Arztzimmer Innere (Stationsärztin):');
  console.log(`    ${doctorPc.url}`);
  console.log(profileLine(DOCTOR, ''));
  console.log('');
  console.log('  IT-Verwaltung (optional, Administration):');
  console.log(`    ${itPc.url}`);
  console.log(profileLine(ADMIN, ''));
  console.log('');
  console.log('Jeder Arbeitsplatz startet gesperrt: Profil wählen und die PIN eingeben.');
  console.log('Die Passphrase braucht man erst nach „Abmelden“ oder nach zu vielen falschen PINs.');
  console.log(`Serveradresse (Relay): ${clinic.url}`);
  console.log(
    flags.keep
      ? `Beenden mit Strg+C; die Daten bleiben in ${root}.`
      : 'Beenden mit Strg+C; Relay, Arbeitsplätze und alle Demo-Daten werden dabei gelöscht.',
  );
}

try {
  await (flags.empty ? runEmpty() : runSeeded());
} catch (error) {
  console.error('Die Demo konnte nicht starten:', error);
  await stop(1);
}
