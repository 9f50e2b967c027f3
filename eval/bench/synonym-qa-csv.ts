/**
 * QA sets (CSV for `biobridge eval qa --csv`) whose subjects are written by a synonym mined from
 * the KG's texts instead of the KG name: a brand or other drug name, a disease's abbreviation or
 * infection form, an older gene symbol. KG-RAG-style phrasings; true and false statements
 * balanced (false ones pair the subject with a same-type node the KG does not link to it), MCQ
 * distractors of the same type. One file per subject type, so accuracy can be read per type.
 *
 *   npx tsx eval/bench/synonym-qa-csv.ts --index /work/idx/copy --out /tmp/synonym-qa [--per-kind 60] [--seed 5]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readLookupEntries } from '../../src/indexing/lookup-entries.js';
import { readGraph } from '../../src/kg/graph.js';
import { createRandom } from '../../src/molecules/ga/random.js';
import { benchArgs } from './bench-args.js';

const values = benchArgs({ index: null, out: '/tmp/synonym-qa', 'per-kind': 60, seed: 5 });
if (values.index === undefined) throw new Error('--index is required');
const perKind = values['per-kind'];
const random = createRandom(values.seed);
const graph = await readGraph(values.index);
const entries = await readLookupEntries(values.index);
const nameOf = (node: number) => graph.node(node)?.name ?? '';

const geneDiseases = new Map<number, number[]>();
const diseaseGenes = new Map<number, number[]>();
const drugDiseases = new Map<number, number[]>();
const diseaseDrugs = new Map<number, number[]>();
const append = (map: Map<number, number[]>, key: number, value: number) => {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
};
for (const kind of graph.edgeKinds) {
  const { heads, tails } = graph.edgesOfKind(kind.id);
  for (let edge = 0; edge < heads.length; edge++) {
    const [head, tail] = [heads[edge]!, tails[edge]!];
    if (
      kind.displayRelation === 'associated with' &&
      kind.headType === 'gene/protein' &&
      kind.tailType === 'disease'
    ) {
      append(geneDiseases, head, tail);
      append(diseaseGenes, tail, head);
    } else if (
      kind.displayRelation === 'indication' &&
      kind.headType === 'drug' &&
      kind.tailType === 'disease'
    ) {
      append(drugDiseases, head, tail);
      append(diseaseDrugs, tail, head);
    }
  }
}
const diseasesTreated = [...diseaseDrugs.keys()];
const diseasesWithGenes = [...diseaseGenes.keys()];
const genes = [...geneDiseases.keys()];
const drugs = [...drugDiseases.keys()];

/** A random node of `pool` not in `exclude`. */
const other = (pool: readonly number[], exclude: ReadonlySet<number>) => {
  for (let tries = 0; tries < 100; tries++) {
    const node = random.pick(pool);
    if (!exclude.has(node)) return node;
  }
  return undefined;
};
const shuffled = <T>(items: T[]) => {
  for (let index = items.length - 1; index > 0; index--) {
    const swap = random.int(index + 1);
    [items[index], items[swap]] = [items[swap]!, items[index]!];
  }
  return items;
};
type Row = { text: string; options?: string[]; answer?: string; label?: boolean };
const subjects = (types: string[], sources: (source: string) => boolean, linked: Map<number, number[]>) =>
  entries.flatMap((entry) =>
    types.includes(entry.type) && linked.has(entry.nodeIndex)
      ? (entry.synonyms ?? [])
          .filter((synonym) => sources(synonym.source))
          .map((synonym) => ({ node: entry.nodeIndex, synonym: synonym.text }))
      : [],
  );

/** `statement` of the linked node as true and, where an unlinked node of `pool` can be drawn, of it as false. */
const trueFalseRows = (
  statement: (node: number) => string,
  linkedNode: number,
  pool: readonly number[],
  linked: ReadonlySet<number>,
): Row[] => {
  const unrelated = other(pool, linked);
  const rows: Row[] = [{ text: statement(linkedNode), label: true }];
  if (unrelated !== undefined) rows.push({ text: statement(unrelated), label: false });
  return rows;
};
/** The answer among up to four distractors of `pool` outside `excluded`, shuffled. */
const optionsWith = (answer: string, pool: readonly number[], excluded: ReadonlySet<number>) => {
  const distractors = new Set<number>();
  while (distractors.size < 4) {
    const node = other(pool, excluded);
    if (node === undefined) break;
    distractors.add(node);
  }
  return shuffled([answer, ...[...distractors].map(nameOf)]);
};

function drugRows(): Row[] {
  const rows: Row[] = [];
  const pool = shuffled(subjects(['drug'], (source) => source.startsWith('drug-description'), drugDiseases));
  for (const { node, synonym } of pool.slice(0, perKind)) {
    const treated = new Set(drugDiseases.get(node));
    const disease = random.pick([...treated]);
    rows.push(
      ...trueFalseRows((tail) => `${synonym} treats ${nameOf(tail)}`, disease, diseasesTreated, treated),
    );
    const options = optionsWith(synonym, drugs, new Set(diseaseDrugs.get(disease)));
    rows.push({
      text: `Out of the given list, which Drug treats ${nameOf(disease)}. Given list is: ${options.join(', ')}`,
      options,
      answer: synonym,
    });
  }
  return rows;
}

function diseaseRows(): Row[] {
  const rows: Row[] = [];
  const pool = shuffled(subjects(['disease'], (source) => !source.startsWith('drug'), diseaseDrugs));
  for (const { node, synonym } of pool.slice(0, perKind)) {
    const treating = new Set(diseaseDrugs.get(node));
    const drug = random.pick([...treating]);
    rows.push(...trueFalseRows((head) => `${nameOf(head)} treats ${synonym}`, drug, drugs, treating));
  }
  return rows;
}

function geneRows(): Row[] {
  const rows: Row[] = [];
  const pool = shuffled(
    subjects(['gene/protein'], (source) => source === 'gwas-catalog:mapped-gene', geneDiseases),
  );
  for (const { node, synonym } of pool.slice(0, perKind)) {
    const associated = new Set(geneDiseases.get(node));
    const disease = random.pick([...associated]);
    rows.push(
      ...trueFalseRows(
        (tail) => `${nameOf(tail)} associates Gene ${synonym}`,
        disease,
        diseasesWithGenes,
        associated,
      ),
    );
    const options = optionsWith(synonym, genes, new Set(diseaseGenes.get(disease)));
    rows.push({
      text: `Out of the given list, which Gene is associated with ${nameOf(disease)}. Given list is: ${options.join(', ')}`,
      options,
      answer: synonym,
    });
  }
  return rows;
}

const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;
await mkdir(values.out, { recursive: true });
for (const [name, rows] of [
  ['drugs', drugRows()],
  ['diseases', diseaseRows()],
  ['genes', geneRows()],
] as const) {
  const lines = ['text,options,answer,label'];
  for (const row of rows)
    lines.push(
      [
        quote(row.text),
        quote(row.options?.join('|') ?? ''),
        quote(row.answer ?? ''),
        row.label === undefined ? '' : String(row.label),
      ].join(','),
    );
  await writeFile(join(values.out, `synonym-qa-${name}.csv`), lines.join('\n') + '\n');
  console.log(
    `${name}: ${rows.length} rows (${rows.filter((row) => row.label !== undefined).length} true/false)`,
  );
}
