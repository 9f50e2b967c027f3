import { z } from 'zod';
import { serviceDefaults } from '../config/index.js';
import { RETRIEVAL_METHODS } from '../eval/retrieval-methods.js';
import { proposeRequestSchema } from '../molecules/propose-request.js';

/**
 * The options of each command, declared once as a zod schema: `.describe()` is a flag's help,
 * `.default()` its default, and the handler's option type is the schema's `z.infer`.
 */

export const booleanFlag = z.boolean().default(false);
export const json = booleanFlag.describe('Print the result as JSON on stdout');
export const reportDir = (what = 'JSON and Markdown') =>
  z.string().default('eval/reports').describe(`Where the ${what} reports go`);
export const deviceFlag = z.enum(['cpu', 'cuda']).default('cpu').describe('cpu or cuda');
/** Left to the service's config (env first), so the help names the default without applying it. */
export const serviceIndex = z
  .string()
  .optional()
  .describe('Index directory, or s3://<bucket>/<prefix> to serve published versions (env BIOBRIDGE_INDEX)')
  .meta({ short: 'i', defaultText: serviceDefaults.index });
export const serviceDevice = z
  .enum(['cpu', 'cuda'])
  .optional()
  .describe('cpu or cuda for ONNX models (env BIOBRIDGE_DEVICE)')
  .meta({ defaultText: serviceDefaults.device });
/** `a,b,c` → validated list; `list` checks the items (and how many). */
export const commaList = <List extends z.ZodType<unknown, string[]>>(fallback: string, list: List) =>
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

/** A split the retrieval benchmark can query: a trainer split (optionally re-seeded) or an unseen-* split. */
const retrievalSplitName = z
  .string()
  .regex(
    /^((inductive|inductive-leakfree|transductive)(-seed\d+)?|unseen-drug|unseen-protein|unseen-disease)$/,
    'expected a split name such as inductive, inductive-leakfree, inductive-seed7 or unseen-drug',
  );

/** Splits whose validation heads fit the fused ranking: `fit-fusion --splits` and `train --fusion-splits`. */
export const fusionSplits = commaList('inductive,unseen-drug', z.array(retrievalSplitName).min(1)).describe(
  'Splits whose validation heads fit the weights; later ones win per task',
);

/** The Python the trainers run under (it needs PyTorch). */
const pythonFlag = z.string().default('/usr/bin/python3').describe('Python with PyTorch');

export const count = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
/** A number flag checked by a request schema's field: its bounds and default are declared there only. */
export const numberFrom = <Field extends z.ZodType<number, number | undefined>>(field: Field) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined ? undefined : Number(value)))
    .pipe(field);
export const proposeField = proposeRequestSchema.shape;

export const retrievalMethods = z.enum(RETRIEVAL_METHODS);

/** A text flag that must be given: a missing one is named, with an example. */
export const requiredFlag = (flag: string, example: string) =>
  z.string({ error: `--${flag} is required (e.g. --${flag} ${example})` }).min(1);

export const ingestOptions = z.strictObject({
  out: requiredFlag('out', 'indexes/shared')
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
  'gene-info': z
    .string()
    .min(1)
    .default('auto')
    .describe(
      'org.Hs.eg.sqlite (Debian r-bioc-org.hs.eg.db) for gene full names and alias symbols: auto = the Debian path when installed, none = off',
    ),
  wordnet: z
    .string()
    .min(1)
    .default('auto')
    .describe(
      'WordNet dict directory (Debian wordnet-base) for lay names and eponyms: auto = /usr/share/wordnet when installed, none = off',
    ),
  json,
});
export type IngestOptions = z.infer<typeof ingestOptions>;

export const evalQaOptions = z.strictObject({
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
});
export type EvalQaOptions = z.infer<typeof evalQaOptions>;

export const evalMoleculesOptions = z.strictObject({
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
});
export type EvalMoleculesOptions = z.infer<typeof evalMoleculesOptions>;

export const infoOptions = z.strictObject({ json });
export type InfoOptions = z.infer<typeof infoOptions>;

export const lookupOptions = z.strictObject({
  type: z.array(z.string()).optional().describe('Only this node type (repeatable)').meta({ short: 't' }),
  limit: count(10, 1, 1000).describe('Maximum candidates').meta({ short: 'n' }),
  json,
});
export type LookupOptions = z.infer<typeof lookupOptions>;

export const linkOptions = z.strictObject({
  type: z.array(z.string()).optional().describe('Only link this node type (repeatable)').meta({ short: 't' }),
  prefer: z
    .array(z.string())
    .optional()
    .describe('Prefer this node type when a span is ambiguous (repeatable)'),
  limit: count(5, 1, 50).describe('Candidates per span').meta({ short: 'n' }),
  'no-fuzzy': booleanFlag.describe('Do not match names within a typo or two'),
  json,
});
export type LinkOptions = z.infer<typeof linkOptions>;

export const trainOptions = z.strictObject({
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
  python: pythonFlag,
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
});
export type TrainOptions = z.infer<typeof trainOptions>;

export const projectOptions = z.strictObject({ device: deviceFlag, json });
export type ProjectOptions = z.infer<typeof projectOptions>;

export const structureKeysOptions = z.strictObject({ json });
export type StructureKeysOptions = z.infer<typeof structureKeysOptions>;

export const evalRetrievalOptions = z.strictObject({
  split: retrievalSplitName
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
});
export type EvalRetrievalOptions = z.infer<typeof evalRetrievalOptions>;

export const fitFusionOptions = z.strictObject({
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
});
export type FitFusionOptions = z.infer<typeof fitFusionOptions>;

export const trainLigandModelOptions = z.strictObject({
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
    .describe('Kernel ridge regression (seconds), the MLP (minutes per epoch on 2 cores) or both, averaged'),
  epochs: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe('MLP training epochs (the trainer default: 40)'),
  'hidden-dim': z.coerce.number().int().positive().optional().describe('Hidden units (trainer default: 512)'),
  python: pythonFlag,
  json,
});
export type TrainLigandModelOptions = z.infer<typeof trainLigandModelOptions>;

export const evalKgeOptions = z.strictObject({
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
  python: pythonFlag,
  'kge-arg': z
    .array(z.string())
    .optional()
    .describe('Extra flag for python3 -m biobridge_train.kge (repeatable)'),
});
export type EvalKgeOptions = z.infer<typeof evalKgeOptions>;

export const evalLinkingOptions = z.strictObject({
  cases: count(300, 1, 100_000).describe('Cases per perturbation'),
  seed: z.coerce.number().int().min(0).default(1).describe('Seed of the generated set and the bootstrap'),
  bootstrap: count(1000, 10, 100_000).describe('Bootstrap resamples for the 95% CIs'),
  'report-dir': reportDir(),
  json,
});
export type EvalLinkingOptions = z.infer<typeof evalLinkingOptions>;

export const evalVariantsOptions = z.strictObject({
  neighbours: count(10, 1, 1000).describe('Training variants used by the positional baseline'),
  resamples: count(1000, 10, 100_000).describe('Bootstrap draws for the 95 % intervals'),
  'write-fusion': booleanFlag.describe(
    "Write the fused ranking's weights (fitted on validation variants) to <index>/variant-fusion.json, atomically; the service ranks variant → disease with them",
  ),
  'report-dir': reportDir('JSON, Markdown and SVG'),
  device: deviceFlag,
  json,
});
export type EvalVariantsOptions = z.infer<typeof evalVariantsOptions>;

export const serveOptions = z.strictObject({
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
});
export type ServeOptions = z.infer<typeof serveOptions>;

export const publishOptions = z.strictObject({
  to: requiredFlag('to', 's3://my-bucket/biobridge/shared').describe(
    'Index store: s3://<bucket>/<prefix> (settings from BIOBRIDGE_S3_* / AWS_* env) or file:///<dir>',
  ),
  json,
});
export type PublishOptions = z.infer<typeof publishOptions>;
