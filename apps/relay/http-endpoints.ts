// The relay's plain HTTP endpoints beside the WebSocket: /healthz (liveness) and /readyz (the store
// takes writes). Everything else is 404.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StorageHealth } from './storage-health.ts';
import type { RelayStore } from './store/store.ts';

export interface EndpointState {
  store: RelayStore;
  health: StorageHealth;
  draining(): boolean;
  connections(): number;
}

const answer = (res: ServerResponse, code: number, body: Record<string, unknown>) => {
  res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

export function httpEndpoints({ store, health, draining, connections }: EndpointState) {
  return (req: IncomingMessage, res: ServerResponse) => {
    // Liveness: the process serves. It touches no store, so a service manager or load balancer
    // does not restart or drop a relay for a database outage it cannot fix by restarting.
    if (req.method === 'GET' && req.url === '/healthz') {
      if (draining()) return answer(res, 503, { status: 'draining', store: store.kind, connections: connections() });
      return answer(res, 200, { status: 'ok', store: store.kind, connections: connections() });
    }
    // Readiness: the store takes a real write and has this relay's schema.
    if (req.method === 'GET' && req.url === '/readyz') {
      if (draining()) return answer(res, 503, { status: 'draining', store: store.kind });
      health.check().then(
        (ok) => answer(res, ok ? 200 : 503, { status: ok ? 'ready' : 'store_not_writable', store: store.kind }),
        () => answer(res, 503, { status: 'store_not_writable', store: store.kind }),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  };
}
