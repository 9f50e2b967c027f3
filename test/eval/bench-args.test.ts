import { describe, expect, it } from 'vitest';
import { benchArgs } from '../../eval/bench/bench-args.js';

describe('benchArgs', () => {
  const defaults = { index: 'indexes/demo', runs: 5, json: false, kg: null } as const;

  it('applies each default with the type it implies', () => {
    expect(benchArgs(defaults, [])).toEqual({ index: 'indexes/demo', runs: 5, json: false, kg: undefined });
  });

  it('parses given flags: numbers as numbers, switches as true, text as given', () => {
    expect(benchArgs(defaults, ['--runs', '12', '--json', '--kg', '../shared/kg', '--index=x'])).toEqual({
      index: 'x',
      runs: 12,
      json: true,
      kg: '../shared/kg',
    });
  });

  it.each([['ten'], [''], ['Infinity']])('rejects --runs %j, naming the flag', (value) => {
    expect(() => benchArgs(defaults, ['--runs', value])).toThrow(`--runs expects a number, got "${value}"`);
  });

  it('rejects a flag it does not declare', () => {
    expect(() => benchArgs(defaults, ['--rows', '3'])).toThrow(/rows/);
  });
});
