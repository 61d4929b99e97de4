// Method names of the quick-reactions feature (api/features/reactions.ts); merged into names.ts.
export const REACTIONS_METHOD_NAMES = ['reactions.list', 'reactions.toggle'] as const;
