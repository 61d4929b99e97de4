import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { pdfjsData } from './vite-pdfjs-data.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  // Relative URLs work under app://klinikfunk/ and under the harness's http://127.0.0.1:port/.
  base: './',
  plugins: [svelte(), pdfjsData()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // Workstations run a recent Chromium (Electron 45); no legacy transforms needed.
    target: 'chrome140',
    // Never inline assets as data: URLs into scripts; the CSP allows files from 'self'.
    assetsInlineLimit: 0,
  },
});
