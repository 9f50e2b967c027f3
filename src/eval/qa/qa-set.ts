import { readFile } from 'node:fs/promises';
import { AppError } from '../../errors.js';
import type { KgGraph } from '../../kg/graph.js';
import type { KgFacts } from '../../kg/kg-facts.js';
import { createRandom, type Random } from '../../molecules/ga/random.js';
import { varyName } from './name-variants.js';
import type { ChoiceTemplate, PhrasingTemplates, Template } from './phrasing-templates.js';
import { FRESH_PHRASINGS } from './fresh-phrasings.js';
import { ROBUST_PHRASINGS } from './robust-phrasings.js';

export type { PhrasingTemplates } from './phrasing-templates.js';

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
  /**
   * Node-index pairs whose direct KG edges state the answer (generated sets): the ablation
   * benchmark hides them from the reasoner, so the case must be decided from indirect evidence.
   */
  hidden?: [number, number][] | undefined;
  /** `robust-names` phrasings: how the subject's KG name was rewritten ("possessive", "british"…). */
  nameVariant?: string | undefined;
}

export interface GenerateOptions {
  seed: number;
  /** Cases per kind (balanced true/false within each true/false kind). */
  perKind: number;
  /**
   * Which subjects a case may have: `dev` and `test` split the subject nodes (a gene, a disease) in
   * two disjoint halves by a fixed hash, so a policy chosen on dev is measured on unseen entities.
   */
  split?: QaSplit | undefined;
  /**
   * `main`: the templates the question parser was written against; `heldout`: a second bank
   * written before any parser change for it, to measure paraphrase robustness honestly;
   * `robust`: a third bank written apart from both (`robust-phrasings.ts`); `robust-names`: that
   * bank with the subjects' KG names rewritten as outside sets write them (`name-variants.ts`);
   * `fresh`: a fourth bank (`fresh-phrasings.ts`), written after the other three had been seen.
   */
  phrasings?: PhrasingBank | undefined;
  /**
   * How multiple-choice distractors and false statements' entities are drawn: `uniform` (default)
   * from every same-type entity with the relation; `matched` from those whose number of facts of
   * the relation is close to the answer's as the reasoner sees it (after the ablation hides the
   * answer's edges), so that picking the best-studied option cannot score above chance.
   */
  distractors?: DistractorDraw | undefined;
}

export const DISTRACTOR_DRAWS = ['uniform', 'matched'] as const;
export type DistractorDraw = (typeof DISTRACTOR_DRAWS)[number];

export type QaSplit = 'all' | 'dev' | 'test';
export const PHRASING_BANKS = ['main', 'heldout', 'robust', 'robust-names', 'fresh'] as const;
export type PhrasingBank = (typeof PHRASING_BANKS)[number];

/** The half of the subject nodes a split keeps (an integer hash, so it is stable across runs). */
export function inSplit(node: number, split: QaSplit): boolean {
  if (split === 'all') return true;
  let hash = Math.imul(node ^ 0x5bd1e995, 0x27d4eb2d) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 15), 0x85ebca6b) >>> 0;
  return ((hash >>> 7) & 1) === (split === 'dev' ? 0 : 1);
}

const OPTIONS_PER_QUESTION = 5;
/** Names that would read as several options or several entities are skipped. */
const AWKWARD_NAME = /[,;|()]|\band\b|\bor\b/i;

interface Relations {
  geneDiseases: Map<number, number[]>;
  diseaseGenes: Map<number, number[]>;
  diseaseVariants: Map<number, number[]>;
  variantDiseases: Map<number, number[]>;
  diseaseDrugs: Map<number, number[]>;
  drugDiseases: Map<number, number[]>;
}

/** A popularity-matched draw keeps at least this many candidates (widening the degree band). */
const MATCHED_POOL = 60;
/** Degrees within this log1p distance of the target count as matched. */
const MATCHED_BAND = 0.25;

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
  const split = options.split ?? 'all';
  const subjectOk = (node: number) => usable(node) && inSplit(node, split);
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
      renamed.kind = undefined;
      const built = build(phrasing);
      if (!built) continue;
      const nameVariant = renamed.kind;
      cases.push({ id: `${kind}-${made + 1}`, kind, form, phrasing, ...built, nameVariant });
      made++;
    }
  };
  const bank = BANKS[options.phrasings ?? 'main'];
  const renamed: { kind?: string | undefined } = {};
  const generators = createGenerators({
    graph,
    facts,
    random,
    relations,
    name,
    usable,
    subjectOk,
    bank,
    draw: options.distractors ?? 'uniform',
    rename:
      options.phrasings === 'robust-names'
        ? (text) => {
            const variant = varyName(text, random);
            renamed.kind = variant.kind;
            return variant.text;
          }
        : undefined,
  });
  push('mcq-gene-two-diseases', 'multiple-choice', generators.geneForTwoDiseases, bank.geneForTwo.length);
  push('mcq-variant-disease', 'multiple-choice', generators.variantForDisease, bank.variantFor.length);
  push('mcq-drug-treats', 'multiple-choice', generators.drugForDisease, bank.drugFor.length);
  push('tf-associated', 'true-false', generators.associatedStatement, bank.associated.length);
  push('tf-treats', 'true-false', generators.treatsStatement, bank.treats.length);
  push('tf-is-a', 'true-false', generators.isAStatement, bank.isA.length);
  push('tf-identifier', 'true-false', generators.identifierStatement, bank.identifier.length);
  push('list-treats', 'list', generators.drugsList, bank.drugsList.length);
  return cases;
}

/** Which edges fill which maps: (relation, head type, tail type) → head's list, tail's list. */
const RELATION_MAPS: readonly [string, string, string, keyof Relations, keyof Relations][] = [
  ['associated with', 'gene/protein', 'disease', 'geneDiseases', 'diseaseGenes'],
  ['associated with', 'disease', 'variant', 'diseaseVariants', 'variantDiseases'],
  ['indication', 'disease', 'drug', 'diseaseDrugs', 'drugDiseases'],
];

function collectRelations(graph: KgGraph): Relations {
  const relations: Relations = {
    geneDiseases: new Map(),
    diseaseGenes: new Map(),
    diseaseVariants: new Map(),
    variantDiseases: new Map(),
    diseaseDrugs: new Map(),
    drugDiseases: new Map(),
  };
  const append = (map: Map<number, number[]>, key: number, value: number) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const kind of graph.edgeKinds) {
    const row = RELATION_MAPS.find(
      ([relation, headType, tailType]) =>
        kind.displayRelation === relation && kind.headType === headType && kind.tailType === tailType,
    );
    if (!row) continue;
    const [, , , byHead, byTail] = row;
    const { heads, tails } = graph.edgesOfKind(kind.id);
    for (let edge = 0; edge < heads.length; edge++) {
      append(relations[byHead], heads[edge]!, tails[edge]!);
      append(relations[byTail], tails[edge]!, heads[edge]!);
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
  /** A usable subject of this split. */
  subjectOk: (node: number) => boolean;
  bank: PhrasingTemplates;
  draw: DistractorDraw;
  /** Rewrites a subject's name as an outside set might (`robust-names`); undefined keeps it. */
  rename?: ((name: string) => string) | undefined;
}

const letters = (options: readonly string[]) =>
  options.map((option, position) => `(${String.fromCharCode(97 + position)}) ${option}`).join(' ');
const capitals = (options: readonly string[]) =>
  options.map((option, position) => `${String.fromCharCode(65 + position)}. ${option}`).join(' ');
const numbered = (options: readonly string[]) =>
  options.map((option, position) => `${position + 1}) ${option}`).join(' ');
const orList = (options: readonly string[]) =>
  `${options.slice(0, -1).join(', ')} or ${options.at(-1) ?? ''}`;

/** The templates the question parser was developed against. */
const MAIN_PHRASINGS: PhrasingTemplates = {
  geneForTwo: [
    ([a, b], o) =>
      `Out of the given list, which Gene is associated with ${a} and ${b}. Given list is: ${o.join(', ')}`,
    ([a, b], o) => `Which of the following genes is linked to both ${a} and ${b}? Options: ${o.join(', ')}`,
    ([a, b], o) => `${a} and ${b} are both associated with which gene? ${letters(o)}`,
    ([a, b], o) => `Pick the gene related to ${a} and ${b} from: ${o.join('; ')}`,
  ],
  variantFor: [
    ([d], o) =>
      `Out of the given list, which Variant is associated with ${d}. Given list is: ${o.join(', ')}`,
    ([d], o) => `Which SNP is associated with ${d}? Choices: ${o.join(', ')}`,
    ([d], o) => `${d} is associated with which variant? ${letters(o)}`,
  ],
  drugFor: [
    ([d], o) => `Which drug treats ${d}? Options: ${o.join(', ')}`,
    ([d], o) => `Out of the given list, which drug is indicated for ${d}. Given list is: ${o.join(', ')}`,
    ([d], o) => `${d} can be treated with which of the following? ${letters(o)}`,
  ],
  associated: [
    (d, g) => `${d} associates Gene ${g}`,
    (d, g) => `${d} is associated with gene ${g}`,
    (d, g) => `${g} is linked to ${d}`,
    (d, g) => `Is ${d} associated with the gene ${g}?`,
    (d, g) => `True or false: ${g} is a risk gene for ${d}`,
  ],
  associatedNegated: (d, g) => `${d} is not associated with Gene ${g}`,
  treats: [
    (d, x) => `${x} treats ${d}`,
    (d, x) => `${x} is used to treat ${d}`,
    (d, x) => `Is ${x} indicated for ${d}?`,
    (d, x) => `${x} is a treatment for ${d}`,
  ],
  treatsNegated: (d, x) => `${x} does not treat ${d}`,
  isA: [
    (d, p) => `${d} is a ${p}`,
    (d, p) => `${d} is a type of ${p}`,
    (d, p) => `Is ${d} a kind of ${p}?`,
    (d, p) => `${d} is classified as a ${p}`,
  ],
  isANegated: (d, p) => `${d} is not a ${p}`,
  identifier: [
    (d, i) => `Disease ontology identifier for ${d} is ${i}`,
    (d, i) => `The DOID of ${d} is ${i}`,
    (d, i) => `${d} has the identifier ${i}`,
  ],
  identifierNegated: (d, i) => `${i} is not the disease ontology identifier of ${d}`,
  drugsList: [(d) => `Which drugs treat ${d}?`, (d) => `List the drugs indicated for ${d}`],
};

/**
 * A second bank, written before the parser was changed for it and not used while developing the
 * parser's patterns: its accuracy is the honest paraphrase-robustness number.
 */
const HELDOUT_PHRASINGS: PhrasingTemplates = {
  geneForTwo: [
    ([a, b], o) => `Identify the gene implicated in ${a} as well as ${b}. Candidates: ${o.join(' / ')}`,
    ([a, b], o) => `Which one of these genes has been reported for both ${a} and ${b}? ${capitals(o)}`,
    ([a, b], o) => `A gene shared by ${a} and ${b} is one of ${orList(o)}. Which one?`,
    ([a, b], o) => `Select the gene connected with ${a} and with ${b}. Answer choices: ${numbered(o)}`,
  ],
  variantFor: [
    ([d], o) => `Which of the listed SNPs shows an association with ${d}? ${o.join(', ')}`,
    ([d], o) => `For ${d}, select the associated variant: ${orList(o)}`,
    ([d], o) => `Which genetic variant has been linked to ${d} in GWAS? ${capitals(o)}`,
  ],
  drugFor: [
    ([d], o) => `What medication would be prescribed for ${d}? Possible answers: ${o.join(', ')}`,
    ([d], o) => `${d}: which of these is an approved therapy? ${numbered(o)}`,
    ([d], o) => `Choose the compound indicated in ${d} among ${orList(o)}`,
  ],
  associated: [
    (d, g) => `There is an association between ${g} and ${d}.`,
    (d, g) => `${g} gene variants are implicated in ${d}`,
    (d, g) => `Does ${g} play a role in ${d}?`,
    (d, g) => `${d} has been genetically linked to ${g}.`,
    (d, g) => `Is it true that ${g} is associated with ${d}?`,
  ],
  associatedNegated: (d, g) => `${g} has no association with ${d}`,
  treats: [
    (d, x) => `${d} can be managed with ${x}`,
    (d, x) => `${x} is an effective therapy for ${d}`,
    (d, x) => `Can ${x} be used for ${d}?`,
    (d, x) => `Patients with ${d} are treated with ${x}.`,
  ],
  treatsNegated: (d, x) => `${x} is not indicated for ${d}`,
  isA: [
    (d, p) => `${d} belongs to the class of ${p}`,
    (d, p) => `${d} is a form of ${p}`,
    (d, p) => `Is ${d} considered a ${p}?`,
    (d, p) => `${d} falls under ${p}`,
  ],
  isANegated: (d, p) => `${d} is not a kind of ${p}`,
  identifier: [
    (d, i) => `${i} is the Disease Ontology ID of ${d}`,
    (d, i) => `${d} corresponds to the identifier ${i}`,
    (d, i) => `The ontology code for ${d} is ${i}`,
  ],
  identifierNegated: (d, i) => `The DOID of ${d} is not ${i}`,
  drugsList: [(d) => `What drugs are used to treat ${d}?`, (d) => `Name medications indicated for ${d}.`],
};

const BANKS: Readonly<Record<PhrasingBank, PhrasingTemplates>> = {
  main: MAIN_PHRASINGS,
  heldout: HELDOUT_PHRASINGS,
  robust: ROBUST_PHRASINGS,
  'robust-names': ROBUST_PHRASINGS,
  fresh: FRESH_PHRASINGS,
};

/** The node pools and helpers every question generator draws from. */
function generatorPools(context: GeneratorContext) {
  const { graph, random, relations, name, usable, rename } = context;
  const genes = [...relations.geneDiseases.keys()].filter(usable);
  const diseasesWithVariants = [...relations.diseaseVariants.keys()].filter(usable);
  const variants = [...new Set([...relations.diseaseVariants.values()].flat())];
  const treatedDiseases = [...relations.diseaseDrugs.keys()].filter(usable);
  const drugs = [...relations.drugDiseases.keys()].filter(usable);
  const diseases = [...graph.nodesOfType('disease')].filter(usable);
  const diseasesWithGenes = [...relations.diseaseGenes.keys()];
  const linked = (first: number, second: number) =>
    graph.neighbours(first).some((edge) => edge.node === second);
  const casing = (text: string) => {
    const shown = rename ? rename(text) : text;
    return random.next() < 0.5 ? shown : shown.charAt(0).toUpperCase() + shown.slice(1);
  };
  const near = degreeBands();
  /**
   * `count` distinct nodes of the pool that `avoid` does not reject; under the `matched` draw,
   * only from the pool's nodes whose degree (`like.degree`) is close to `like.target`.
   */
  const distractors = (
    pool: readonly number[],
    avoid: (node: number) => boolean,
    count: number,
    like?: DegreeTarget | undefined,
  ) => {
    const from = context.draw === 'matched' && like ? near(like.all, like) : pool;
    const chosen = new Set<number>();
    for (let attempt = 0; chosen.size < count && attempt < count * 40; attempt++) {
      const node = random.pick(from);
      if (!avoid(node)) chosen.add(node);
    }
    return chosen.size === count ? [...chosen] : undefined;
  };
  // A matched draw reads every usable node of the type, so that an answer left with no visible
  // fact of the relation (its edges hidden) is matched by entities that never had one.
  const ofType = (type: string) => [...graph.nodesOfType(type)].filter(usable);
  const degree = {
    gene: {
      all: ofType('gene/protein'),
      degree: (node: number) => relations.geneDiseases.get(node)?.length ?? 0,
    },
    variant: {
      all: ofType('variant'),
      degree: (node: number) => relations.variantDiseases.get(node)?.length ?? 0,
    },
    drug: { all: ofType('drug'), degree: (node: number) => relations.drugDiseases.get(node)?.length ?? 0 },
  };
  const optionsWith = (answer: number, others: readonly number[]) =>
    shuffle(random, [answer, ...others]).map(name);
  /** Every direct edge between a subject and the answer (both directions): what ablation hides. */
  const pairs = (answer: number, subjects: readonly number[]): [number, number][] =>
    subjects.map((subject) => [subject, answer]);
  return {
    ...context,
    genes,
    diseasesWithVariants,
    variants,
    treatedDiseases,
    drugs,
    diseases,
    diseasesWithGenes,
    linked,
    casing,
    distractors,
    degree,
    optionsWith,
    pairs,
  };
}

/** The degree a matched distractor should have, and how a pool node's degree is read. */
export interface DegreeTarget {
  /** The matched draw's pool: every usable node of the type. */
  all: readonly number[];
  degree: (node: number) => number;
  target: number;
}

/**
 * The pool's nodes whose degree lies within {@link MATCHED_BAND} (log1p) of the target, widened to
 * the `atLeast` nearest when the band holds fewer; each pool is sorted once.
 */
export function degreeBands(atLeast = MATCHED_POOL) {
  const sortedPools = new WeakMap<readonly number[], { nodes: number[]; degrees: number[] }>();
  const firstAtLeast = (values: readonly number[], bound: number) => {
    let low = 0;
    let high = values.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (values[middle]! < bound) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return (pool: readonly number[], like: DegreeTarget): number[] => {
    let sorted = sortedPools.get(pool);
    if (!sorted) {
      const nodes = [...pool].sort((left, right) => like.degree(left) - like.degree(right) || left - right);
      sorted = { nodes, degrees: nodes.map(like.degree) };
      sortedPools.set(pool, sorted);
    }
    const centre = Math.log1p(Math.max(0, like.target));
    let low = firstAtLeast(sorted.degrees, Math.expm1(centre - MATCHED_BAND));
    let high = firstAtLeast(sorted.degrees, Math.expm1(centre + MATCHED_BAND) + 1e-9);
    while (high - low < atLeast && (low > 0 || high < sorted.nodes.length)) {
      if (low > 0) low--;
      if (high < sorted.nodes.length) high++;
    }
    return sorted.nodes.slice(low, high);
  };
}

type GeneratorPools = ReturnType<typeof generatorPools>;

function createGenerators(context: GeneratorContext) {
  const pools = generatorPools(context);
  return { ...choiceGenerators(pools), ...statementGenerators(pools), ...diseaseGenerators(pools) };
}

/** Multiple-choice questions: one right answer among distractors not linked to the subjects. */
function choiceGenerators(pools: GeneratorPools) {
  const {
    random,
    relations,
    name,
    usable,
    subjectOk,
    bank,
    genes,
    diseasesWithVariants,
    variants,
    treatedDiseases,
    drugs,
    linked,
    casing,
    distractors,
    degree,
    optionsWith,
    pairs,
  } = pools;
  return {
    geneForTwoDiseases(phrasing: number) {
      const gene = random.pick(genes);
      if (!subjectOk(gene)) return undefined;
      const own = (relations.geneDiseases.get(gene) ?? []).filter(usable);
      if (own.length < 2) return undefined;
      const [first, second] = shuffle(random, own).slice(0, 2) as [number, number];
      const others = distractors(
        genes,
        (node) => node === gene || linked(node, first) || linked(node, second),
        OPTIONS_PER_QUESTION - 1,
        { ...degree.gene, target: degree.gene.degree(gene) - 2 },
      );
      if (!others) return undefined;
      const options = optionsWith(gene, others);
      const text = bank.geneForTwo[phrasing]!([casing(name(first)), casing(name(second))], options);
      return { text, options, answer: name(gene), hidden: pairs(gene, [first, second]) };
    },
    variantForDisease: (phrasing: number) =>
      partnerForDisease(phrasing, {
        diseases: diseasesWithVariants,
        partners: relations.diseaseVariants,
        accept: () => true,
        pool: variants,
        degree: degree.variant,
        templates: bank.variantFor,
      }),
    drugForDisease: (phrasing: number) =>
      partnerForDisease(phrasing, {
        diseases: treatedDiseases,
        partners: relations.diseaseDrugs,
        accept: usable,
        pool: drugs,
        degree: degree.drug,
        templates: bank.drugFor,
      }),
  };
  /**
   * "Which X for disease D?": one of D's own partners among distractors not linked to D, as well
   * studied as the answer would be with its edge to D hidden (under the `matched` draw).
   */
  function partnerForDisease(
    phrasing: number,
    ask: {
      diseases: readonly number[];
      partners: Map<number, number[]>;
      accept: (partner: number) => boolean;
      pool: readonly number[];
      degree: Omit<DegreeTarget, 'target'>;
      templates: readonly ChoiceTemplate[];
    },
  ) {
    const disease = random.pick(ask.diseases);
    if (!subjectOk(disease)) return undefined;
    const partner = random.pick(ask.partners.get(disease) ?? []);
    if (!ask.accept(partner)) return undefined;
    const others = distractors(ask.pool, (node) => linked(node, disease), OPTIONS_PER_QUESTION - 1, {
      ...ask.degree,
      target: ask.degree.degree(partner) - 1,
    });
    if (!others) return undefined;
    const options = optionsWith(partner, others);
    const text = ask.templates[phrasing]!([casing(name(disease))], options);
    return { text, options, answer: name(partner), hidden: pairs(partner, [disease]) };
  }
}

/** True/false statements of gene and drug links (negated a quarter of the time). */
function statementGenerators(pools: GeneratorPools) {
  const {
    random,
    relations,
    name,
    usable,
    subjectOk,
    bank,
    genes,
    drugs,
    linked,
    casing,
    distractors,
    pairs,
  } = pools;
  /**
   * "D —relation— X": X one of the disease's own partners (true) or a distractor (false); under
   * the `matched` draw the distractor is as well studied as one of the disease's partners would
   * be with its edge to D hidden.
   */
  const linkStatement = (
    phrasing: number,
    link: {
      diseases: readonly number[];
      partners: Map<number, number[]>;
      pool: readonly number[];
      degree: Omit<DegreeTarget, 'target'>;
      templates: readonly Template[];
      negated: Template | readonly Template[];
      shown: (node: number) => string;
    },
  ) => {
    const truth = random.next() < 0.5;
    const disease = random.pick(link.diseases);
    if (!subjectOk(disease)) return undefined;
    const own = link.partners.get(disease) ?? [];
    const partner = truth
      ? random.pick(own)
      : distractors(
          link.pool,
          (node) => linked(node, disease),
          1,
          pools.draw === 'matched'
            ? { ...link.degree, target: link.degree.degree(random.pick(own)) - 1 }
            : undefined,
        )?.[0];
    if (partner === undefined || !usable(partner)) return undefined;
    const text = statement(
      random,
      truth,
      casing(name(disease)),
      link.shown(partner),
      link.templates[phrasing]!,
      link.negated,
    );
    return { ...text, hidden: pairs(partner, [disease]) };
  };
  return {
    associatedStatement: (phrasing: number) =>
      linkStatement(phrasing, {
        diseases: pools.diseasesWithGenes,
        partners: relations.diseaseGenes,
        pool: genes,
        degree: pools.degree.gene,
        templates: bank.associated,
        negated: bank.associatedNegated,
        shown: name,
      }),
    treatsStatement: (phrasing: number) =>
      linkStatement(phrasing, {
        diseases: pools.treatedDiseases,
        partners: relations.diseaseDrugs,
        pool: drugs,
        degree: pools.degree.drug,
        templates: bank.treats,
        negated: bank.treatsNegated,
        shown: (node) => name(node).toLowerCase(),
      }),
  };
}

/** Statements about a disease's place in the ontology and its identifier, and its drug list. */
function diseaseGenerators(pools: GeneratorPools) {
  const {
    graph,
    facts,
    random,
    relations,
    name,
    usable,
    subjectOk,
    bank,
    treatedDiseases,
    diseases,
    casing,
    distractors,
  } = pools;
  return {
    isAStatement(phrasing: number) {
      const truth = random.next() < 0.5;
      const disease = random.pick(diseases);
      if (!subjectOk(disease)) return undefined;
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
        bank.isA[phrasing]!,
        bank.isANegated,
      );
    },
    identifierStatement(phrasing: number) {
      const truth = random.next() < 0.5;
      const disease = random.pick(diseases);
      if (!subjectOk(disease)) return undefined;
      const other = random.pick(diseases);
      if (other === disease) return undefined;
      const id = graph.node(truth ? disease : other)?.id ?? '';
      return statement(
        random,
        truth,
        casing(name(disease)),
        id,
        bank.identifier[phrasing]!,
        bank.identifierNegated,
      );
    },
    drugsList(phrasing: number) {
      const disease = random.pick(treatedDiseases);
      if (!subjectOk(disease)) return undefined;
      const items = (relations.diseaseDrugs.get(disease) ?? []).map(name);
      return { text: bank.drugsList[phrasing]!(casing(name(disease))), items };
    },
  };
}

/** A statement, negated a quarter of the time (the label flips; one of several negations when the bank has them). */
function statement(
  random: Random,
  truth: boolean,
  subject: string,
  object: string,
  phrase: Template,
  negated: Template | readonly Template[],
): { text: string; label: boolean } {
  if (random.next() < 0.25) {
    const negation = typeof negated === 'function' ? negated : random.pick(negated);
    return { text: negation(subject, object), label: !truth };
  }
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
