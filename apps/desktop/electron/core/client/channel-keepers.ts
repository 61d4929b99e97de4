// The port through which a feature keeps the rosters of some channels to a rule of its own (a
// conversation with a function role follows the role's holders, features/roles/conversations.ts)
// without the client importing the feature: the feature registers a keeper once (features/
// registry.ts, called by the composition root), and every discovery run (after each directory
// refresh, each page of the directory channel, and at the moment a keeper says its plan changes
// by time alone) asks each keeper what the rosters should be now. The member devices sign what
// the keeper plans, so the relay only forwards what members signed.
import type { Directory } from '@klinikfunk/crypto/directory.ts';
import type { ProfileStore } from '../store/profile-store.ts';

export interface KeeperContext {
  store: ProfileStore;
  directory: Directory;
  self: { userId: string; deviceId: string };
  now: number;
}

export interface KeptRoster {
  channelId: string;
  /** The whole roster it should have now (the signer stays an admin only if named here). */
  members: Array<{ userId: string; role: 'admin' | 'member' }>;
}

export interface ChannelKeeper {
  name: string;
  /** Event types whose arrival (in any channel) asks for a run: they may make a channel a kept one. */
  wakesOn: readonly string[];
  /** The rosters of the channels it keeps that this user is a member of, as they should be now. */
  rosters(ctx: KeeperContext): KeptRoster[];
  /**
   * Whether a user the signed roster names counts as a member of a channel it keeps, on this
   * device now (Directory's member gate): one it refuses gets no keys or history from this device,
   * and its keys are not taken. True for channels it does not keep.
   */
  admits(ctx: KeeperContext, channelId: string, userId: string): boolean;
  /** Channels this user was removed from whose content and keys this device must delete now. */
  toForget(ctx: KeeperContext): string[];
  /** This device deleted a channel's content and keys (`toForget`). */
  forgotten(ctx: KeeperContext, channelId: string): void;
  /** The next moment its rosters change by time alone (a scheduled handover); null: none ahead. */
  nextChange(ctx: KeeperContext): number | null;
}

const keepers = new Map<string, ChannelKeeper>();

/** Idempotent: registering the same name again replaces it. */
export function registerChannelKeeper(keeper: ChannelKeeper): void {
  keepers.set(keeper.name, keeper);
}

export function channelKeepers(): ChannelKeeper[] {
  return [...keepers.values()];
}
