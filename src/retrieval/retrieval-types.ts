import type { VariantFusionWeights, VariantSignals } from './variant-signals.js';
import type { Bridge } from '../bridge/bridge.js';
import type { Encoder } from '../encoders/encoder.js';
import type { VariantInputs, VariantModel } from '../encoders/variant-learned.js';
import type { KgGraph } from '../kg/graph.js';
import type { GwasAssociation, KgFacts } from '../kg/kg-facts.js';
import type { PayloadKind } from '../kg/types.js';
import type { NameLookup } from '../store/name-lookup.js';
import type { VectorStore } from '../store/vector-store.js';
import type { Logger } from '../util/logger.js';
import type { ResolvedEntity } from './entity-resolver.js';
import type { LigandFingerprints } from './ligand-fingerprints.js';
import type { LigandModel } from './ligand-model.js';
import type { FusionModel, FusionWeightsUsed } from './fusion.js';
import type { StructureKeys } from './structure-keys.js';
import type { TransferVoter } from './transfer-index.js';

export interface RetrieverDependencies {
  graph: KgGraph;
  store: VectorStore;
  lookup: NameLookup;
  /** The index's encoder for a node type; undefined for types searchable by name only. */
  encoderFor(type: string): Encoder | undefined;
  /** Undefined until a bridge is trained: KG facts still work, predictions are `UNAVAILABLE`. */
  bridge: Bridge | undefined;
  /** The index's fitted fusion (fusion.json); tasks it does not cover use DEFAULT_FUSION_WEIGHTS. */
  fusion?: FusionModel | undefined;
  /** The index's ligand fingerprints (`<index>/ligands/`): ligand similarity for drug queries. */
  ligands?: LigandFingerprints | undefined;
  /** The ligand-target model (`<index>/ligand-model/`): a fused component for drug → target queries. */
  ligandModel?: LigandModel | undefined;
  /** Learned variant model and its inputs; rsid / variant queries are refused without it. */
  variants?: VariantModelServices | undefined;
  /** The index's stored structure keys (structures/keys.json.gz); computed on first use without them. */
  structures?: StructureKeys | undefined;
  logger?: Logger;
}

/** The learned variant model with what it needs at query time. */
export interface VariantModelServices {
  model: VariantModel;
  inputs: VariantInputs;
  /** The KG's GWAS statistics per variant–disease association. */
  facts: KgFacts;
  /** The fused variant → disease ranking (variant-fusion.json, fitted for this model); undefined: learned only. */
  fusion?: VariantFusedRanking | undefined;
}

/** Weights fitted on validation variants and the signals they weigh (reference: every KG variant). */
export interface VariantFusedRanking {
  weights: VariantFusionWeights;
  signals: VariantSignals;
}

/** How predictions are ranked: the fitted fusion, the bridge alone, or nearest-neighbour transfer. */
export type RetrievalMethod = 'fused' | 'bridge' | 'transfer';

/** Every ranking component of a hit; null where it was not computed or does not apply. */
export interface HitScores {
  /** Cosine of the bridge-transformed query and the candidate's projection. */
  bridge: number | null;
  /** Similarity-weighted votes of the most similar known heads, divided by the query's top vote. */
  transfer: number | null;
  /** log(1 + KG degree over the relation), scaled to [0, 1]. */
  prior: number | null;
  /** The fitted linear fusion of the components. */
  fused: number | null;
  /** Variant queries: the learned variant model's cosine. */
  learned?: number | null | undefined;
  /** Variant → disease: diseases of the nearest other KG variants on the chromosome (1/rank), over the query's top. */
  positional?: number | null | undefined;
  /** Variant → disease: mapped genes the KG links to the disease, over the query's top. */
  geneProxy?: number | null | undefined;
  /** Ligand-similarity votes (drug queries, when the fusion weights them), divided by the top vote. */
  ligand?: number | null | undefined;
  /** The ligand-model score (drug queries whose fused ranking weights it), over the query's top ligand-model score. */
  ligandModel?: number | null | undefined;
}

/** Why a candidate was retrieved. */
export type Explanation =
  | {
      kind: 'kg';
      text: string;
      path: { nodeIndex: number; id: string; name: string; type: string }[];
      relation: string;
    }
  | {
      kind: 'transfer';
      text: string;
      voters: { nodeIndex: number; id: string; name: string; similarity: number }[];
    }
  | { kind: 'bridge'; text: string }
  | { kind: 'prior'; text: string }
  /** The ligand-target model contributed most to the fused score; `voters`: similar known drugs that agree. */
  | {
      kind: 'ligand-model';
      text: string;
      /** The ligand-model score in [0, 1]: a clipped kernel-ridge estimate or an MLP sigmoid, not a calibrated probability. */
      score: number;
      /** Deprecated alias of `score`, kept for existing clients. */
      probability: number;
      voters: { nodeIndex: number; id: string; name: string; similarity: number }[];
    }
  /** Ranked by the learned variant model (its cosine is the hit's `score`). */
  | { kind: 'variant-model'; text: string };

export type QueryKind = 'protein' | 'smiles' | 'text' | 'entity' | 'variant';

/** KG GWAS statistics of a variant–disease association, with the p-value itself for readers. */
export interface AssociationFacts extends GwasAssociation {
  pvalue?: number | undefined;
}

export interface RetrievedRelation {
  headType: string;
  relation: string;
  tailType: string;
  /** PrimeKG `relation` values behind it, e.g. `drug_protein`. */
  kgRelations: string[];
}

/** The request as resolved: what was searched, from which head type, over which relations. */
export interface ResolvedQuery {
  kind: QueryKind;
  headType: string;
  /** The KG entity an `entity` query resolved to, with the name or id that matched. */
  entity?: (ResolvedEntity & { matched?: string | undefined }) | undefined;
  /** First characters of a protein, SMILES or text input. */
  inputPreview?: string | undefined;
  targetTypes: string[];
  relations: RetrievedRelation[];
  k: number;
  maxKnown: number;
  includeKnown: boolean;
  includePredicted: boolean;
  /** How a variant head was embedded (variant queries only). */
  variant?:
    | {
        rsid?: string | undefined;
        inKg: boolean;
        embeddedFrom: 'kg-features' | 'request-features';
        knownFeatures: string[];
      }
    | undefined;
  /** Whether predictions were made (by the ranking method, or the learned variant model), and why not. */
  predictions:
    { available: true; model?: 'variant-learned' | undefined } | { available: false; reason: string };
  /** How predictions were ranked; `variant-model` when the learned variant model answered. */
  method: RetrievalMethod | 'variant-model';
  /** Variant queries: `fused` (learned + positional + gene proxy + popularity, variant → disease) or `learned`. */
  variantRanking?: 'fused' | 'learned' | undefined;
  /**
   * The fused ranking's weights per relation: `fitted` from the index's fusion.json, or `default`
   * (DEFAULT_FUSION_WEIGHTS in fusion.ts) where none covers the task. Absent for other methods.
   */
  fusion?: FusionWeightsUsed[] | undefined;
  /** KG facts found for the entity over the planned relations, before `maxKnown`. */
  knownTotal: number;
}

export interface RetrievalResult {
  rank: number;
  /** Cosine similarity in the tail type's projected space; null when the bridge cannot score it. */
  score: number | null;
  type: string;
  id: string;
  name: string;
  nodeIndex: number;
  /** The KG has an edge from the query entity to this one over one of the queried relations. */
  known: boolean;
  /** The relation `score` refers to: the best-scoring KG relation when known, else the best predicted one. */
  relation: string;
  /** Every queried relation under which the KG links the query entity to this one. */
  knownRelations: string[];
  /** The method that ranked it in the top k, or `kg` when it is only a KG neighbour. */
  source: RetrievalMethod | 'variant-model' | 'kg';
  /** All null for `variant-model` hits: the learned model's cosine is `score`. */
  scores: HitScores;
  explanation: Explanation;
  /** GWAS statistics of a KG variant–disease association; KG facts only, never a prediction. */
  association?: AssociationFacts | undefined;
  /** What the payload is (`sequence`, `smiles`, `text`…); null when the store has no row for it. */
  payloadKind: PayloadKind | null;
  /** First ~80 characters of the sequence, SMILES or definition. */
  payloadPreview: string | null;
}

export interface RetrievalResponse {
  query: ResolvedQuery;
  results: RetrievalResult[];
}

export interface RetrieveOptions {
  signal?: AbortSignal | undefined;
  /** Prefix for field names in errors: `body.` for the HTTP API, `attachments.` for chat attachments. */
  fieldPrefix?: string | undefined;
  /**
   * `throw` (default): predictions that cannot be made are an error (`UNAVAILABLE` without a bridge,
   * `UNPROCESSABLE` for an entity without a vector). `skip`: return KG facts and say why in
   * `query.predictions` (the QA agent degrades this way).
   */
  unavailablePredictions?: 'throw' | 'skip' | undefined;
  /**
   * Method for a request that names none on an index without fusion.json: `fused` (default, with
   * DEFAULT_FUSION_WEIGHTS). The QA agent asks for `bridge`, whose cosine its evidence threshold
   * (`minPredictionScore`) was set for.
   */
  methodWithoutFusion?: RetrievalMethod | undefined;
  /** Length of `payloadPreview` in characters; default {@link PAYLOAD_PREVIEW_CHARACTERS}. */
  previewCharacters?: number | undefined;
  /**
   * The request is already `retrievalRequestSchema`'s output (the HTTP route validated the body
   * with it), so it is not parsed a second time; default false.
   */
  validated?: boolean | undefined;
}

export const PAYLOAD_PREVIEW_CHARACTERS = 80;
export const NO_BRIDGE_MESSAGE =
  'bridge predictions are unavailable: no trained bridge is loaded (train one and run `biobridge project`); KG facts still work with includePredicted: false';

/** The query head: a KG entity, or a new protein / SMILES / text input of a head type. */
export interface Head {
  kind: QueryKind;
  type: string;
  entity?: ResolvedEntity & { matched?: string };
  input?: { value: string; field: string };
}

/** One (tail, relation) pair found by the ranking method or the KG. */
export interface Candidate {
  relation: string;
  score: number | null;
  /** Ranked in the method's top k (named for the original, bridge-only method). */
  fromBridge: boolean;
  known: boolean;
  scores?: HitScores | undefined;
  voters?: readonly TransferVoter[] | undefined;
  /** Set when the ligand-target model contributed most to the fused score: its ligand-model score in [0, 1]. */
  ligandModelScore?: number | undefined;
}

/** Per tail type, per tail node index: its candidates. */
export type CandidatesByTail = Map<string, Map<number, Candidate[]>>;

export function candidatesOf(byTail: CandidatesByTail, tailType: string, nodeIndex: number): Candidate[] {
  let perTail = byTail.get(tailType);
  if (!perTail) byTail.set(tailType, (perTail = new Map<number, Candidate[]>()));
  let list = perTail.get(nodeIndex);
  if (!list) perTail.set(nodeIndex, (list = []));
  return list;
}

/** The first `length` characters, whitespace collapsed, `…` when cut. */
export function preview(payload: string | null, length = PAYLOAD_PREVIEW_CHARACTERS): string | null {
  if (payload === null) return null;
  const flat = payload.replace(/\s+/g, ' ').trim();
  const characters = [...flat];
  return characters.length <= length ? flat : `${characters.slice(0, length).join('')}…`;
}
