// Serves the built renderer from app://klinikfunk/ instead of file://, so the UI has a real
// origin for the CSP and the sender-frame check, and file:// never gets extra privileges.
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { SECURITY_HEADERS } from '../core/security/csp.ts';
import { mimeTypeFor, resolveStaticPath } from '../core/security/static-files.ts';
import { APP_HOST, APP_SCHEME } from './window.ts';

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** Answers a request for app://klinikfunk/<path> from `rendererDir`. */
export async function serveAppRequest(rendererDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
  const file = resolveStaticPath(rendererDir, url.pathname);
  if (!file) return new Response('Bad request', { status: 400 });
  try {
    const body = await readFile(file);
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'Content-Type': mimeTypeFor(file) },
    });
  } catch {
    return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
  }
}

export function handleAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir, request.url));
}
