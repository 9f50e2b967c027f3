import { readFile } from 'node:fs/promises';
import { AppError } from '../../errors.js';
import type { KgGraph } from '../../kg/graph.js';
import type { KgFacts } from '../../kg/kg-facts.js';
import { createRandom, type Random } from '../../molecules/ga/random.js';

/** One benchmark question with its gold answer: `answer` (an option), `label` (true/false) or `items`. */
export interface QaCase {
  id: string;
  /** Scoring group: multiple choice, true/false (identifier statements included) or list. */
  form: 'multiple-choice' | 'true-false' | 'list';
  /** What it tests, e.g. `tf-associated`; the report breaks accuracy down by it. */
  kind: string;
  /** Index of the phrasing template used (generated sets), so paraphrase robustness shows. */
  phrasing: number;
  text: string;
  options?: string[] | undefined;
  answer?: string | undefined;
  label?: boolean | undefined;
  items?: string[] | undefined;
}

export interface GenerateOptions {
  seed: number;
  /** Cases per kind (balanced true/false within each true/false kind). */
  perKind: number;
}

const OPTIONS_PER_QUESTION = 5;
/** Names that would read as several options or several entities are skipped. */
const AWKWARD_NAME = /[,;|()]|\band\b|\bor\b/i;

interface Relations {
  geneDiseases: Map<number, number[]>;
  diseaseGenes: Map<number, number[]>;
  diseaseVariants: Map<number, number[]>;
  diseaseDrugs: Map<number, number[]>;
  drugDiseases: Map<number, number[]>;
}

/**
 * A QA set generated from the KG's own facts, seeded: multiple choice with same-type distractors
 * the KG does not link to the subjects, and true/false statements balanced between KG facts and
 * same-type pairs the KG does not state (a quarter phrased as negations, which flips the label).
 * Each kind is phrased with several templates. Nothing in the reasoner is fitted to it: it checks
 * parsing, linking and reasoning over the KG, not the KG's coverage of the world.
 */
export function generateQaSet(graph: KgGraph, facts: KgFacts, options: GenerateOptions): QaCase[] {
  const random = createRandom(options.seed);
  const relations = collectRelations(graph);
  const name = (node: number) => graph.node(node)?.name ?? '';
  const usable = (node: number) => {
    const text = name(node);
    return text.length > 1 && text.length < 80 && !AWKWARD_NAME.test(text);
  };
  const cases: QaCase[] = [];
  const push = (
    kind: string,
    form: QaCase['form'],
    build: (phrasing: number) => Omit<QaCase, 'id' | 'kind' | 'form' | 'phrasing'> | undefined,
    phrasings: number,
  ) => {
    let made = 0;
    for (let attempt = 0; made < options.perKind && attempt < options.perKind * 50; attempt++) {
      const phrasing = made % phrasings;
      const built = build(phrasing);
      if (!built) continue;
      cases.push({ id: `${kind}-${made + 1}`, kind, form, phrasing, ...built });
      made++;
    }
  };
  const generators = createGenerators({ graph, facts, random, relations, name, usable });
  push('mcq-gene-two-diseases', 'multiple-choice', generators.geneForTwoDiseases, 4);
  push('mcq-variant-disease', 'multiple-choice', generators.variantForDisease, 3);
  push('mcq-drug-treats', 'multiple-choice', generators.drugForDisease, 3);
  push('tf-associated', 'true-false', generators.associatedStatement, 5);
  push('tf-treats', 'true-false', generators.treatsStatement, 4);
  push('tf-is-a', 'true-false', generators.isAStatement, 4);
  push('tf-identifier', 'true-false', generators.identifierStatement, 3);
  push('list-treats', 'list', generators.drugsList, 2);
  return cases;
}

function collectRelations(graph: KgGraph): Relations {
  const relations: Relations = {
    geneDiseases: new Map(),
    diseaseGenes: new Map(),
    diseaseVariants: new Map(),
    diseaseDrugs: new Map(),
    drugDiseases: new Map(),
  };
  const append = (map: Map<number, number[]>, key: number, value: number) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const kind of graph.edgeKinds) {
    const { heads, tails } = graph.edgesOfKind(kind.id);
    for (let edge = 0; edge < heads.length; edge++) {
      const head = heads[edge]!;
      const tail = tails[edge]!;
      if (
        kind.displayRelation === 'associated with' &&
        kind.headType === 'gene/protein' &&
        kind.tailType === 'disease'
      ) {
        append(relations.geneDiseases, head, tail);
        append(relations.diseaseGenes, tail, head);
      } else if (
        kind.displayRelation === 'associated with' &&
        kind.headType === 'disease' &&
        kind.tailType === 'variant'
      )
        append(relations.diseaseVariants, head, tail);
      else if (
        kind.displayRelation === 'indication' &&
        kind.headType === 'disease' &&
        kind.tailType === 'drug'
      ) {
        append(relations.diseaseDrugs, head, tail);
        append(relations.drugDiseases, tail, head);
      }
    }
  }
  return relations;
}

interface GeneratorContext {
  graph: KgGraph;
  facts: KgFacts;
  random: Random;
  relations: Relations;
  name: (node: number) => string;
  usable: (node: number) => boolean;
}

function createGenerators(context: GeneratorContext) {
  const { graph, facts, random, relations, name, usable } = context;
  const genes = [...relations.geneDiseases.keys()].filter(usable);
  const diseasesWithVariants = [...relations.diseaseVariants.keys()].filter(usable);
  const variants = [...new Set([...relations.diseaseVariants.values()].flat())];
  const treatedDiseases = [...relations.diseaseDrugs.keys()].filter(usable);
  const drugs = [...relations.drugDiseases.keys()].filter(usable);
  const diseases = [...graph.nodesOfType('disease')].filter(usable);
  const linked = (first: number, second: number) =>
    graph.neighbours(first).some((edge) => edge.node === second);
  const casing = (text: string) =>
    random.next() < 0.5 ? text : text.charAt(0).toUpperCase() + text.slice(1);
  const distractors = (pool: readonly number[], avoid: (node: number) => boolean, count: number) => {
    const chosen = new Set<number>();
    for (let attempt = 0; chosen.size < count && attempt < count * 40; attempt++) {
      const node = random.pick(pool);
      if (!avoid(node)) chosen.add(node);
    }
    return chosen.size === count ? [...chosen] : undefined;
  };
  const optionsWith = (answer: number, others: readonly number[]) =>
    shuffle(random, [answer, ...others]).map(name);
  const letters = (options: readonly string[]) =>
    options.map((option, position) => `(${String.fromCharCode(97 + position)}) ${option}`).join(' ');

  return {
    geneForTwoDiseases(phrasing: number) {
      const gene = random.pick(genes);
      const own = (relations.geneDiseases.get(gene) ?? []).filter(usable);
      if (own.length < 2) return undefined;
      const [first, second] = shuffle(random, own).slice(0, 2) as [number, number];
      const others = distractors(
        genes,
        (node) => node === gene || linked(node, first) || linked(node, second),
        OPTIONS_PER_QUESTION - 1,
      );
      if (!others) return undefined;
      const options = optionsWith(gene, others);
      const [a, b] = [casing(name(first)), casing(name(second))];
      const text = [
        `Out of the given list, which Gene is associated with ${a} and ${b}. Given list is: ${options.join(', ')}`,
        `Which of the following genes is linked to both ${a} and ${b}? Options: ${options.join(', ')}`,
        `${a} and ${b} are both associated with which gene? ${letters(options)}`,
        `Pick the gene related to ${a} and ${b} from: ${options.join('; ')}`,
      ][phrasing]!;
      return { text, options, answer: name(gene) };
    },
    variantForDisease(phrasing: number) {
      const disease = random.pick(diseasesWithVariants);
      const own = relations.diseaseVariants.get(disease) ?? [];
      const variant = random.pick(own);
      const others = distractors(variants, (node) => linked(node, disease), OPTIONS_PER_QUESTION - 1);
      if (!others) return undefined;
      const options = optionsWith(variant, others);
      const d = casing(name(disease));
      const text = [
        `Out of the given list, which Variant is associated with ${d}. Given list is: ${options.join(', ')}`,
        `Which SNP is associated with ${d}? Choices: ${options.join(', ')}`,
        `${d} is associated with which variant? ${letters(options)}`,
      ][phrasing]!;
      return { text, options, answer: name(variant) };
    },
    drugForDisease(phrasing: number) {
      const disease = random.pick(treatedDiseases);
      const drug = random.pick(relations.diseaseDrugs.get(disease) ?? []);
      if (!usable(drug)) return undefined;
      const others = distractors(drugs, (node) => linked(node, disease), OPTIONS_PER_QUESTION - 1);
      if (!others) return undefined;
      const options = optionsWith(drug, others);
      const d = casing(name(disease));
      const text = [
        `Which drug treats ${d}? Options: ${options.join(', ')}`,
        `Out of the given list, which drug is indicated for ${d}. Given list is: ${options.join(', ')}`,
        `${d} can be treated with which of the following? ${letters(options)}`,
      ][phrasing]!;
      return { text, options, answer: name(drug) };
    },
    associatedStatement(phrasing: number) {
      const truth = random.next() < 0.5;
      const disease = random.pick([...relations.diseaseGenes.keys()]);
      if (!usable(disease)) return undefined;
      const gene = truth
        ? random.pick(relations.diseaseGenes.get(disease) ?? [])
        : distractors(genes, (node) => linked(node, disease), 1)?.[0];
      if (gene === undefined || !usable(gene)) return undefined;
      return statement(
        random,
        truth,
        casing(name(disease)),
        name(gene),
        (
          [
            (d, g) => `${d} associates Gene ${g}`,
            (d, g) => `${d} is associated with gene ${g}`,
            (d, g) => `${g} is linked to ${d}`,
            (d, g) => `Is ${d} associated with the gene ${g}?`,
            (d, g) => `True or false: ${g} is a risk gene for ${d}`,
          ] satisfies Template[]
        )[phrasing]!,
        (d, g) => `${d} is not associated with Gene ${g}`,
      );
    },
    treatsStatement(phrasing: number) {
      const truth = random.next() < 0.5;
      const disease = random.pick(treatedDiseases);
      const drug = truth
        ? random.pick(relations.diseaseDrugs.get(disease) ?? [])
        : distractors(drugs, (node) => linked(node, disease), 1)?.[0];
      if (drug === undefined || !usable(drug)) return undefined;
      return statement(
        random,
        truth,
        casing(name(disease)),
        name(drug).toLowerCase(),
        (
          [
            (d, x) => `${x} treats ${d}`,
            (d, x) => `${x} is used to treat ${d}`,
            (d, x) => `Is ${x} indicated for ${d}?`,
            (d, x) => `${x} is a treatment for ${d}`,
          ] satisfies Template[]
        )[phrasing]!,
        (d, x) => `${x} does not treat ${d}`,
      );
    },
    isAStatement(phrasing: number) {
      const truth = random.next() < 0.5;
      const disease = random.pick(diseases);
      const ancestors = [...facts.ancestors(disease)].filter(
        (node) => usable(node) && facts.parents(node).length > 0,
      );
      if (ancestors.length === 0) return undefined;
      const parent = truth
        ? random.pick(ancestors)
        : distractors(
            diseases,
            (node) =>
              facts.isA(disease, node) || facts.isA(node, disease) || facts.children(node).length === 0,
            1,
          )?.[0];
      if (parent === undefined) return undefined;
      return statement(
        random,
        truth,
        casing(name(disease)),
        name(parent),
        (
          [
            (d, p) => `${d} is a ${p}`,
            (d, p) => `${d} is a type of ${p}`,
            (d, p) => `Is ${d} a kind of ${p}?`,
            (d, p) => `${d} is classified as a ${p}`,
          ] satisfies Template[]
        )[phrasing]!,
        (d, p) => `${d} is not a ${p}`,
      );
    },
    identifierStatement(phrasing: number) {
      const truth = random.next() < 0.5;
      const disease = random.pick(diseases);
      const other = random.pick(diseases);
      if (other === disease) return undefined;
      const id = graph.node(truth ? disease : other)?.id ?? '';
      return statement(
        random,
        truth,
        casing(name(disease)),
        id,
        (
          [
            (d, i) => `Disease ontology identifier for ${d} is ${i}`,
            (d, i) => `The DOID of ${d} is ${i}`,
            (d, i) => `${d} has the identifier ${i}`,
          ] satisfies Template[]
        )[phrasing]!,
        (d, i) => `${i} is not the disease ontology identifier of ${d}`,
      );
    },
    drugsList(phrasing: number) {
      const disease = random.pick(treatedDiseases);
      const items = (relations.diseaseDrugs.get(disease) ?? []).map(name);
      const d = casing(name(disease));
      const text = [`Which drugs treat ${d}?`, `List the drugs indicated for ${d}`][phrasing]!;
      return { text, items };
    },
  };
}

type Template = (subject: string, object: string) => string;

/** A statement, negated a quarter of the time (the label flips). */
function statement(
  random: Random,
  truth: boolean,
  subject: string,
  object: string,
  phrase: (subject: string, object: string) => string,
  negated: (subject: string, object: string) => string,
): { text: string; label: boolean } {
  if (random.next() < 0.25) return { text: negated(subject, object), label: !truth };
  return { text: phrase(subject, object), label: truth };
}

function shuffle<T>(random: Random, items: readonly T[]): T[] {
  const result = [...items];
  for (let position = result.length - 1; position > 0; position--) {
    const other = random.int(position + 1);
    [result[position], result[other]] = [result[other]!, result[position]!];
  }
  return result;
}

/**
 * A user's QA set as CSV with a header: `text` (required), `options` (optional, separated by `|`
 * or `;`), and `answer` (the correct option) or `label` (true/false, yes/no, 1/0).
 */
export async function readQaCsv(path: string): Promise<QaCase[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    throw new AppError({ code: 'INVALID_INPUT_FILE', message: `cannot read ${path}`, cause: error });
  }
  return parseQaCsv(content, path);
}

export function parseQaCsv(content: string, source = 'CSV'): QaCase[] {
  const rows = parseCsv(content);
  const header = (rows.shift() ?? []).map((column) => column.trim().toLowerCase());
  const column = (name: string) => header.indexOf(name);
  const textColumn = column('text') >= 0 ? column('text') : column('question');
  if (textColumn < 0)
    throw new AppError({
      code: 'INVALID_INPUT_FILE',
      message: `${source}: the header needs a "text" column, got: ${header.join(', ')}`,
    });
  const optionsColumn = column('options');
  const answerColumn = column('answer');
  const labelColumn = column('label');
  if (answerColumn < 0 && labelColumn < 0)
    throw new AppError({
      code: 'INVALID_INPUT_FILE',
      message: `${source}: the header needs an "answer" or "label" column`,
    });
  return rows
    .filter((row) => row.some((cell) => cell.trim() !== ''))
    .map((row, position) => {
      const line = position + 2;
      const text = row[textColumn]?.trim() ?? '';
      if (text === '')
        throw new AppError({ code: 'INVALID_INPUT_FILE', message: `${source} row ${line}: empty text` });
      const rawOptions = optionsColumn >= 0 ? (row[optionsColumn] ?? '').trim() : '';
      const options =
        rawOptions === '' ? undefined : rawOptions.split(/\s*[|;]\s*/).filter((option) => option !== '');
      const rawLabel = labelColumn >= 0 ? (row[labelColumn] ?? '').trim() : '';
      const rawAnswer = answerColumn >= 0 ? (row[answerColumn] ?? '').trim() : '';
      const label = parseLabel(rawLabel !== '' ? rawLabel : options ? '' : rawAnswer);
      if (label === undefined && rawAnswer === '')
        throw new AppError({
          code: 'INVALID_INPUT_FILE',
          message: `${source} row ${line}: no answer or label`,
        });
      const form: QaCase['form'] = label !== undefined ? 'true-false' : 'multiple-choice';
      return {
        id: `row-${line}`,
        form,
        kind: form === 'true-false' ? 'csv-true-false' : 'csv-multiple-choice',
        phrasing: 0,
        text,
        options,
        ...(label !== undefined ? { label } : { answer: rawAnswer }),
      };
    });
}

function parseLabel(value: string): boolean | undefined {
  if (/^(?:true|yes|1|t|y)$/i.test(value)) return true;
  if (/^(?:false|no|0|f|n)$/i.test(value)) return false;
  return undefined;
}

/** RFC 4180 CSV: quoted fields with doubled quotes and embedded newlines. */
export function parseCsv(content: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let position = 0; position < content.length; position++) {
    const char = content[position]!;
    if (quoted) {
      if (char === '"' && content[position + 1] === '"') {
        field += '"';
        position++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && content[position + 1] === '\n') position++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
