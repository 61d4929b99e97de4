import { type MethodInput, type MethodOutput } from '../../shared/api/contract.ts';
import { type MethodName } from '../../shared/api/names.ts';
import { type Result } from '../../shared/api/result.ts';
import { type SenderInfo } from './sender.ts';
export type Handler<M extends MethodName> = (input: MethodInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M>;
export type Handlers = {
    [M in MethodName]: Handler<M>;
};
export interface RouterLog {
    warn(message: string, fields?: Record<string, unknown>): void;
    error(message: string, fields?: Record<string, unknown>): void;
}
export interface RouterOptions {
    handlers: Handlers;
    /** Scheme and host the app is served from: "app://klinikfunk" in Electron. */
    allowedOrigin: string;
    /** Check handler output against the contract too (development and tests). */
    validateOutput: boolean;
    log: RouterLog;
}
export interface Router {
    invoke(sender: SenderInfo, method: unknown, input: unknown): Promise<Result<unknown>>;
}
export declare function createRouter(options: RouterOptions): Router;
