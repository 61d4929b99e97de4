// The relay's subcommands (`restore --from`, `export-records --out`) each take one option the
// configuration does not know: it is split off before the rest goes to loadConfig, whose strict
// parser refuses unknown flags.

/** Splits `--<name> <value>` or `--<name>=<value>` off the other arguments. */
export function takeOption(argv: readonly string[], name: string): { value: string | null; rest: string[] } {
  const flag = `--${name}`;
  const rest: string[] = [];
  let value: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === flag) value = argv[++i] ?? null;
    else if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
    else rest.push(arg);
  }
  return { value, rest };
}
