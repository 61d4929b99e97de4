// How the relay process is started (deploy/klinikfunk-relay.service, the test harness and the
// bench use these; docs/operations.md, "Memory"). Measured with 200 connected idle devices
// (docs/performance.md, "Where the relay's memory goes"): V8's young generation may grow each
// semi-space to 16 MiB under traffic and keeps it; at 1 MiB the relay's short-lived garbage
// (frames, pushes) is collected sooner. glibc gives every thread that allocates (libuv's pool,
// V8's helper threads) its own malloc arena; two arenas are plenty for one event loop.
// Together about 28 MiB less RSS (139 -> 111 MiB) at the same fan-out throughput.
export const RELAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
export const RELAY_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
