import { z } from 'zod';
import { defineCommand, type CommandSpec } from './command.js';

const json = { type: 'boolean', description: 'Print the result as JSON on stdout' } as const;
const booleanFlag = z.boolean().default(false);

export const ingestCommand = defineCommand({
  name: 'ingest',
  summary: 'Build an index from a PrimeKG-format KG directory (nodes, edges, modality payloads, encoders)',
  usage: 'ingest <kg-dir> --out indexes/<name> [--on-error skip|fail] [--include-noncommercial] [--json]',
  positionals: [
    { name: 'kg-dir', description: 'Directory with kg.csv(.gz), nodes.csv(.gz) and modality files' },
  ],
  flags: {
    out: { type: 'string', short: 'o', description: 'Index directory to write (replaced atomically)' },
    'on-error': {
      type: 'string',
      description: 'What to do with a malformed row: skip it (and count it) or fail',
      defaultText: 'fail',
    },
    'include-noncommercial': {
      type: 'boolean',
      description: 'Also read kg_noncommercial.csv (SIDER side effects, CC BY-NC-SA 4.0)',
    },
    encoders: { type: 'string', description: 'JSON file mapping node types to encoder settings' },
    'batch-size': { type: 'string', description: 'Nodes encoded per batch', defaultText: '256' },
    json,
  },
  schema: z.strictObject({
    out: z.string({ error: '--out is required (e.g. --out indexes/shared)' }).min(1),
    'on-error': z.enum(['skip', 'fail']).default('fail'),
    'include-noncommercial': booleanFlag,
    encoders: z.string().optional(),
    'batch-size': z.coerce.number().int().min(1).max(100_000).default(256),
    json: booleanFlag,
  }),
  load: () => import('./commands/ingest.js'),
});

export const infoCommand = defineCommand({
  name: 'info',
  summary: 'Show node counts per type, modality coverage, encoders and bridge of an index',
  usage: 'info <index-dir> [--json]',
  positionals: [{ name: 'index-dir', description: 'An index built by `biobridge ingest`' }],
  flags: { json },
  schema: z.strictObject({ json: booleanFlag }),
  load: () => import('./commands/info.js'),
});

export const lookupCommand = defineCommand({
  name: 'lookup',
  summary: 'Find entities by name, id or alias (exact, case-insensitive, fuzzy)',
  usage: 'lookup <index-dir> <query> [--type <node type>] [--limit 10] [--json]',
  positionals: [
    { name: 'index-dir', description: 'An index built by `biobridge ingest`' },
    { name: 'query', description: 'Name, id or alias, e.g. "imatinib", "TP53", "DOID:1612"' },
  ],
  flags: {
    type: { type: 'string', short: 't', description: 'Only this node type (repeatable)', multiple: true },
    limit: { type: 'string', short: 'n', description: 'Maximum candidates', defaultText: '10' },
    json,
  },
  schema: z.strictObject({
    type: z.array(z.string()).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(10),
    json: booleanFlag,
  }),
  load: () => import('./commands/lookup.js'),
});

export const linkCommand = defineCommand({
  name: 'link',
  summary: 'Find the KG entities a text names (longest spans; names, ids, aliases; ambiguity reported)',
  usage:
    'link <index-dir> <text> [--type <node type>] [--prefer <node type>] [--limit 5] [--no-fuzzy] [--json]',
  positionals: [
    { name: 'index-dir', description: 'An index built by `biobridge ingest`' },
    { name: 'text', description: 'Free text, e.g. "Does metronidazole treat Crohn\'s disease?"' },
  ],
  flags: {
    type: {
      type: 'string',
      short: 't',
      description: 'Only link this node type (repeatable)',
      multiple: true,
    },
    prefer: {
      type: 'string',
      description: 'Prefer this node type when a span is ambiguous (repeatable)',
      multiple: true,
    },
    limit: { type: 'string', short: 'n', description: 'Candidates per span', defaultText: '5' },
    'no-fuzzy': { type: 'boolean', description: 'Do not match names within a typo or two' },
    json,
  },
  schema: z.strictObject({
    type: z.array(z.string()).optional(),
    prefer: z.array(z.string()).optional(),
    limit: z.coerce.number().int().min(1).max(50).default(5),
    'no-fuzzy': booleanFlag,
    json: booleanFlag,
  }),
  load: () => import('./commands/link.js'),
});

const splitSchema = z.enum(['inductive', 'inductive-leakfree', 'transductive']);

export const trainCommand = defineCommand({
  name: 'train',
  summary:
    'Train the bridge: export vectors + triples, run the PyTorch trainer, import the ONNX bridge, project',
  usage:
    'train <index-dir> [--preset cpu|paper|tiny] [--split inductive|inductive-leakfree|transductive] [--json]',
  positionals: [{ name: 'index-dir', description: 'An index built by `biobridge ingest`' }],
  flags: {
    preset: {
      type: 'string',
      description: 'Model size preset of the trainer (paper = 768/6/12/2048)',
      defaultText: 'cpu',
    },
    split: { type: 'string', description: 'Which split to train on', defaultText: 'inductive' },
    epochs: { type: 'string', description: "Override the preset's epochs" },
    'max-steps': { type: 'string', description: 'Stop after this many optimiser steps' },
    device: {
      type: 'string',
      description: 'auto, cpu or cuda (trainer and projection)',
      defaultText: 'auto',
    },
    python: { type: 'string', description: 'Python with PyTorch', defaultText: '/usr/bin/python3' },
    negatives: {
      type: 'string',
      description:
        'paired (the paper: 5 of 50 pre-sampled negatives per triple), in-batch, or both (measured better, see README)',
      defaultText: 'both',
    },
    resume: { type: 'boolean', description: 'Continue an interrupted run from its checkpoint' },
    'exclude-relation': {
      type: 'string',
      description: 'Display relation to leave out of training (repeatable)',
      multiple: true,
    },
    'trainer-arg': {
      type: 'string',
      description: 'Extra flag passed to the trainer verbatim (repeatable)',
      multiple: true,
    },
    json,
  },
  schema: z.strictObject({
    // The trainer's presets (train/biobridge_train/model.py PRESETS): checked here, before any export.
    preset: z.enum(['tiny', 'cpu', 'paper']).default('cpu'),
    split: splitSchema.default('inductive'),
    epochs: z.coerce.number().positive().optional(),
    'max-steps': z.coerce.number().int().nonnegative().optional(),
    device: z.enum(['auto', 'cpu', 'cuda']).default('auto'),
    python: z.string().default('/usr/bin/python3'),
    negatives: z.enum(['paired', 'in-batch', 'both']).default('both'),
    resume: booleanFlag,
    'exclude-relation': z.array(z.string()).optional(),
    'trainer-arg': z.array(z.string()).optional(),
    json: booleanFlag,
  }),
  load: () => import('./commands/train.js'),
});

export const projectCommand = defineCommand({
  name: 'project',
  summary: "Fill the projected-vector column of every node table with the index's bridge",
  usage: 'project <index-dir> [--device cpu|cuda] [--json]',
  positionals: [{ name: 'index-dir', description: 'An index with a bridge in <index>/bridge' }],
  flags: { device: { type: 'string', description: 'cpu or cuda', defaultText: 'cpu' }, json },
  schema: z.strictObject({ device: z.enum(['cpu', 'cuda']).default('cpu'), json: booleanFlag }),
  load: () => import('./commands/project.js'),
});

export const evalRetrievalCommand = defineCommand({
  name: 'eval retrieval',
  summary: 'Cross-modal retrieval benchmark on held-out heads: bridge vs NN transfer, untrained and random',
  usage:
    'eval retrieval <index-dir> [--split inductive|unseen-drug|unseen-protein|unseen-disease] [--methods fused,bridge,nn_transfer,popularity,untrained,random] [--json]',
  positionals: [{ name: 'index-dir', description: 'A trained index' }],
  flags: {
    split: {
      type: 'string',
      description: 'Split whose held-out heads are queried (unseen-* are written on first use)',
      defaultText: 'inductive',
    },
    methods: {
      type: 'string',
      description: 'Comma-separated methods',
      defaultText: 'fused,bridge,nn_transfer,popularity,untrained,random',
    },
    neighbours: {
      type: 'string',
      description: 'Neighbours used by nearest-neighbour transfer',
      defaultText: '20',
    },
    'frequent-threshold': {
      type: 'string',
      description: 'Filtered set: tails with at least this many links',
      defaultText: '50',
    },
    'report-dir': {
      type: 'string',
      description: 'Where the JSON and Markdown reports go',
      defaultText: 'eval/reports',
    },
    device: { type: 'string', description: 'cpu or cuda', defaultText: 'cpu' },
    json,
  },
  schema: z.strictObject({
    split: z
      .string()
      .regex(
        /^((inductive|inductive-leakfree|transductive)(-seed\d+)?|unseen-drug|unseen-protein|unseen-disease)$/,
        'expected a split name such as inductive, inductive-leakfree, inductive-seed7 or unseen-drug',
      )
      .default('inductive'),
    methods: z
      .string()
      .default('fused,bridge,nn_transfer,popularity,untrained,random')
      .transform((value) =>
        value
          .split(',')
          .map((method) => method.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(['fused', 'bridge', 'nn_transfer', 'popularity', 'untrained', 'random'])).min(1)),
    neighbours: z.coerce.number().int().min(1).max(1000).default(20),
    'frequent-threshold': z.coerce.number().int().min(1).default(50),
    'report-dir': z.string().default('eval/reports'),
    device: z.enum(['cpu', 'cuda']).default('cpu'),
    json: booleanFlag,
  }),
  load: () => import('./commands/eval-retrieval.js'),
});

export const evalQaCommand = defineCommand({
  name: 'eval qa',
  summary:
    'QA benchmark: multiple choice, true/false and list questions, against always-true, random and plain-lookup baselines',
  usage:
    'eval qa <index-dir> [--csv questions.csv] [--per-kind 60] [--seed 1] [--unsupported closed-world|undetermined] [--json]',
  positionals: [{ name: 'index-dir', description: 'An index built by `biobridge ingest`' }],
  flags: {
    csv: {
      type: 'string',
      description: 'Your QA set: columns text, options (a|b|c, optional), answer or label',
    },
    'per-kind': { type: 'string', description: 'Generated cases per kind', defaultText: '60' },
    seed: {
      type: 'string',
      description: 'Seed of the generated set and the random baseline',
      defaultText: '1',
    },
    unsupported: {
      type: 'string',
      description: 'Verdict for statements the KG does not state',
      defaultText: 'closed-world',
    },
    'report-dir': {
      type: 'string',
      description: 'Where the JSON and Markdown reports go',
      defaultText: 'eval/reports',
    },
    device: { type: 'string', description: 'cpu or cuda', defaultText: 'cpu' },
    json,
  },
  schema: z.strictObject({
    csv: z.string().min(1).optional(),
    'per-kind': z.coerce.number().int().min(1).max(10_000).default(60),
    seed: z.coerce.number().int().min(0).default(1),
    unsupported: z.enum(['closed-world', 'undetermined']).default('closed-world'),
    'report-dir': z.string().default('eval/reports'),
    device: z.enum(['cpu', 'cuda']).default('cpu'),
    json: booleanFlag,
  }),
  load: () => import('./commands/eval-qa.js'),
});

export const fitFusionCommand = defineCommand({
  name: 'fit-fusion',
  summary:
    'Fit the fused ranking (bridge + NN transfer + popularity) on validation heads; writes <index>/fusion.json',
  usage:
    'fit-fusion <index-dir> [--splits inductive,unseen-drug] [--compare bridge,nn_transfer,popularity,random] [--report-dir eval/reports] [--json]',
  positionals: [{ name: 'index-dir', description: 'An index with a training export' }],
  flags: {
    splits: {
      type: 'string',
      description: 'Splits whose validation heads fit the weights; later ones win per task',
      defaultText: 'inductive,unseen-drug',
    },
    compare: {
      type: 'string',
      description: 'Methods also scored on the test heads, for the reports',
      defaultText: 'bridge,nn_transfer,popularity,random',
    },
    'report-dir': { type: 'string', description: 'Also write the benchmark reports of each split here' },
    device: { type: 'string', description: 'cpu or cuda', defaultText: 'cpu' },
    json,
  },
  schema: z.strictObject({
    compare: z
      .string()
      .default('bridge,nn_transfer,popularity,random')
      .transform((value) =>
        value
          .split(',')
          .map((method) => method.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(['fused', 'bridge', 'nn_transfer', 'popularity', 'untrained', 'random']))),
    'report-dir': z.string().optional(),
    splits: z
      .string()
      .default('inductive,unseen-drug')
      .transform((value) =>
        value
          .split(',')
          .map((split) => split.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(
            z
              .string()
              .regex(
                /^((inductive|inductive-leakfree|transductive)(-seed\d+)?|unseen-drug|unseen-protein|unseen-disease)$/,
                'expected split names such as inductive or unseen-drug',
              ),
          )
          .min(1),
      ),
    device: z.enum(['cpu', 'cuda']).default('cpu'),
    json: booleanFlag,
  }),
  load: () => import('./commands/fit-fusion.js'),
});

export const evalKgeCommand = defineCommand({
  name: 'eval kge',
  summary:
    'KG-embedding baselines (TransE, DistMult, ComplEx, RotatE) vs the bridge on the transductive split',
  usage:
    'eval kge <index-dir> [--models transe,distmult,complex,rotate] [--bridge-run <run dir>] [--kge-arg=--epochs --kge-arg=3]',
  positionals: [{ name: 'index-dir', description: 'An index with a training export (biobridge train)' }],
  flags: {
    models: {
      type: 'string',
      description: 'Comma-separated KGE models',
      defaultText: 'transe,distmult,complex,rotate',
    },
    'bridge-run': {
      type: 'string',
      description: 'Trainer run of a bridge trained with --split transductive',
      defaultText: '<index>/runs/transductive*',
    },
    'report-dir': {
      type: 'string',
      description: 'Where the JSON and Markdown reports go',
      defaultText: 'eval/reports',
    },
    device: { type: 'string', description: 'cpu or cuda', defaultText: 'cpu' },
    python: { type: 'string', description: 'Python with PyTorch', defaultText: '/usr/bin/python3' },
    'kge-arg': {
      type: 'string',
      multiple: true,
      description: 'Extra flag for python3 -m biobridge_train.kge (repeatable)',
    },
  },
  schema: z.strictObject({
    models: z
      .string()
      .default('transe,distmult,complex,rotate')
      .transform((value) =>
        value
          .split(',')
          .map((model) => model.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(['transe', 'distmult', 'complex', 'rotate'])).min(1)),
    'bridge-run': z.string().optional(),
    'report-dir': z.string().default('eval/reports'),
    device: z.enum(['cpu', 'cuda']).default('cpu'),
    python: z.string().default('/usr/bin/python3'),
    'kge-arg': z.array(z.string()).optional(),
  }),
  load: () => import('./commands/eval-kge.js'),
});

const count = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const proposeCommand = defineCommand({
  name: 'propose',
  summary:
    'Propose new molecules for a protein target, guided by the bridge (GA, plus the LLM when configured)',
  usage:
    'propose --index indexes/<name> (--target ABL1 | --uniprot P00519 | --target-id 25 | --sequence SEQ) [--n 10] [--json]',
  positionals: [],
  flags: {
    index: {
      type: 'string',
      short: 'i',
      description: 'Index directory (env BIOBRIDGE_INDEX)',
      defaultText: 'indexes/demo',
    },
    target: { type: 'string', short: 't', description: 'Gene symbol or protein name of the target' },
    uniprot: { type: 'string', description: 'UniProt accession of the target' },
    'target-id': {
      type: 'string',
      description: 'KG node id of the gene/protein target (e.g. NCBI gene id 25)',
    },
    sequence: { type: 'string', description: 'Amino-acid sequence of the target' },
    n: { type: 'string', short: 'n', description: 'Candidates to return', defaultText: '10' },
    seed: { type: 'string', description: 'PRNG seed (same seed, same candidates)', defaultText: '0' },
    seeds: {
      type: 'string',
      description: 'Known drugs nearest to the target used as seeds',
      defaultText: '8',
    },
    generations: { type: 'string', description: 'Genetic algorithm generations', defaultText: '8' },
    population: { type: 'string', description: 'Genetic algorithm population', defaultText: '40' },
    'time-budget': {
      type: 'string',
      description: 'Milliseconds before the search stops and answers',
      defaultText: '60000',
    },
    'exclude-drug': {
      type: 'string',
      description: 'Drug id kept out of the run (repeatable)',
      multiple: true,
    },
    filters: { type: 'string', description: 'Filter options as JSON, e.g. \'{"minQed":0.4,"maxAlerts":1}\'' },
    weights: {
      type: 'string',
      description: 'Score weights as JSON, e.g. \'{"bridge":1,"qed":0.5}\' (0 switches a term off)',
    },
    keep: { type: 'string', description: 'SMARTS (or SMILES) every candidate must contain, e.g. a scaffold' },
    avoid: { type: 'string', description: 'SMARTS no candidate may contain (repeatable)', multiple: true },
    'max-similarity': {
      type: 'string',
      description: 'Highest Tanimoto a candidate may have to any KG drug (0..1)',
    },
    'anti-target': {
      type: 'string',
      description: 'Gene symbol of a protein to avoid binding (repeatable)',
      multiple: true,
    },
    llm: { type: 'boolean', description: 'Require LLM proposals (fails without a configured LLM)' },
    'no-llm': { type: 'boolean', description: 'Never ask the LLM' },
    device: {
      type: 'string',
      description: 'cpu or cuda for ONNX models (env BIOBRIDGE_DEVICE)',
      defaultText: 'cpu',
    },
    svg: { type: 'boolean', description: 'Keep the SVG depictions in --json output' },
    json,
  },
  schema: z.strictObject({
    index: z.string().optional(),
    target: z.string().optional(),
    uniprot: z.string().optional(),
    'target-id': z.string().optional(),
    sequence: z.string().optional(),
    n: count(10, 1, 100),
    seed: count(0, 0, 2 ** 32 - 1),
    seeds: count(8, 1, 50),
    generations: count(8, 0, 100),
    population: count(40, 4, 500),
    'time-budget': count(60_000, 100, 600_000),
    'exclude-drug': z.array(z.string()).optional(),
    filters: z.string().optional(),
    weights: z.string().optional(),
    keep: z.string().optional(),
    avoid: z.array(z.string()).optional(),
    'max-similarity': z.coerce.number().min(0).max(1).optional(),
    'anti-target': z.array(z.string()).optional(),
    llm: booleanFlag,
    'no-llm': booleanFlag,
    device: z.enum(['cpu', 'cuda']).optional(),
    svg: booleanFlag,
    json: booleanFlag,
  }),
  load: () => import('./commands/propose.js'),
});

export const evalMoleculesCommand = defineCommand({
  name: 'eval molecules',
  summary:
    'Molecule design benchmark on held-out targets: guided GA vs ablations, unguided control, seeds, near-protein binders, random drugs',
  usage: 'eval molecules <index-dir> [--targets 20] [--split inductive] [--json]',
  positionals: [{ name: 'index-dir', description: 'A trained index' }],
  flags: {
    split: {
      type: 'string',
      description: 'Split whose held-out proteins are the targets',
      defaultText: 'inductive',
    },
    targets: { type: 'string', description: 'Held-out targets sampled (seeded)', defaultText: '20' },
    n: { type: 'string', description: 'Molecules measured per arm (and seeds retrieved)', defaultText: '10' },
    generations: { type: 'string', description: 'Genetic algorithm generations', defaultText: '8' },
    population: { type: 'string', description: 'Genetic algorithm population', defaultText: '40' },
    seed: { type: 'string', description: 'Seed of the target sample and of every run', defaultText: '0' },
    'time-budget': { type: 'string', description: 'Milliseconds per run', defaultText: '120000' },
    weights: {
      type: 'string',
      description: 'Score weights of the guided arm as JSON, e.g. \'{"bridge":1}\'',
    },
    arms: {
      type: 'string',
      description:
        'Comma-separated arms (default all): guided, no-bridge, no-binders, no-qed, no-sa, no-alerts, control, seeds, binders, random-drugs',
    },
    'report-dir': {
      type: 'string',
      description: 'Where the JSON and Markdown reports go',
      defaultText: 'eval/reports',
    },
    device: { type: 'string', description: 'cpu or cuda', defaultText: 'cpu' },
    json,
  },
  schema: z.strictObject({
    split: z
      .string()
      .regex(
        /^(inductive|inductive-leakfree|transductive)(-seed\d+)?$/,
        'expected a split name such as inductive or inductive-leakfree',
      )
      .default('inductive'),
    targets: count(20, 1, 10_000),
    n: count(10, 1, 100),
    generations: count(8, 0, 100),
    population: count(40, 4, 500),
    seed: count(0, 0, 2 ** 32 - 1),
    'time-budget': count(120_000, 100, 600_000),
    weights: z.string().optional(),
    arms: z.string().optional(),
    'report-dir': z.string().default('eval/reports'),
    device: z.enum(['cpu', 'cuda']).default('cpu'),
    json: booleanFlag,
  }),
  load: () => import('./commands/eval-molecules.js'),
});

export const evalLinkingCommand = defineCommand({
  name: 'eval linking',
  summary:
    'Entity-linking benchmark: precision and recall per perturbation of KG names, linker vs findMentions',
  usage: 'eval linking <index-dir> [--cases 300] [--seed 1] [--json]',
  positionals: [{ name: 'index-dir', description: 'An index built by `biobridge ingest`' }],
  flags: {
    cases: { type: 'string', description: 'Cases per perturbation', defaultText: '300' },
    seed: { type: 'string', description: 'Seed of the generated set and the bootstrap', defaultText: '1' },
    bootstrap: { type: 'string', description: 'Bootstrap resamples for the 95% CIs', defaultText: '1000' },
    'report-dir': {
      type: 'string',
      description: 'Where the JSON and Markdown reports go',
      defaultText: 'eval/reports',
    },
    json,
  },
  schema: z.strictObject({
    cases: z.coerce.number().int().min(1).max(100_000).default(300),
    seed: z.coerce.number().int().min(0).default(1),
    bootstrap: z.coerce.number().int().min(10).max(100_000).default(1000),
    'report-dir': z.string().default('eval/reports'),
    json: booleanFlag,
  }),
  load: () => import('./commands/eval-linking.js'),
});

export const evalVariantsCommand = defineCommand({
  name: 'eval variants',
  summary:
    'Variant → disease benchmark on unseen variants: learned variant encoder vs gene proxy, positional, popularity, text, random',
  usage: 'eval variants <index-dir> [--neighbours 10] [--json]',
  positionals: [
    { name: 'index-dir', description: 'An index with a learned variant model in <index>/variants' },
  ],
  flags: {
    neighbours: {
      type: 'string',
      description: 'Training variants used by the positional baseline',
      defaultText: '10',
    },
    resamples: { type: 'string', description: 'Bootstrap draws for the 95 % intervals', defaultText: '1000' },
    'report-dir': {
      type: 'string',
      description: 'Where the JSON, Markdown and SVG reports go',
      defaultText: 'eval/reports',
    },
    device: { type: 'string', description: 'cpu or cuda', defaultText: 'cpu' },
    json,
  },
  schema: z.strictObject({
    neighbours: count(10, 1, 1000),
    resamples: count(1000, 10, 100_000),
    'report-dir': z.string().default('eval/reports'),
    device: z.enum(['cpu', 'cuda']).default('cpu'),
    json: booleanFlag,
  }),
  load: () => import('./commands/eval-variants.js'),
});

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'Start the HTTP service (retrieval, chat, OpenAI-compatible chat completions)',
  usage: 'serve [--index indexes/<name>] [--port 8787] [--host 127.0.0.1]',
  positionals: [],
  flags: {
    index: {
      type: 'string',
      short: 'i',
      description: 'Index directory (env BIOBRIDGE_INDEX)',
      defaultText: 'indexes/demo',
    },
    port: { type: 'string', short: 'p', description: 'Port (env PORT)', defaultText: '8787' },
    host: { type: 'string', description: 'Interface to bind (env HOST)', defaultText: '127.0.0.1' },
    device: {
      type: 'string',
      description: 'cpu or cuda for ONNX models (env BIOBRIDGE_DEVICE)',
      defaultText: 'cpu',
    },
  },
  schema: z.strictObject({
    index: z.string().optional(),
    port: z.coerce.number().int().min(0).max(65535).optional(),
    host: z.string().optional(),
    device: z.enum(['cpu', 'cuda']).optional(),
  }),
  load: () => import('./commands/serve.js'),
});

export const commands: CommandSpec[] = [
  serveCommand,
  ingestCommand,
  infoCommand,
  lookupCommand,
  linkCommand,
  trainCommand,
  projectCommand,
  evalRetrievalCommand,
  fitFusionCommand,
  evalKgeCommand,
  proposeCommand,
  evalMoleculesCommand,
  evalQaCommand,
  evalLinkingCommand,
  evalVariantsCommand,
];
