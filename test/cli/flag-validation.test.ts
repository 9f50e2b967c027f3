import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitFusionCommand, trainCommand, trainLigandModelCommand } from '../../src/cli/commands.js';
import { cli } from '../helpers/run-cli.js';

describe('CLI flags are validated before any work, with messages that name the flag', () => {
  it('a negative number names the bound it breaks (not "ambiguous")', async () => {
    const run = await cli(['lookup', 'indexes/demo', 'imatinib', '--limit', '-3']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Too small: expected number to be >=1\n  → at limit');
    expect(run.stderr).not.toContain('ambiguous');
    const ingest = await cli([
      'ingest',
      'data/demo',
      '--out',
      '/nonexistent/never-written',
      '--batch-size',
      '-5',
    ]);
    expect(ingest.code).toBe(2);
    expect(ingest.stderr).toContain('→ at ["batch-size"]');
  });

  it("an unknown --type lists the index's node types", async () => {
    const run = await cli(['lookup', 'indexes/demo', 'imatinib', '--type', 'nonsense']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/^error: --type nonsense: unknown node type; this index has: .*\bdrug\b/);
  });

  it('an unknown --preset fails at once, before any export', async () => {
    const run = await cli(['train', 'indexes/demo', '--preset', 'huge']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Invalid option: expected one of "tiny"|"cpu"|"paper"\n  → at preset');
    // nothing was exported into the index
    expect(existsSync('indexes/demo/export')).toBe(false);
  });

  it('train fits the fusion by default, with the splits fit-fusion defaults to; --no-fit-fusion skips it', async () => {
    const defaults = trainCommand.schema.parse({});
    expect(defaults['no-fit-fusion']).toBe(false);
    expect(defaults['fusion-splits']).toEqual(fitFusionCommand.schema.parse({}).splits);
    expect(trainCommand.schema.parse({ 'no-fit-fusion': true })['no-fit-fusion']).toBe(true);
    const run = await cli(['train', 'indexes/demo', '--fusion-splits', 'nonsense']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'expected a split name such as inductive, inductive-leakfree, inductive-seed7 or unseen-drug',
    );
    expect(existsSync('indexes/demo/export')).toBe(false);
  });

  it('fit-fusion trains the ligand-target model unless --no-ligand-model; train-ligand-model learns from unseen drugs', async () => {
    expect(fitFusionCommand.schema.parse({})['no-ligand-model']).toBe(false);
    expect(fitFusionCommand.schema.parse({}).compare).toContain('ligand_model');
    expect(trainLigandModelCommand.schema.parse({}).split).toBe('unseen-drug');
    expect(trainLigandModelCommand.schema.parse({}).heads).toBe('kernel');
    const run = await cli(['train-ligand-model', 'indexes/demo', '--epochs', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('→ at epochs');
    const heads = await cli(['train-ligand-model', 'indexes/demo', '--heads', 'svm']);
    expect(heads.code).toBe(2);
    expect(heads.stderr).toContain('→ at heads');
    // The demo index has no training export: the trainer is never started and nothing is written.
    const missing = await cli(['train-ligand-model', 'indexes/demo']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('export/manifest.json is missing');
    expect(existsSync('indexes/demo/ligand-model')).toBe(false);
    expect(existsSync('indexes/demo/ligand-model-unseen-drug')).toBe(false);
  });
});
