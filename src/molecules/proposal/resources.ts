import type { Bridge } from '../../bridge/bridge.js';
import type { ChemToolkit } from '../../chem/toolkit.js';
import type { Encoder } from '../../encoders/encoder.js';
import { AppError } from '../../errors.js';
import type { VectorStore } from '../../store/vector-store.js';
import { loadKnownDrugLibrary, type KnownDrugLibrary } from '../known-drugs.js';
import { DRUG_TYPE, PROTEIN_TYPE, TARGET_RELATION } from '../target.js';

export interface ProposerResources {
  /** The bridge and drug encoder, or 503 saying what is missing. */
  requireModels(): Promise<{ bridge: Bridge; drugEncoder: Encoder }>;
  /** Fingerprints of every KG drug, loaded once per proposer (a failed load is retried). */
  loadKnownDrugs(): Promise<KnownDrugLibrary>;
}

export interface ProposerResourceDependencies {
  store: VectorStore;
  toolkit: ChemToolkit;
  bridge: Bridge | undefined;
  encoderFor(type: string): Encoder | undefined;
}

/** The models and the known-drug library a proposer needs, checked and loaded lazily and cached. */
export function createProposerResources(dependencies: ProposerResourceDependencies): ProposerResources {
  const { store, toolkit } = dependencies;
  let knownDrugs: Promise<KnownDrugLibrary> | undefined;
  let projectedDrugs: Promise<number> | undefined;

  const countProjectedDrugs = (): Promise<number> => {
    projectedDrugs ??= (async () =>
      (await store.listTypes()).includes(DRUG_TYPE)
        ? (await store.tableInfo(DRUG_TYPE)).withProjected
        : 0)().catch((error: unknown) => {
      projectedDrugs = undefined;
      throw error;
    });
    return projectedDrugs;
  };

  return {
    async requireModels() {
      const bridge = dependencies.bridge;
      if (!bridge)
        throw unavailable(
          'no trained bridge is loaded (train one with `biobridge train` and run `biobridge project`)',
        );
      const projected = new Set(bridge.metadata.nodeTypes.map((entry) => entry.name));
      for (const type of [PROTEIN_TYPE, DRUG_TYPE])
        if (!projected.has(type))
          throw unavailable(
            `the bridge has no projection for ${type} (it projects ${[...projected].join(', ')})`,
          );
      if (!bridge.metadata.registry.relations.includes(TARGET_RELATION))
        throw unavailable(`the bridge does not know the relation "${TARGET_RELATION}"`);
      const drugEncoder = dependencies.encoderFor(DRUG_TYPE);
      if (!drugEncoder)
        throw unavailable('this index has no drug encoder, so new molecules cannot be scored');
      if ((await countProjectedDrugs()) === 0)
        throw unavailable('no drug in the index has a projected vector (run `biobridge project`)');
      return { bridge, drugEncoder };
    },
    loadKnownDrugs() {
      knownDrugs ??= loadKnownDrugLibrary(store, toolkit, DRUG_TYPE).catch((error: unknown) => {
        knownDrugs = undefined;
        throw error;
      });
      return knownDrugs;
    },
  };
}

function unavailable(message: string): AppError {
  return new AppError({ code: 'UNAVAILABLE', message: `molecule proposals are unavailable: ${message}` });
}
