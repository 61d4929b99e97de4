// Public surface of the transport module.
export type {
  BlobOptions,
  ConnectionInfo,
  BlobProgress,
  DirectoryPage,
  MailboxMessage,
  Transport,
  TransportErrorCode,
  TransportState,
  WireEvent,
} from './transport.ts';
export { TransportError, reconnectDelay } from './transport.ts';
export { RelayTransport, type RelayTransportOptions } from './relay-transport.ts';
export { LoopbackHub, LoopbackTransport, type LoopbackHubOptions } from './loopback.ts';
export { bootstrapRelay } from './bootstrap.ts';
