// What a device hands the relay for an urgent message's escalation (the esc_put frame as bytes,
// before base64): features/escalation/seal.ts makes it, RelayTransport.putEscalation sends it.

export interface SealedEscalationItem {
  toDeviceId: string;
  messageId: string;
  /** A direct envelope (crypto/direct.ts) to that device. */
  payload: Uint8Array;
}

export interface SealedEscalation {
  escalationId: string;
  /** SHA-256 of the acknowledgement token. */
  tokenHash: Uint8Array;
  /** Ascending delays after the relay takes it. */
  steps: ReadonlyArray<{ delayMs: number; items: readonly SealedEscalationItem[] }>;
}

/** The transport calls escalation needs (RelayTransport implements them). */
export interface EscalationTransport {
  putEscalation(escalation: SealedEscalation): Promise<void>;
  ackEscalation(escalationId: string, token: Uint8Array): Promise<void>;
}
