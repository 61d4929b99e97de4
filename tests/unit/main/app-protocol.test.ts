import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The electron module is a fake here: the binary is not installed, and the protocol module only
// needs `protocol` for registration, which this test records.
const registered: unknown[] = [];
vi.mock('electron', () => ({
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => registered.push(...schemes),
    handle: vi.fn(),
  },
}));

const { registerAppScheme, serveAppRequest } = await import('../../../apps/desktop/electron/main/app-protocol.ts');
const { CONTENT_SECURITY_POLICY } = await import('../../../apps/desktop/electron/core/security/csp.ts');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kf-proto-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, '..', 'kf-secret.txt'), 'secret');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(join(dir, '..', 'kf-secret.txt'), { force: true });
});

describe('app:// protocol', () => {
  it('registers app as a standard, secure scheme', () => {
    registerAppScheme();
    expect(registered).toContainEqual(
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    );
  });

  it('serves the renderer with the strict CSP and a content type', async () => {
    const res = await serveAppRequest(dir, 'app://klinikfunk/index.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('content-type')).toContain('text/html');
    const js = await serveAppRequest(dir, 'app://klinikfunk/assets/app.js');
    expect(js.headers.get('content-type')).toContain('javascript');
  });

  it('has no unsafe-inline or unsafe-eval in the CSP', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
  });

  it.each([
    'app://klinikfunk/../kf-secret.txt',
    'app://klinikfunk/%2e%2e/kf-secret.txt',
    'app://klinikfunk/..%2fkf-secret.txt',
  ])('never serves a file outside the renderer folder: %s', async (url) => {
    const res = await serveAppRequest(dir, url);
    expect(res.status).not.toBe(200);
    expect(await res.text()).not.toContain('secret');
  });

  it('answers 404 for another host or a missing file', async () => {
    expect((await serveAppRequest(dir, 'app://other/index.html')).status).toBe(404);
    expect((await serveAppRequest(dir, 'app://klinikfunk/missing.js')).status).toBe(404);
  });
});
