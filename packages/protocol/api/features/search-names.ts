// Method names of search (api/features/search.ts); merged into names.ts.
export const SEARCH_METHOD_NAMES = ['search.query'] as const;
