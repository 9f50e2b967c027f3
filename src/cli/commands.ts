import { z } from 'zod';
import { serviceDefaults } from '../config/index.js';
import { RETRIEVAL_METHODS } from '../eval/retrieval-methods.js';
import { proposeRequestSchema } from '../molecules/propose-request.js';
import { defineCommand, type CommandSpec } from './command.js';

// Each option is declared once, as a schema field: `.describe()` is its help, `.default()` its default.
const booleanFlag = z.boolean().default(false);
const json = booleanFlag.describe('Print the result as JSON on stdout');
const reportDir = (what = 'JSON and Markdown') =>
  z.string().default('eval/reports').describe(`Where the ${what} reports go`);
const deviceFlag = z.enum(['cpu', 'cuda']).default('cpu').describe('cpu or cuda');
/** Left to the service's config (env first), so the help names the default without applying it. */
const serviceIndex = z
  .string()
  .optional()
  .describe('Index directory, or s3://<bucket>/<prefix> to serve published versions (env BIOBRIDGE_INDEX)')
  .meta({ short: 'i', defaultText: serviceDefaults.index });
const serviceDevice = z
  .enum(['cpu', 'cuda'])
  .optional()
  .describe('cpu or cuda for ONNX models (env BIOBRIDGE_DEVICE)')
  .meta({ defaultText: serviceDefaults.device });
/** `a,b,c` → validated list; `list` checks the items (and how many). */
const commaList = <List extends z.ZodType<unknown, string[]>>(fallback: string, list: List) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(list);

/** Splits whose validation heads fit the fused ranking: `fit-fusion --splits` and `train --fusion-splits`. */
const fusionSplits = commaList(
  'inductive,unseen-drug',
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
).describe('Splits whose validation heads fit the weights; later ones win per task');

const count = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
/** A number flag checked by a request schema's field: its bounds and default are declared there only. */
const numberFrom = <Field extends z.ZodType<number, number | undefined>>(field: Field) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined ? undefined : Number(value)))
    .pipe(field);
const proposeField = proposeRequestSchema.shape;

export const ingestCommand = defineCommand({
  name: 'ingest',
  summary: 'Build an index from a PrimeKG-format KG directory (nodes, edges, modality payloads, encoders)',
  usage: 'ingest <kg-dir> --out indexes/<name> [--on-error skip|fail] [--include-noncommercial] [--json]',
  positionals: [
    { name: 'kg-dir', description: 'Directory with kg.csv(.gz), nodes.csv(.gz) and modality files' },
  ],
  schema: z.strictObject({
    out: z
      .string({ error: '--out is required (e.g. --out indexes/shared)' })
      .min(1)
      .describe(
        'Index directory to write (replaced atomically), or s3://<bucket>/<prefix> to publish a new version',
      )
      .meta({ short: 'o' }),
    'on-error': z
      .enum(['skip', 'fail'])
      .default('fail')
      .describe('What to do with a malformed row: skip it (and count it) or fail'),
    'include-noncommercial': booleanFlag.describe(
      'Also read kg_noncommercial.csv (SIDER side effects, CC BY-NC-SA 4.0)',
    ),
    encoders: z.string().optional().describe('JSON file mapping node types to encoder settings'),
    'batch-size': count(256, 1, 100_000).describe('Nodes encoded per batch'),
    json,
  }),
  load: () => import('./commands/ingest.js'),
});

export const infoCommand = defineCommand({
  name: 'info',
  summary: 'Show node counts per type, modality coverage, encoders and bridge of an index',
  usage: 'info <index-dir> [--json]',
  positionals: [{ name: 'index-dir', description: 'An index built by `biobridge ingest`' }],
  schema: z.strictObject({ json }),
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
  schema: z.strictObject({
    type: z.array(z.string()).optional().describe('Only this node type (repeatable)').meta({ short: 't' }),
    limit: count(10, 1, 1000).describe('Maximum candidates').meta({ short: 'n' }),
    json,
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
  schema: z.strictObject({
    type: z
      .array(z.string())
      .optional()
      .describe('Only link this node type (repeatable)')
      .meta({ short: 't' }),
    prefer: z
      .array(z.string())
      .optional()
      .describe('Prefer this node type when a span is ambiguous (repeatable)'),
    limit: count(5, 1, 50).describe('Candidates per span').meta({ short: 'n' }),
    'no-fuzzy': booleanFlag.describe('Do not match names within a typo or two'),
    json,
  }),
  load: () => import('./commands/link.js'),
});

export const trainCommand = defineCommand({
  name: 'train',
  summary:
    'Train the bridge: export vectors + triples, run the PyTorch trainer, import the ONNX bridge, project, fit the fused ranking',
  usage:
    'train <index-dir> [--preset cpu|paper|tiny] [--split inductive|inductive-leakfree|transductive] [--no-fit-fusion] [--fusion-splits inductive,unseen-drug] [--json]',
  positionals: [{ name: 'index-dir', description: 'An index built by `biobridge ingest`' }],
  schema: z.strictObject({
    // The trainer's presets (train/biobridge_train/model.py PRESETS): checked here, before any export.
    preset: z
      .enum(['tiny', 'cpu', 'paper'])
      .default('cpu')
      .describe('Model size preset of the trainer (paper = 768/6/12/2048)'),
    split: z
      .enum(['inductive', 'inductive-leakfree', 'transductive'])
      .default('inductive')
      .describe('Which split to train on'),
    epochs: z.coerce.number().positive().optional().describe("Override the preset's epochs"),
    'max-steps': z.coerce
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('Stop after this many optimiser steps'),
    device: z
      .enum(['auto', 'cpu', 'cuda'])
      .default('auto')
      .describe('auto, cpu or cuda (trainer and projection)'),
    python: z.string().default('/usr/bin/python3').describe('Python with PyTorch'),
    negatives: z
      .enum(['paired', 'in-batch', 'both'])
      .default('both')
      .describe(
        'paired (the paper: 5 of 50 pre-sampled negatives per triple), in-batch, or both (measured better, see README)',
      ),
    resume: booleanFlag.describe('Continue an interrupted run from its checkpoint'),
    'exclude-relation': z
      .array(z.string())
      .optional()
      .describe('Display relation to leave out of training (repeatable)'),
    'trainer-arg': z
      .array(z.string())
      .optional()
      .describe('Extra flag passed to the trainer verbatim (repeatable)'),
    'no-fit-fusion': booleanFlag.describe(
      'Skip fitting the fused ranking after training (then run `biobridge fit-fusion` yourself)',
    ),
    'fusion-splits': fusionSplits,
    json,
  }),
  load: () => import('./commands/train.js'),
});

export const projectCommand = defineCommand({
  name: 'project',
  summary: "Fill the projected-vector column of every node table with the index's bridge",
  usage: 'project <index-dir> [--device cpu|cuda] [--json]',
  positionals: [{ name: 'index-dir', description: 'An index with a bridge in <index>/bridge' }],
  schema: z.strictObject({ device: deviceFlag, json }),
  load: () => import('./commands/project.js'),
});

export const structureKeysCommand = defineCommand({
  name: 'structure-keys',
  summary:
    'Store the structure keys (canonical SMILES, sequence hashes) of an index built before ingest wrote them',
  usage: 'structure-keys <index-dir> [--json]',
  positionals: [{ name: 'index-dir', description: 'An index without structures/keys.json.gz' }],
  schema: z.strictObject({ json }),
  load: () => import('./commands/structure-keys.js'),
});

const retrievalMethods = z.enum(RETRIEVAL_METHODS);

export const evalRetrievalCommand = defineCommand({
  name: 'eval retrieval',
  summary: 'Cross-modal retrieval benchmark on held-out heads: bridge vs NN transfer, untrained and random',
  usage:
    'eval retrieval <index-dir> [--split inductive|unseen-drug|unseen-protein|unseen-disease] [--methods fused,bridge,nn_transfer,ligand,ligand_model,popularity,untrained,random] [--json]',
  positionals: [{ name: 'index-dir', description: 'A trained index' }],
  schema: z.strictObject({
    split: z
      .string()
      .regex(
        /^((inductive|inductive-leakfree|transductive)(-seed\d+)?|unseen-drug|unseen-protein|unseen-disease)$/,
        'expected a split name such as inductive, inductive-leakfree, inductive-seed7 or unseen-drug',
      )
      .default('inductive')
      .describe('Split whose held-out heads are queried (unseen-* are written on first use)'),
    methods: commaList(RETRIEVAL_METHODS.join(','), z.array(retrievalMethods).min(1)).describe(
      'Comma-separated methods',
    ),
    neighbours: count(20, 1, 1000).describe('Neighbours used by nearest-neighbour transfer'),
    'frequent-threshold': z.coerce
      .number()
      .int()
      .min(1)
      .default(50)
      .describe('Filtered set: tails with at least this many links'),
    'report-dir': reportDir(),
    device: deviceFlag,
    'bridge-precision': z
      .enum(['fp32', 'int8'])
      .default('fp32')
      .describe('int8: score with the dynamic-quantised transform (biobridge_train.quantize_onnx)'),
    json,
  }),
  load: () => import('./commands/eval-retrieval.js'),
});

export const evalQaCommand = defineCommand({
  name: 'eval qa',
  summary:
    'QA benchmark: multiple choice, true/false and list questions, against always-true, random and plain-lookup baselines',
  usage:
    'eval qa <index-dir> [--csv questions.csv] [--per-kind 60] [--seed 1] [--split all|dev|test] [--phrasings main|heldout|robust|robust-names|fresh] [--distractors uniform|matched] [--ablate-direct] [--unsupported closed-world|undetermined] [--json]',
  positionals: [{ name: 'index-dir', description: 'An index built by `biobridge ingest`' }],
  schema: z.strictObject({
    csv: z
      .string()
      .min(1)
      .optional()
      .describe('Your QA set: columns text, options (a|b|c, optional), answer or label'),
    'per-kind': count(60, 1, 10_000).describe('Generated cases per kind'),
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .default(1)
      .describe('Seed of the generated set and the random baseline'),
    unsupported: z
      .enum(['closed-world', 'undetermined'])
      .default('closed-world')
      .describe('Verdict for statements the KG does not state'),
    split: z
      .enum(['all', 'dev', 'test'])
      .default('all')
      .describe('Generated set: subjects from one half (dev/test, disjoint) or all'),
    phrasings: z
      .enum(['main', 'heldout', 'robust', 'robust-names', 'fresh'])
      .default('main')
      .describe(
        "Generated set: the parser's own templates, the held-out bank, or the third bank (robust; robust-names also rewrites KG names), or the fourth (fresh)",
      ),
    distractors: z
      .enum(['uniform', 'matched'])
      .default('uniform')
      .describe(
        'Generated set: distractors drawn uniformly, or matched to the answer in how many facts of the relation it has',
      ),
    'ablate-direct': z
      .boolean()
      .default(false)
      .describe('Hide the KG edges that state each answer, so it must be decided from indirect evidence'),
    'no-indirect': z
      .boolean()
      .default(false)
      .describe('Decide from direct KG facts only (the earlier reasoner)'),
    'indirect-true-above': z.coerce
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('True/false: indirect support at which an unstated statement is judged true'),
    'report-dir': reportDir(),
    device: deviceFlag,
    json,
  }),
  load: () => import('./commands/eval-qa.js'),
});

export const fitFusionCommand = defineCommand({
  name: 'fit-fusion',
  summary:
    'Fit the fused ranking (bridge + NN transfer + popularity) on validation heads; writes <index>/fusion.json',
  usage:
    'fit-fusion <index-dir> [--splits inductive,unseen-drug] [--compare bridge,nn_transfer,ligand,ligand_model,popularity,random] [--no-ligand-model] [--report-dir eval/reports] [--json]',
  positionals: [{ name: 'index-dir', description: 'An index with a training export' }],
  schema: z.strictObject({
    splits: fusionSplits,
    compare: commaList(
      'bridge,nn_transfer,ligand,ligand_model,popularity,random',
      z.array(retrievalMethods),
    ).describe('Methods also scored on the test heads, for the reports'),
    'no-ligand-model': booleanFlag.describe(
      'Do not train the ligand-target model when the index has none (the fusion is fitted without it)',
    ),
    'report-dir': z.string().optional().describe('Also write the benchmark reports of each split here'),
    device: deviceFlag,
    json,
  }),
  load: () => import('./commands/fit-fusion.js'),
});

export const trainLigandModelCommand = defineCommand({
  name: 'train-ligand-model',
  summary:
    "Train the ligand-target model (kernel ridge regression and/or an MLP over ligand fingerprints, → ONNX) on a split's training drugs; writes <index>/ligand-model-<split>/ (--split all: <index>/ligand-model/, the served model)",
  usage:
    'train-ligand-model <index-dir> [--split unseen-drug|all] [--heads kernel|mlp|kernel,mlp] [--epochs 40] [--python /usr/bin/python3] [--json]',
  positionals: [
    { name: 'index-dir', description: 'An index with a training export and ligand fingerprints' },
  ],
  schema: z.strictObject({
    split: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'expected a split name such as unseen-drug')
      .default('unseen-drug')
      .describe(
        'Split whose training drugs are learned from (its held-out and validation drugs never are); all: every KG drug, the model the service answers with',
      ),
    heads: z
      .enum(['kernel', 'mlp', 'kernel,mlp'])
      .default('kernel')
      .describe(
        'Kernel ridge regression (seconds), the MLP (minutes per epoch on 2 cores) or both, averaged',
      ),
    epochs: z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .describe('MLP training epochs (the trainer default: 40)'),
    'hidden-dim': z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .describe('Hidden units (trainer default: 512)'),
    python: z.string().default('/usr/bin/python3').describe('Python with PyTorch'),
    json,
  }),
  load: () => import('./commands/train-ligand-model.js'),
});

export const evalKgeCommand = defineCommand({
  name: 'eval kge',
  summary:
    'KG-embedding baselines (TransE, DistMult, ComplEx, RotatE) vs the bridge on the transductive split',
  usage:
    'eval kge <index-dir> [--models transe,distmult,complex,rotate] [--bridge-run <run dir>] [--kge-arg=--epochs --kge-arg=3]',
  positionals: [{ name: 'index-dir', description: 'An index with a training export (biobridge train)' }],
  schema: z.strictObject({
    models: commaList(
      'transe,distmult,complex,rotate',
      z.array(z.enum(['transe', 'distmult', 'complex', 'rotate'])).min(1),
    ).describe('Comma-separated KGE models'),
    'bridge-run': z
      .string()
      .optional()
      .describe('Trainer run of a bridge trained with --split transductive')
      .meta({ defaultText: '<index>/runs/transductive*' }),
    'report-dir': reportDir(),
    device: deviceFlag,
    python: z.string().default('/usr/bin/python3').describe('Python with PyTorch'),
    'kge-arg': z
      .array(z.string())
      .optional()
      .describe('Extra flag for python3 -m biobridge_train.kge (repeatable)'),
  }),
  load: () => import('./commands/eval-kge.js'),
});

export const proposeCommand = defineCommand({
  name: 'propose',
  summary:
    'Propose new molecules for a protein target, guided by the bridge (GA, plus the LLM when configured)',
  usage:
    'propose --index indexes/<name> (--target ABL1 | --uniprot P00519 | --target-id 25 | --sequence SEQ) [--n 10] [--json]',
  positionals: [],
  schema: z.strictObject({
    index: serviceIndex,
    target: z.string().optional().describe('Gene symbol or protein name of the target').meta({ short: 't' }),
    uniprot: z.string().optional().describe('UniProt accession of the target'),
    'target-id': z
      .string()
      .optional()
      .describe('KG node id of the gene/protein target (e.g. NCBI gene id 25)'),
    sequence: z.string().optional().describe('Amino-acid sequence of the target'),
    n: numberFrom(proposeField.n).describe('Candidates to return').meta({ short: 'n' }),
    seed: numberFrom(proposeField.seed).describe('PRNG seed (same seed, same candidates)'),
    seeds: numberFrom(proposeField.seedCount).describe('Known drugs nearest to the target used as seeds'),
    generations: numberFrom(proposeField.generations).describe('Genetic algorithm generations'),
    population: numberFrom(proposeField.population).describe('Genetic algorithm population'),
    'time-budget': numberFrom(proposeField.timeBudgetMs).describe(
      'Milliseconds before the search stops and answers',
    ),
    'exclude-drug': z.array(z.string()).optional().describe('Drug id kept out of the run (repeatable)'),
    filters: z.string().optional().describe('Filter options as JSON, e.g. \'{"minQed":0.4,"maxAlerts":1}\''),
    weights: z
      .string()
      .optional()
      .describe('Score weights as JSON, e.g. \'{"bridge":1,"qed":0.5}\' (0 switches a term off)'),
    keep: z.string().optional().describe('SMARTS (or SMILES) every candidate must contain, e.g. a scaffold'),
    avoid: z.array(z.string()).optional().describe('SMARTS no candidate may contain (repeatable)'),
    'max-similarity': z.coerce
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('Highest Tanimoto a candidate may have to any KG drug (0..1)'),
    'anti-target': z
      .array(z.string())
      .optional()
      .describe('Gene symbol of a protein to avoid binding (repeatable)'),
    llm: booleanFlag.describe('Require LLM proposals (fails without a configured LLM)'),
    'no-llm': booleanFlag.describe('Never ask the LLM'),
    device: serviceDevice,
    svg: booleanFlag.describe('Keep the SVG depictions in --json output'),
    json,
  }),
  load: () => import('./commands/propose.js'),
});

export const evalMoleculesCommand = defineCommand({
  name: 'eval molecules',
  summary:
    'Molecule design benchmark on held-out targets: guided GA vs ablations, unguided control, seeds, near-protein binders, random drugs',
  usage: 'eval molecules <index-dir> [--targets 20] [--split inductive] [--json]',
  positionals: [{ name: 'index-dir', description: 'A trained index' }],
  schema: z.strictObject({
    split: z
      .string()
      .regex(
        /^(inductive|inductive-leakfree|transductive)(-seed\d+)?$/,
        'expected a split name such as inductive or inductive-leakfree',
      )
      .default('inductive')
      .describe('Split whose held-out proteins are the targets'),
    targets: count(20, 1, 10_000).describe('Held-out targets sampled (seeded)'),
    'min-drugs': count(1, 1, 1000).describe('Only held-out proteins with at least this many known drugs'),
    'validation-targets': count(0, 0, 10_000).describe(
      'The first N of the seeded shuffle form the validation set; test targets come from the rest',
    ),
    role: z
      .enum(['test', 'validation'])
      .default('test')
      .describe('Run on the test targets or on the validation set (tune weights there only)'),
    'ablation-targets': count(0, 0, 10_000).describe(
      'Run the ablation arms (no-*) and the novelty-capped arms (*-novel) on a seeded subset of this many targets (0: on all)',
    ),
    'stop-after': count(0, 0, 24 * 60).describe(
      'Minutes after which no new target is started; the report covers the finished ones (0: no limit)',
    ),
    checkpoint: z
      .string()
      .optional()
      .describe('JSON-lines file of finished targets: a rerun with the same settings resumes from it'),
    n: count(10, 1, 100).describe('Molecules measured per arm (and seeds retrieved)'),
    generations: count(8, 0, 100).describe('Genetic algorithm generations'),
    population: count(40, 4, 500).describe('Genetic algorithm population'),
    seed: count(0, 0, 2 ** 32 - 1).describe('Seed of the target sample and of every run'),
    'time-budget': count(120_000, 100, 600_000).describe('Milliseconds per run'),
    weights: z.string().optional().describe('Score weights of the guided arm as JSON, e.g. \'{"bridge":1}\''),
    request: z
      .string()
      .optional()
      .describe(
        'More propose-request fields for every generating arm as JSON, e.g. \'{"seedRanking":"bridge","anchorDecay":0}\'',
      ),
    arms: z
      .string()
      .optional()
      .describe(
        'Comma-separated arms (default all): guided, no-bridge, no-binders, no-qed, no-sa, no-alerts, guided-novel, control-novel, control, seeds, drug-like-seeds, binders, random-drugs',
      ),
    'report-dir': reportDir(),
    device: deviceFlag,
    json,
  }),
  load: () => import('./commands/eval-molecules.js'),
});

export const evalLinkingCommand = defineCommand({
  name: 'eval linking',
  summary:
    'Entity-linking benchmark: precision and recall per perturbation of KG names, linker vs findMentions',
  usage: 'eval linking <index-dir> [--cases 300] [--seed 1] [--json]',
  positionals: [{ name: 'index-dir', description: 'An index built by `biobridge ingest`' }],
  schema: z.strictObject({
    cases: count(300, 1, 100_000).describe('Cases per perturbation'),
    seed: z.coerce.number().int().min(0).default(1).describe('Seed of the generated set and the bootstrap'),
    bootstrap: count(1000, 10, 100_000).describe('Bootstrap resamples for the 95% CIs'),
    'report-dir': reportDir(),
    json,
  }),
  load: () => import('./commands/eval-linking.js'),
});

export const evalVariantsCommand = defineCommand({
  name: 'eval variants',
  summary:
    'Variant → disease benchmark on unseen variants: learned variant encoder vs gene proxy, positional, popularity, text, random',
  usage: 'eval variants <index-dir> [--neighbours 10] [--write-fusion] [--json]',
  positionals: [
    { name: 'index-dir', description: 'An index with a learned variant model in <index>/variants' },
  ],
  schema: z.strictObject({
    neighbours: count(10, 1, 1000).describe('Training variants used by the positional baseline'),
    resamples: count(1000, 10, 100_000).describe('Bootstrap draws for the 95 % intervals'),
    'write-fusion': booleanFlag.describe(
      "Write the fused ranking's weights (fitted on validation variants) to <index>/variant-fusion.json, atomically; the service ranks variant → disease with them",
    ),
    'report-dir': reportDir('JSON, Markdown and SVG'),
    device: deviceFlag,
    json,
  }),
  load: () => import('./commands/eval-variants.js'),
});

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'Start the HTTP service (retrieval, chat, OpenAI-compatible chat completions)',
  usage: `serve [--index indexes/<name>] [--port ${serviceDefaults.port}] [--host ${serviceDefaults.host}]`,
  positionals: [],
  schema: z.strictObject({
    index: serviceIndex,
    port: z.coerce
      .number()
      .int()
      .min(0)
      .max(65535)
      .optional()
      .describe('Port (env PORT)')
      .meta({ short: 'p', defaultText: String(serviceDefaults.port) }),
    host: z
      .string()
      .optional()
      .describe('Interface to bind (env HOST)')
      .meta({ defaultText: serviceDefaults.host }),
    device: serviceDevice,
  }),
  load: () => import('./commands/serve.js'),
});

export const publishCommand = defineCommand({
  name: 'publish',
  summary: 'Upload a built index to object storage as a new version; serving replicas switch to it',
  usage: 'publish <index-dir> --to s3://<bucket>/<prefix> [--json]',
  positionals: [{ name: 'index-dir', description: 'An index built by `biobridge ingest`' }],
  schema: z.strictObject({
    to: z
      .string({ error: '--to is required (e.g. --to s3://my-bucket/biobridge/shared)' })
      .min(1)
      .describe(
        'Index store: s3://<bucket>/<prefix> (settings from BIOBRIDGE_S3_* / AWS_* env) or file:///<dir>',
      ),
    json,
  }),
  load: () => import('./commands/publish.js'),
});

export const commands: CommandSpec[] = [
  serveCommand,
  ingestCommand,
  publishCommand,
  infoCommand,
  lookupCommand,
  linkCommand,
  trainCommand,
  projectCommand,
  structureKeysCommand,
  evalRetrievalCommand,
  fitFusionCommand,
  trainLigandModelCommand,
  evalKgeCommand,
  proposeCommand,
  evalMoleculesCommand,
  evalQaCommand,
  evalLinkingCommand,
  evalVariantsCommand,
];
