// The process boundaries are enforced by the build, not by review: these tests compile and lint
// small probe files as if they sat in shared/, electron/core/ and renderer/, and expect failure.
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function typecheckProbe(project: string, probeName: string, code: string): string[] {
  const configPath = join(root, project, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, join(root, project));
  const options = { ...parsed.options, noEmit: true, composite: false, emitDeclarationOnly: false, declaration: false };
  const probePath = join(root, project, probeName);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, lang, ...rest) =>
    file === probePath ? ts.createSourceFile(file, code, lang) : getSourceFile(file, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => file === probePath || fileExists(file);
  const program = ts.createProgram([probePath], options, host);
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

describe('build boundaries', () => {
  it('the probe itself compiles clean code without errors (control)', () => {
    expect(typecheckProbe('shared', '__probe_ok.ts', 'export const n: number = [1, 2].length;\n')).toEqual([]);
  });

  it('shared/ cannot use the DOM', () => {
    const errors = typecheckProbe('shared', '__probe_dom.ts', 'export const title = document.title;\n');
    expect(errors.join('\n')).toMatch(/Cannot find name 'document'/);
  });

  it('shared/ cannot use Node', () => {
    const errors = typecheckProbe('shared', '__probe_node.ts', 'export const cwd = process.cwd();\n');
    expect(errors.join('\n')).toMatch(/Cannot find name 'process'/);
  });

  it("electron/core cannot import 'electron' (typecheck)", () => {
    const errors = typecheckProbe(
      'electron/core',
      '__probe_electron.ts',
      "import { app } from 'electron';\nexport const a = app;\n",
    );
    expect(errors.join('\n')).toMatch(/has no exported member 'app'/);
  });

  it("electron/core cannot import 'electron' (lint)", async () => {
    const messages = await lintProbe(
      'electron/core/__probe.ts',
      "import { app } from 'electron';\nexport const a = app;\n",
    );
    expect(messages.join('\n')).toMatch(/no-restricted-imports/);
  });

  it("electron/main may import 'electron'", async () => {
    const messages = await lintProbe(
      'electron/main/__probe.ts',
      "import { app } from 'electron';\nexport const a = app;\n",
    );
    expect(messages.filter((m) => m.startsWith('no-restricted-imports'))).toEqual([]);
  });

  it('SQL stays in the store: .prepare( outside electron/core/store is refused, in tests it is not (control)', async () => {
    const code = "declare const db: { prepare(text: string): unknown };\nexport const s = db.prepare('SELECT 1');\n";
    expect((await lintProbe('electron/core/__probe.ts', code)).join('\n')).toMatch(/no-restricted-syntax: SQL stays in the store/);
    expect((await lintProbe('tests/unit/__probe.ts', code)).filter((m) => m.startsWith('no-restricted-syntax'))).toEqual([]);
  });

  it("the store's raw database is for test fixtures only", async () => {
    const messages = await lintProbe(
      'electron/core/__probe.ts',
      "import { testDatabase } from './store/test-database.ts';\nimport { storeDatabase } from './store/profile-store.ts';\nexport const x = [testDatabase, storeDatabase];\n",
    );
    expect(messages.filter((m) => m.startsWith('no-restricted-imports'))).toHaveLength(2);
  });

  it('renderer/ cannot import electron/, server/ or Node modules', async () => {
    for (const source of ['../../electron/core/compose.ts', '../../server/index.ts', 'node:fs', 'electron']) {
      const messages = await lintProbe(
        'renderer/src/__probe.ts',
        `import * as x from '${source}';\nexport const y = x;\n`,
      );
      expect(messages.join('\n'), source).toMatch(/no-restricted-imports/);
    }
  });
});
