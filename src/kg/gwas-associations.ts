import { AppError } from '../errors.js';
import { openCsvFile } from './csv-reader.js';
import { KG_FILES, locateCsvFile } from './kg-files.js';

/** GWAS statistics of one variant–disease pair (the catalog row with the best p-value). */
export interface GwasAssociation {
  /** −log10 p. */
  pvalueMlog?: number | undefined;
  /** Odds ratio or beta, as the catalog reports it. */
  orBeta?: number | undefined;
  pubmedId?: string | undefined;
}

/** Variant–disease GWAS statistics by pair. */
export class GwasAssociations {
  private readonly byPair = new Map<string, GwasAssociation>();

  set(variant: number, disease: number, association: GwasAssociation): void {
    this.byPair.set(`${variant}:${disease}`, association);
  }

  get(variant: number, disease: number): GwasAssociation | undefined {
    return this.byPair.get(`${variant}:${disease}`);
  }

  get size(): number {
    return this.byPair.size;
  }
}

/**
 * Reads `edge_attributes.csv(.gz)` of a KG directory: one row per `variant_disease` pair with
 * x = variant, y = disease. Rows of other relations are ignored.
 */
export async function readGwasAssociations(kgDirectory: string): Promise<GwasAssociations> {
  const located = await locateCsvFile(kgDirectory, KG_FILES.edgeAttributes.baseName);
  if (!located)
    throw new AppError({
      code: 'INVALID_INPUT_FILE',
      message: `${kgDirectory} has no ${KG_FILES.edgeAttributes.baseName}.csv(.gz) (GWAS p-values of variant–disease edges)`,
      details: { directory: kgDirectory },
    });
  const reader = openCsvFile(located.path, KG_FILES.edgeAttributes.schema, { onError: 'fail' });
  const associations = new GwasAssociations();
  for await (const { record } of reader.rows()) {
    if (record.relation !== 'variant_disease') continue;
    associations.set(record.x_index, record.y_index, {
      pvalueMlog: record.pvalue_mlog ?? undefined,
      orBeta: record.or_beta ?? undefined,
      pubmedId: record.pubmed_id ?? undefined,
    });
  }
  return associations;
}
