// The package and process boundaries are enforced by the build, not by review: these tests compile
// and lint small probe files as if they sat in each package and app (packages/protocol, packages/crypto,
// apps/relay, apps/desktop/electron/core, apps/desktop/renderer), and expect failure.
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/**
 * Compiles `code` as a file of `project`. With `asPartOfProject` the probe joins the project's own
 * files and project references, as in `tsc -b`: a file outside them fails (TS6307).
 */
function typecheckProbe(project: string, probeName: string, code: string, asPartOfProject = false): string[] {
  const configPath = join(root, project, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, join(root, project));
  const options = asPartOfProject
    ? { ...parsed.options, noEmit: true, emitDeclarationOnly: false }
    : { ...parsed.options, noEmit: true, composite: false, emitDeclarationOnly: false, declaration: false };
  const probePath = join(root, project, probeName);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, lang, ...rest) =>
    file === probePath ? ts.createSourceFile(file, code, lang) : getSourceFile(file, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => file === probePath || fileExists(file);
  const program = asPartOfProject
    ? ts.createProgram({
        rootNames: [...parsed.fileNames, probePath],
        options,
        host,
        projectReferences: parsed.projectReferences,
      })
    : ts.createProgram([probePath], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === probePath)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

async function lintProbe(relativePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, relativePath) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

/** Lints `code` as the file `relativePath` and returns the no-restricted-imports messages. */
async function restricted(relativePath: string, code: string): Promise<string[]> {
  return (await lintProbe(relativePath, code)).filter((m) => m.startsWith('no-restricted-imports'));
}

const importOf = (source: string) => `import * as x from '${source}';\nexport const y = x;\n`;

/** Every `refused` import is flagged, every `allowed` one passes, from a probe at `probePath`. */
async function expectImports(probePath: string, refused: string[], allowed: string[]): Promise<void> {
  for (const source of refused)
    expect((await restricted(probePath, importOf(source))).join('\n'), source).toMatch(/no-restricted-imports/);
  for (const source of allowed) expect(await restricted(probePath, importOf(source)), source).toEqual([]);
}

// Type-aware lint of a probe builds a TypeScript program: slow on a loaded 2-core machine.
describe('build boundaries', { timeout: 180_000 }, () => {
  it('the probe itself compiles clean code without errors (control)', () => {
    expect(typecheckProbe('packages/protocol', '__probe_ok.ts', 'export const n: number = [1, 2].length;\n')).toEqual(
      [],
    );
  });

  it('packages/protocol cannot use the DOM', () => {
    const errors = typecheckProbe('packages/protocol', '__probe_dom.ts', 'export const title = document.title;\n');
    expect(errors.join('\n')).toMatch(/Cannot find name 'document'/);
  });

  it('packages/protocol cannot use Node', () => {
    const errors = typecheckProbe('packages/protocol', '__probe_node.ts', 'export const cwd = process.cwd();\n');
    expect(errors.join('\n')).toMatch(/Cannot find name 'process'/);
  });

  it('packages/protocol imports zod and its own files only (lint)', async () => {
    await expectImports(
      'packages/protocol/__probe.ts',
      [
        'node:fs',
        'libsodium-wrappers-sumo',
        '@klinikfunk/crypto/sodium.ts',
        '../crypto/sodium.ts',
        '../../apps/relay/config.ts',
        'electron',
      ],
      ['zod', './wire/bytes.ts'],
    );
  });

  it('packages/crypto imports the protocol, libsodium and node:crypto only (lint)', async () => {
    await expectImports(
      'packages/crypto/__probe.ts',
      [
        'node:fs',
        'ws',
        '@klinikfunk/node-common/durable-file.ts',
        '../../apps/desktop/electron/core/wiring.ts',
        '../protocol/wire/bytes.ts',
      ],
      ['@klinikfunk/protocol/wire/bytes.ts', 'libsodium-wrappers-sumo', 'node:crypto', './sodium.ts'],
    );
  });

  it('packages/node-common imports Node built-ins only (lint)', async () => {
    await expectImports(
      'packages/node-common/__probe.ts',
      ['zod', '@klinikfunk/protocol/wire/bytes.ts', '../crypto/sodium.ts'],
      ['node:fs', './durable-file.ts'],
    );
  });

  it('the relay imports packages/* and its own dependencies, never the desktop app (lint)', async () => {
    await expectImports(
      'apps/relay/__probe.ts',
      [
        '../desktop/electron/core/wiring.ts',
        '../../apps/desktop/electron/core/crypto/channel-crypto.ts',
        'klinikfunk/electron/core/wiring.ts',
        'electron',
        'svelte',
        'https-proxy-agent',
      ],
      ['@klinikfunk/crypto/records.ts', '@klinikfunk/protocol/relay/frames.ts', 'ws', 'pg', 'node:fs', './config.ts'],
    );
    await expectImports(
      'apps/relay/store/__probe.ts',
      ['../../desktop/electron/core/wiring.ts'],
      ['../config.ts', './store.ts'],
    );
  });

  it('a dynamic import() takes only a file of its own package: the boundary rules above see static imports only', async () => {
    const dynamic = (source: string) => `export const load = () => import('${source}');\n`;
    const refusals = async (probePath: string, source: string) =>
      (await lintProbe(probePath, dynamic(source))).filter((m) => m.startsWith('klinikfunk/dynamic-import-own-files'));
    // A module only the desktop app or the dev tools install passes the typecheck (it is hoisted
    // into the root node_modules) and fails only where the relay is installed alone.
    const cases: [probePath: string, source: string][] = [
      ['apps/relay/__probe.ts', 'electron'],
      ['apps/relay/store/__probe.ts', 'mqtt'],
      ['apps/relay/__probe.ts', '@klinikfunk/node-common/logger.ts'],
      ['packages/crypto/__probe.ts', 'node:fs'],
      ['packages/protocol/__probe.ts', 'zod'],
      ['apps/desktop/electron/core/__probe.ts', 'electron'],
    ];
    for (const [probePath, source] of cases)
      expect((await refusals(probePath, source)).join('\n'), `${probePath}: ${source}`).toMatch(
        /dynamic-import-own-files/,
      );
    expect(await refusals('apps/relay/__probe.ts', './config.ts')).toEqual([]);
    expect(await refusals('apps/desktop/renderer/src/__probe.ts', './components/collab/PdfPreview.svelte')).toEqual([]);
  });

  it('the relay cannot compile a desktop file into its build (typecheck)', () => {
    const errors = typecheckProbe(
      'apps/relay',
      '__probe_desktop.ts',
      "import { systemClock } from '../desktop/electron/core/clock/clock.ts';\nexport const c = systemClock;\n",
      true,
    );
    expect(errors.join('\n')).toMatch(/is not listed within the file list of project/);
    // Control: the relay's own files and the workspace packages compile in the same setting.
    const own = typecheckProbe(
      'apps/relay',
      '__probe_own.ts',
      "import { isLoopback } from './config.ts';\nimport { orgIdOf } from '@klinikfunk/crypto/records.ts';\nexport const c = [isLoopback, orgIdOf];\n",
      true,
    );
    expect(own).toEqual([]);
  });

  it("apps/desktop/electron/core cannot import 'electron' (typecheck)", () => {
    const errors = typecheckProbe(
      'apps/desktop/electron/core',
      '__probe_electron.ts',
      "import { app } from 'electron';\nexport const a = app;\n",
    );
    expect(errors.join('\n')).toMatch(/has no exported member 'app'/);
  });

  it("apps/desktop/electron/core cannot import 'electron' or the relay (lint)", async () => {
    await expectImports(
      'apps/desktop/electron/core/__probe.ts',
      ['electron', '../../../relay/main.ts', 'klinikfunk-relay/main.ts'],
      ['@klinikfunk/crypto/records.ts', './wiring.ts', '../ipc/router.ts'],
    );
  });

  it('feature folders build on the core, never the reverse, and reach no other feature but through features/kit (lint)', async () => {
    // The core's shared folders do not import features; only the composition root builds them.
    // However the path is spelled: through the features folder by name, or the app's package name.
    await expectImports(
      'apps/desktop/electron/core/store/__probe.ts',
      [
        '../features/polls/ipc.ts',
        '../features/registry.ts',
        '../features/kit/channel-access.ts',
        './../features/polls/ipc.ts',
        'klinikfunk/electron/core/features/polls/ipc.ts',
      ],
      ['./profile-store.ts', '../sync/ports.ts', './content-features.ts', '@klinikfunk/protocol/api/features/pins.ts'],
    );
    // The core's root reaches features through the registry only; the IPC layer and the shell not at all.
    await expectImports(
      'apps/desktop/electron/core/__probe.ts',
      ['./features/polls/ipc.ts', './features/messages/message-changes.ts'],
      ['./features/registry.ts', './changes/change-feed.ts'],
    );
    await expectImports('apps/desktop/electron/ipc/__probe.ts', ['../core/features/polls/ipc.ts'], ['./sender.ts']);
    await expectImports(
      'apps/desktop/electron/main/__probe.ts',
      ['../core/features/registry.ts'],
      ['../core/wiring.ts'],
    );
    // A feature: the core's folders and the kit yes; another feature, the registry or the IPC layer no.
    await expectImports(
      'apps/desktop/electron/core/features/polls/__probe.ts',
      [
        '../calendar/ipc.ts',
        '../registry.ts',
        '../../../ipc/router.ts',
        'electron',
        '../../features/calendar/ipc.ts',
        '../../features/registry.ts',
        './../calendar/ipc.ts',
        'klinikfunk/electron/core/features/calendar/ipc.ts',
      ],
      [
        '../kit/channel-access.ts',
        '../../store/profile-store.ts',
        '../../store/content-features.ts',
        '../../app/handler-context.ts',
        './ipc.ts',
        '@klinikfunk/protocol/api/features/pins-names.ts',
      ],
    );
    await expectImports('apps/desktop/electron/core/features/__probe.ts', [], ['./polls/ipc.ts']);
  });

  it("apps/desktop/electron/main may import 'electron'", async () => {
    await expectImports(
      'apps/desktop/electron/main/__probe.ts',
      ['../../../relay/main.ts'],
      ['electron', '../core/wiring.ts'],
    );
  });

  it('SQL stays in the store: .prepare( outside apps/desktop/electron/core/store is refused, in tests it is not (control)', async () => {
    const code = "declare const db: { prepare(text: string): unknown };\nexport const s = db.prepare('SELECT 1');\n";
    expect((await lintProbe('apps/desktop/electron/core/__probe.ts', code)).join('\n')).toMatch(
      /no-restricted-syntax: SQL stays in the store/,
    );
    expect(
      (await lintProbe('tests/unit/__probe.ts', code)).filter((m) => m.startsWith('no-restricted-syntax')),
    ).toEqual([]);
    // A feature folder's SQL lives in its repository.ts only (the store hands it the database).
    expect((await lintProbe('apps/desktop/electron/core/features/pins/__probe.ts', code)).join('\n')).toMatch(
      /no-restricted-syntax: SQL stays in the store/,
    );
    expect(
      (await lintProbe('apps/desktop/electron/core/features/pins/repository.ts', code)).filter((m) =>
        m.startsWith('no-restricted-syntax'),
      ),
    ).toEqual([]);
  });

  it("the store's raw database is for test fixtures only", async () => {
    const messages = await lintProbe(
      'apps/desktop/electron/core/__probe.ts',
      "import { testDatabase } from './store/test-database.ts';\nimport { storeDatabase } from './store/profile-store.ts';\nexport const x = [testDatabase, storeDatabase];\n",
    );
    expect(messages.filter((m) => /no-restricted-syntax: (Raw store access|The database stays)/.test(m))).toHaveLength(
      2,
    );
  });

  it('the renderer cannot import the core, the relay, other packages than the protocol, or Node modules', async () => {
    await expectImports(
      'apps/desktop/renderer/src/__probe.ts',
      [
        '../../electron/core/wiring.ts',
        '../../../relay/main.ts',
        '@klinikfunk/crypto/sodium.ts',
        '@klinikfunk/node-common/durable-file.ts',
        'node:fs',
        'electron',
      ],
      ['@klinikfunk/protocol/api/contract.ts', 'svelte', './lib/device-versions.ts'],
    );
  });
});
