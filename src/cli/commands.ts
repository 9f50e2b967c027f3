import { z } from 'zod';
import { serviceDefaults } from '../config/index.js';
import {
  booleanFlag,
  evalKgeOptions,
  evalLinkingOptions,
  evalMoleculesOptions,
  evalQaOptions,
  evalRetrievalOptions,
  evalVariantsOptions,
  fitFusionOptions,
  ingestOptions,
  infoOptions,
  json,
  linkOptions,
  lookupOptions,
  numberFrom,
  projectOptions,
  proposeField,
  publishOptions,
  serveOptions,
  serviceDevice,
  serviceIndex,
  structureKeysOptions,
  trainLigandModelOptions,
  trainOptions,
} from './command-options.js';
import { defineCommand, type CommandSpec } from './command.js';

/** The one positional of most commands. */
const builtIndex = [{ name: 'index-dir', description: 'An index built by `biobridge ingest`' }];

export const ingestCommand = defineCommand({
  name: 'ingest',
  summary: 'Build an index from a PrimeKG-format KG directory (nodes, edges, modality payloads, encoders)',
  usage:
    'ingest <kg-dir> --out indexes/<name> [--on-error skip|fail] [--include-noncommercial] [--gene-info auto|none|FILE] [--wordnet auto|none|DIR] [--json]',
  positionals: [
    { name: 'kg-dir', description: 'Directory with kg.csv(.gz), nodes.csv(.gz) and modality files' },
  ],
  schema: ingestOptions,
  load: () => import('./commands/ingest.js'),
});

export const infoCommand = defineCommand({
  name: 'info',
  summary: 'Show node counts per type, modality coverage, encoders and bridge of an index',
  usage: 'info <index-dir> [--json]',
  positionals: builtIndex,
  schema: infoOptions,
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
  schema: lookupOptions,
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
  schema: linkOptions,
  load: () => import('./commands/link.js'),
});

export const trainCommand = defineCommand({
  name: 'train',
  summary:
    'Train the bridge: export vectors + triples, run the PyTorch trainer, import the ONNX bridge, project, fit the fused ranking',
  usage:
    'train <index-dir> [--preset cpu|paper|tiny] [--split inductive|inductive-leakfree|transductive] [--no-fit-fusion] [--fusion-splits inductive,unseen-drug] [--json]',
  positionals: builtIndex,
  schema: trainOptions,
  load: () => import('./commands/train.js'),
});

export const projectCommand = defineCommand({
  name: 'project',
  summary: "Fill the projected-vector column of every node table with the index's bridge",
  usage: 'project <index-dir> [--device cpu|cuda] [--json]',
  positionals: [{ name: 'index-dir', description: 'An index with a bridge in <index>/bridge' }],
  schema: projectOptions,
  load: () => import('./commands/project.js'),
});

export const structureKeysCommand = defineCommand({
  name: 'structure-keys',
  summary:
    'Store the structure keys (canonical SMILES, sequence hashes) of an index built before ingest wrote them',
  usage: 'structure-keys <index-dir> [--json]',
  positionals: [{ name: 'index-dir', description: 'An index without structures/keys.json.gz' }],
  schema: structureKeysOptions,
  load: () => import('./commands/structure-keys.js'),
});

export const evalRetrievalCommand = defineCommand({
  name: 'eval retrieval',
  summary: 'Cross-modal retrieval benchmark on held-out heads: bridge vs NN transfer, untrained and random',
  usage:
    'eval retrieval <index-dir> [--split inductive|unseen-drug|unseen-protein|unseen-disease] [--methods fused,bridge,nn_transfer,ligand,ligand_model,popularity,untrained,random] [--json]',
  positionals: [{ name: 'index-dir', description: 'A trained index' }],
  schema: evalRetrievalOptions,
  load: () => import('./commands/eval-retrieval.js'),
});

export const evalQaCommand = defineCommand({
  name: 'eval qa',
  summary:
    'QA benchmark: multiple choice, true/false and list questions, against always-true, random and plain-lookup baselines',
  usage:
    'eval qa <index-dir> [--csv questions.csv] [--per-kind 60] [--seed 1] [--split all|dev|test] [--phrasings main|heldout|robust|robust-names|fresh] [--distractors uniform|matched] [--ablate-direct] [--unsupported closed-world|undetermined] [--json]',
  positionals: [{ name: 'index-dir', description: 'An index built by `biobridge ingest`' }],
  schema: evalQaOptions,
  load: () => import('./commands/eval-qa.js'),
});

export const fitFusionCommand = defineCommand({
  name: 'fit-fusion',
  summary:
    'Fit the fused ranking (bridge + NN transfer + popularity) on validation heads; writes <index>/fusion.json',
  usage:
    'fit-fusion <index-dir> [--splits inductive,unseen-drug] [--compare bridge,nn_transfer,ligand,ligand_model,popularity,random] [--no-ligand-model] [--report-dir eval/reports] [--json]',
  positionals: [{ name: 'index-dir', description: 'An index with a training export' }],
  schema: fitFusionOptions,
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
  schema: trainLigandModelOptions,
  load: () => import('./commands/train-ligand-model.js'),
});

export const evalKgeCommand = defineCommand({
  name: 'eval kge',
  summary:
    'KG-embedding baselines (TransE, DistMult, ComplEx, RotatE) vs the bridge on the transductive split',
  usage:
    'eval kge <index-dir> [--models transe,distmult,complex,rotate] [--bridge-run <run dir>] [--kge-arg=--epochs --kge-arg=3]',
  positionals: [{ name: 'index-dir', description: 'An index with a training export (biobridge train)' }],
  schema: evalKgeOptions,
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
  schema: evalMoleculesOptions,
  load: () => import('./commands/eval-molecules.js'),
});

export const evalLinkingCommand = defineCommand({
  name: 'eval linking',
  summary:
    'Entity-linking benchmark: precision and recall per perturbation of KG names, linker vs findMentions',
  usage: 'eval linking <index-dir> [--cases 300] [--seed 1] [--json]',
  positionals: builtIndex,
  schema: evalLinkingOptions,
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
  schema: evalVariantsOptions,
  load: () => import('./commands/eval-variants.js'),
});

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'Start the HTTP service (retrieval, chat, OpenAI-compatible chat completions)',
  usage: `serve [--index indexes/<name>] [--port ${serviceDefaults.port}] [--host ${serviceDefaults.host}]`,
  positionals: [],
  schema: serveOptions,
  load: () => import('./commands/serve.js'),
});

export const publishCommand = defineCommand({
  name: 'publish',
  summary: 'Upload a built index to object storage as a new version; serving replicas switch to it',
  usage: 'publish <index-dir> --to s3://<bucket>/<prefix> [--json]',
  positionals: builtIndex,
  schema: publishOptions,
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
