// Method names of polls (api/features/polls.ts); merged into names.ts.
export const POLLS_METHOD_NAMES = ['polls.list', 'polls.create', 'polls.vote', 'polls.close'] as const;
