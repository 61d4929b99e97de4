// Every test process applies channel events the way the app does: with the feature folders
// registered through the store's port (features/store-features.ts), as core/wiring.ts registers them
// before any store opens. Tests that open a store of their own would otherwise meet polls, files
// and pins no feature materialises.
import { registerStoreFeatures } from '../../apps/desktop/electron/core/features/store-features.ts';

registerStoreFeatures();
