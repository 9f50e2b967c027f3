import { parseArgs } from 'node:util';

/** A flag's default: a number makes a number flag, a boolean a switch, a string a text flag; `null` a text flag without one. */
export type BenchFlagDefault = number | string | boolean | null;

export type BenchArgs<Defaults extends Record<string, BenchFlagDefault>> = {
  [Name in keyof Defaults]: Defaults[Name] extends number
    ? number
    : Defaults[Name] extends boolean
      ? boolean
      : Defaults[Name] extends string
        ? string
        : string | undefined;
};

/**
 * The `--flag value` options of a benchmark script, each declared once by its default (its type
 * follows from the default). A number flag that is not a finite number fails, naming the flag.
 */
export function benchArgs<const Defaults extends Record<string, BenchFlagDefault>>(
  defaults: Defaults,
  args: string[] = process.argv.slice(2),
): BenchArgs<Defaults> {
  const options = Object.fromEntries(
    Object.entries(defaults).map(([name, fallback]) => [
      name,
      { type: typeof fallback === 'boolean' ? ('boolean' as const) : ('string' as const) },
    ]),
  );
  const { values } = parseArgs({ args, options });
  const parsed: Record<string, unknown> = {};
  for (const [name, fallback] of Object.entries(defaults)) {
    const given = values[name];
    if (given === undefined) parsed[name] = fallback ?? undefined;
    else if (typeof fallback !== 'number') parsed[name] = given;
    else {
      const number = Number(given);
      if (typeof given !== 'string' || given.trim() === '' || !Number.isFinite(number))
        throw new Error(`--${name} expects a number, got ${JSON.stringify(given)}`);
      parsed[name] = number;
    }
  }
  return parsed as BenchArgs<Defaults>;
}
