import type { Bridge } from '../../bridge/bridge.js';
import type { Encoder } from '../../encoders/encoder.js';
import type { VectorStore } from '../../store/vector-store.js';
import type { FusionModel } from '../fusion.js';
import type { LigandIndex } from '../ligand-index.js';
import type { LigandModel } from '../ligand-model.js';
import type { TransferIndex } from '../transfer-index.js';
import type { StoreFacts } from './store-facts.js';

/** What the predict stage (and the feature ranking it calls) reads. */
export interface PredictDependencies {
  store: VectorStore;
  facts: StoreFacts;
  bridge: Bridge | undefined;
  transfer: TransferIndex;
  /** Ligand similarity for drug heads; undefined when the index has no ligand fingerprints. */
  ligands: LigandIndex | undefined;
  /** The ligand-target model; undefined when the index has none. */
  ligandModel: LigandModel | undefined;
  fusion: FusionModel | undefined;
  encoderFor(type: string): Encoder | undefined;
}
