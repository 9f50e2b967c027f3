import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestKg } from '../../src/kg/ingest.js';
import { KG_FACTS_FILE, KgFacts, readKgFacts, writeKgFacts } from '../../src/kg/kg-facts.js';
import { createTemporaryDirectory } from './csv-test-helpers.js';
import { writeTinyKg } from './tiny-kg.js';
import { rejection } from '../helpers/expect-app-error.js';

let root: Awaited<ReturnType<typeof createTemporaryDirectory>>;
beforeAll(async () => {
  root = await createTemporaryDirectory('biobridge-facts-');
});
afterAll(async () => {
  await root.cleanup();
});

// 1 ⊂ 2 ⊂ 4, 3 ⊂ 4, 5 alone
const links = [
  { child: 1, parent: 2 },
  { child: 2, parent: 4 },
  { child: 3, parent: 4 },
];

describe('KgFacts', () => {
  it('answers GWAS statistics in either order', () => {
    const facts = new KgFacts(
      [{ head: 40, tail: 30, relation: 'variant_disease', pvalueMlog: 8.2, orBeta: 1.3, pubmedId: '123' }],
      [],
    );
    expect(facts.association(40, 30)).toEqual({ pvalueMlog: 8.2, orBeta: 1.3, pubmedId: '123' });
    expect(facts.association(30, 40)).toEqual({ pvalueMlog: 8.2, orBeta: 1.3, pubmedId: '123' });
    expect(facts.association(40, 31)).toBeUndefined();
  });

  it('walks the is_a closure up and down', () => {
    const facts = new KgFacts([], links);
    expect(facts.parents(1)).toEqual([2]);
    expect(facts.children(4)).toEqual([2, 3]);
    expect([...facts.ancestors(1)].sort()).toEqual([2, 4]);
    expect([...facts.descendants(4)].sort()).toEqual([1, 2, 3]);
    expect(facts.isA(1, 4)).toBe(true);
    expect(facts.isA(1, 1)).toBe(true);
    expect(facts.isA(4, 1)).toBe(false);
    expect(facts.isA(3, 2)).toBe(false);
    expect(facts.isA(5, 4)).toBe(false);
    expect(facts.hasOntology).toBe(true);
  });

  it('survives a cycle in the ontology', () => {
    const facts = new KgFacts([], [...links, { child: 4, parent: 1 }]);
    expect([...facts.ancestors(1)].sort()).toEqual([2, 4]);
  });

  it('round-trips through the index file; a missing file is empty facts', async () => {
    const directory = join(root.path, 'graph-a');
    await mkdir(directory, { recursive: true });
    expect((await readKgFacts(directory)).hasOntology).toBe(false);
    await writeKgFacts(
      directory,
      new KgFacts([{ head: 7, tail: 8, relation: 'variant_disease', pvalueMlog: 5 }], links),
    );
    const read = await readKgFacts(directory);
    expect(read.association(7, 8)).toEqual({ pvalueMlog: 5, orBeta: undefined, pubmedId: undefined });
    expect(read.isA(1, 4)).toBe(true);
  });

  it('names the file when it is corrupt', async () => {
    const directory = join(root.path, 'graph-b');
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, KG_FACTS_FILE), gzipSync(Buffer.from('{"format":"other"}')));
    const error = await rejection(readKgFacts(directory));
    expect(error.code).toBe('INVALID_INDEX');
    expect(error.message).toContain(KG_FACTS_FILE);
  });

  it('names the bad row of a well-formed file, as zod says it', async () => {
    const directory = join(root.path, 'graph-c');
    await mkdir(directory, { recursive: true });
    const body = {
      format: 'biobridge-kg-facts',
      version: 1,
      associations: [
        [7, 8, 5, null, null],
        [9, 10, 'high', null, null],
      ],
      isA: [[1, 2]],
    };
    await writeFile(join(directory, KG_FACTS_FILE), gzipSync(Buffer.from(JSON.stringify(body))));
    const error = await rejection(readKgFacts(directory));
    expect(error.code).toBe('INVALID_INDEX');
    expect(error.message).toMatch(/associations\[1\]\[2\]/);
    body.associations[1]![2] = 6;
    await writeFile(join(directory, KG_FACTS_FILE), gzipSync(Buffer.from(JSON.stringify(body))));
    expect((await readKgFacts(directory)).association(10, 9)).toEqual({
      pvalueMlog: 6,
      orBeta: undefined,
      pubmedId: undefined,
    });
  });

  it('comes from ingest: ontology_is_a rows, checked for type', async () => {
    const directory = join(root.path, 'kg-ok');
    await writeTinyKg(directory);
    const { isALinks } = await ingestKg(directory);
    expect(isALinks).toEqual([{ child: 0, parent: 1 }]);

    const bad = join(root.path, 'kg-bad');
    await writeTinyKg(bad, { replace: { ontology_is_a: 'child_index,parent_index\n0,10\n0,99\n' } });
    const result = await ingestKg(bad, { onError: 'skip' });
    expect(result.isALinks).toEqual([]);
    const messages = result.report.files
      .find((file) => file.role === 'ontologyIsA')!
      .errors.map((e) => e.message);
    expect(messages.join('\n')).toContain('different types');
    expect(messages.join('\n')).toContain('node 99 is not in');
  });
});
