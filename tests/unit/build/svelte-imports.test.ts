// `npm run typecheck` runs svelte-check --incremental, which checks plain TypeScript files it
// writes for each component. There an import of a .svelte file that does not exist (a typo, a
// component deleted or renamed while still imported) resolves to svelte's own
// `declare module '*.svelte'` and passes, cold cache or warm; only `vite build` would fail on it.
// The lint rule klinikfunk/svelte-import-exists catches it in `npm run lint`.
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function messages(relativePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, relativePath) });
  return result!.messages.filter((m) => m.ruleId === 'klinikfunk/svelte-import-exists').map((m) => m.message);
}

const component = (source: string) => `<script lang="ts">\n  import X from '${source}';\n</script>\n\n<X />\n`;

describe('imports of Svelte components', { timeout: 120_000 }, () => {
  it('a component that does not exist fails the lint, from a component and from a .ts file', async () => {
    expect(
      (await messages('apps/desktop/renderer/src/components/__Probe.svelte', component('./NoSuchNotice.svelte'))).join(
        '\n',
      ),
    ).toMatch(/NoSuchNotice\.svelte/);
    expect(
      (
        await messages(
          'apps/desktop/renderer/src/components/__Probe.svelte',
          '<script lang="ts">\n  const p = import(\'./collab/NoSuchPreview.svelte\');\n</script>\n\n{#await p}{/await}\n',
        )
      ).join('\n'),
    ).toMatch(/NoSuchPreview\.svelte/);
    expect(
      (
        await messages(
          'apps/desktop/renderer/src/__probe.ts',
          "import App from './NoSuchApp.svelte';\nexport const app = App;\n",
        )
      ).join('\n'),
    ).toMatch(/NoSuchApp\.svelte/);
  });

  it('an existing component passes (control)', async () => {
    expect(
      await messages('apps/desktop/renderer/src/components/__Probe.svelte', component('./ErrorNotice.svelte')),
    ).toEqual([]);
    expect(
      await messages('apps/desktop/renderer/src/components/__Probe.svelte', component('../screens/SignIn.svelte')),
    ).toEqual([]);
  });
});
