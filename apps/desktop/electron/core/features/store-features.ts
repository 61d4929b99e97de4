// The features that materialise their own channel events through the store's port
// (store/content-features.ts): their repositories only, so the vitest setup file
// (tests/harness/store-features.ts) registers them in every test process without loading every
// feature's handlers (that import cost a second or two per test file). features/registry.ts
// re-exports it for core/wiring.ts; a new feature with events adds its line here.
import { calendarContent } from './calendar/repository.ts';
import { escalationContent } from './escalation/repository.ts';
import { filesContent } from './files/repository.ts';
import { messagesContent } from './messages/repository.ts';
import { pinsContent } from './pins/repository.ts';
import { pollsContent } from './polls/repository.ts';
import { reactionsContent } from './reactions/repository.ts';
import { rolesContent } from './roles/repository.ts';
import { alertsContent } from './alerts/repository.ts';
import { availabilityContent } from './availability/repository.ts';
import { roleHoldersLookup } from './roles/cover-holders.ts';
import { registerRoleHolders } from './kit/role-holders.ts';
import { registerContentFeature } from '../store/content-features.ts';
import { registerChannelKeeper } from '../client/channel-keepers.ts';
import { roleConversationKeeper } from './roles/conversations.ts';

/** Called once by wiring.ts before any store opens, and by tests that apply events to a store of their own; idempotent. */
export function registerStoreFeatures(): void {
  registerContentFeature(messagesContent);
  registerContentFeature(pinsContent);
  registerContentFeature(pollsContent);
  registerContentFeature(filesContent);
  registerContentFeature(rolesContent);
  registerContentFeature(reactionsContent);
  registerContentFeature(calendarContent);
  registerContentFeature(alertsContent);
  registerContentFeature(escalationContent);
  registerContentFeature(availabilityContent);
  // A cover that is a role goes to its holders (availability asks the roles fold through the kit).
  registerRoleHolders(roleHoldersLookup);
  // Not a store port, but registered with it: a role conversation's roster follows its holders.
  registerChannelKeeper(roleConversationKeeper);
}
