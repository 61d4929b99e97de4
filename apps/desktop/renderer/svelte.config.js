// Svelte 5 runes everywhere: no legacy reactive statements in this codebase.
export default {
  compilerOptions: { runes: true },
};
