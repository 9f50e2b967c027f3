import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  drugSmilesRowSchema,
  drugTextRowSchema,
  edgeAttributeRowSchema,
  kgEdgeRowSchema,
  nodeRowSchema,
  ontologyIsARowSchema,
  proteinSequenceRowSchema,
  textFeatureRowSchema,
  variantFeatureRowSchema,
} from './schemas.js';
import { kgEdgeFastCheck, type FastRowCheck } from './fast-row-check.js';

/** The files of a PrimeKG-format directory, by role; each may be `<baseName>.csv` or `<baseName>.csv.gz`. */
export const KG_FILES = {
  nodes: { baseName: 'nodes', schema: nodeRowSchema },
  edges: { baseName: 'kg', schema: kgEdgeRowSchema },
  nonCommercialEdges: { baseName: 'kg_noncommercial', schema: kgEdgeRowSchema },
  proteinSequences: { baseName: 'protein_sequences', schema: proteinSequenceRowSchema },
  drugSmiles: { baseName: 'drug_smiles', schema: drugSmilesRowSchema },
  textFeatures: { baseName: 'text_features', schema: textFeatureRowSchema },
  drugText: { baseName: 'drug_text', schema: drugTextRowSchema },
  variantFeatures: { baseName: 'variant_features', schema: variantFeatureRowSchema },
  edgeAttributes: { baseName: 'edge_attributes', schema: edgeAttributeRowSchema },
  ontologyIsA: { baseName: 'ontology_is_a', schema: ontologyIsARowSchema },
} as const;
export type KgFileRole = keyof typeof KG_FILES;

/** The hand-written row check of a file's schema, for large files (only the edge files have one). */
export function fastRowCheckOf(role: KgFileRole): FastRowCheck<unknown> | undefined {
  return role === 'edges' || role === 'nonCommercialEdges' ? kgEdgeFastCheck : undefined;
}

export interface LocatedFile {
  path: string;
  /** File name shown in messages, e.g. `nodes.csv.gz`. */
  name: string;
  bytes: number;
  gzip: boolean;
}

/** Finds `<baseName>.csv`, else `<baseName>.csv.gz`, in `directory`. */
export async function locateCsvFile(directory: string, baseName: string): Promise<LocatedFile | undefined> {
  for (const name of [`${baseName}.csv`, `${baseName}.csv.gz`]) {
    const path = join(directory, name);
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (info?.isFile()) return { path, name, bytes: info.size, gzip: name.endsWith('.gz') };
  }
  return undefined;
}

export const isGzipPath = (path: string): boolean => path.endsWith('.gz');
