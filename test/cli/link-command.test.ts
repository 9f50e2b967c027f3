import { describe, expect, it } from 'vitest';
import type { LinkResult } from '../../src/linking/types.js';
import { cli } from '../helpers/run-cli.js';

/** `biobridge link indexes/demo ...args` */
const linkDemo = (...args: string[]) => cli(['link', 'indexes/demo', ...args]);

describe('biobridge link', () => {
  it('prints the spans of a question as JSON on the demo index', async () => {
    const run = await linkDemo('Which proteins does imatinib target in CHRONIC myeloid leukaemia?', '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as LinkResult;
    expect(
      result.spans.map((span) => [span.surface, span.candidates[0]?.id, span.candidates[0]?.matchedBy]),
    ).toEqual([
      ['imatinib', 'DB00619', 'exact'],
      ['CHRONIC myeloid leukaemia', 'DOID:8552', 'normalized'],
    ]);
  });

  it('prints a table, honours --type and --limit, and exits 1 when nothing links', async () => {
    const table = await linkDemo('imatinib and ABL1', '--type', 'gene/protein', '--limit', '1');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^span\s+at\s+rank\s+score\s+match\s+type\s+id\s+name\s+ambiguous\n/);
    expect(table.stdout).toContain('ABL1');
    expect(table.stdout).not.toContain('Imatinib');
    const none = await linkDemo('nothing to see here');
    expect(none).toMatchObject({ code: 1, stdout: 'no entity found in "nothing to see here"\n' });
  });

  it('rejects a bad limit and a missing text as usage errors', async () => {
    expect((await linkDemo('x', '--limit', '0')).code).toBe(2);
    expect((await linkDemo()).code).toBe(2);
  });

  it('fails with a clear message for a directory that is not an index', async () => {
    const run = await cli(['link', 'no/such/index', 'imatinib']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no/such/index/lookup/entries.json.gz is missing or unreadable');
  });
});
