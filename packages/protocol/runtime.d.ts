// The few globals every runtime this code meets has (browsers, Node, Electron), declared here
// because packages/protocol/ compiles without the DOM and Node type libraries on purpose.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
