/** `T` with its `undefined`-valued keys optional instead: what an API typed without `| undefined` accepts. */
export type DefinedFields<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/**
 * A copy of `fields` without its `undefined` values. For handing optional inputs to APIs that
 * declare `key?: T` (no `| undefined`) under `exactOptionalPropertyTypes`, instead of one
 * `...(x === undefined ? {} : { x })` spread per key.
 */
export function definedFields<T extends object>(fields: T): DefinedFields<T> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) copy[key] = value;
  return copy as DefinedFields<T>;
}
