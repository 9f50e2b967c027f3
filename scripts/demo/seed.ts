import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError, err, ok, type Result } from '../../src/errors.js';
import { parseCsvRecords } from './csv.js';

/**
 * The curated seed tables under `data/demo/seed/`: drugs (DrugBank id, SMILES, target gene
 * symbols, indications by disease name) and diseases (id, genes by symbol, short definition).
 * Lists inside a cell are separated by `;`.
 */
export const SEED_DRUGS_FILE = 'drugs.csv';
export const SEED_DISEASES_FILE = 'diseases.csv';

const listSchema = z.string().transform((value) =>
  value
    .split(';')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

const geneSymbolSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, 'a gene symbol such as EGFR or HLA-DRB1');

export const seedDrugRowSchema = z.object({
  drugbank_id: z.string().regex(/^DB\d{5}$/, 'a DrugBank id such as DB00619'),
  name: z.string().min(1),
  drug_class: z.string().min(1),
  smiles: z.string().min(1).regex(/^\S+$/, 'a SMILES string without spaces'),
  targets: listSchema.pipe(z.array(geneSymbolSchema)),
  indications: listSchema,
  source: z.string().min(1),
});

export const seedDiseaseRowSchema = z.object({
  disease_id: z
    .string()
    .regex(/^(DOID:\d+|name:[a-z0-9_'-]+)$/, 'a DOID (DOID:1612) or a name-based id (name:insomnia)'),
  name: z.string().min(1),
  genes: listSchema.pipe(z.array(geneSymbolSchema)),
  definition: z.string().min(1),
  source: z.string().min(1),
});

export interface SeedDrug {
  drugbankId: string;
  name: string;
  drugClass: string;
  smiles: string;
  targets: string[];
  /** Disease names, each the `name` of a seed disease. */
  indications: string[];
  source: string;
}

export interface SeedDisease {
  id: string;
  name: string;
  genes: string[];
  definition: string;
  source: string;
}

export interface Seed {
  drugs: SeedDrug[];
  diseases: SeedDisease[];
}

function invalid(
  file: string,
  line: number,
  message: string,
  details: Record<string, unknown> = {},
): AppError {
  return new AppError({
    code: 'INVALID_INPUT_FILE',
    message: `${file}:${line}: ${message}`,
    details: { file, line, ...details },
  });
}

function parseRows<S extends z.ZodType>(file: string, text: string, schema: S): Result<z.output<S>[]> {
  let records: Record<string, string>[];
  try {
    records = parseCsvRecords(text);
  } catch (cause) {
    return err(
      new AppError({
        code: 'INVALID_INPUT_FILE',
        message: `${file}: not valid CSV`,
        cause,
        details: { file },
      }),
    );
  }
  const rows: z.output<S>[] = [];
  for (const [position, record] of records.entries()) {
    // +2: the header is line 1 and records count from 0 (seed rows never span lines).
    const line = position + 2;
    const parsed = schema.safeParse(record);
    if (!parsed.success) return err(invalid(file, line, z.prettifyError(parsed.error)));
    rows.push(parsed.data);
  }
  return ok(rows);
}

/** Parses and cross-checks both seed tables (unique ids and names, indications name known diseases). */
export function parseSeed(drugsCsv: string, diseasesCsv: string): Result<Seed> {
  const drugRows = parseRows(SEED_DRUGS_FILE, drugsCsv, seedDrugRowSchema);
  if (!drugRows.ok) return drugRows;
  const diseaseRows = parseRows(SEED_DISEASES_FILE, diseasesCsv, seedDiseaseRowSchema);
  if (!diseaseRows.ok) return diseaseRows;

  const diseases: SeedDisease[] = [];
  const diseaseIds = new Set<string>();
  const diseaseNames = new Set<string>();
  for (const [position, row] of diseaseRows.value.entries()) {
    const line = position + 2;
    if (diseaseIds.has(row.disease_id))
      return err(invalid(SEED_DISEASES_FILE, line, `duplicate disease_id ${row.disease_id}`));
    if (diseaseNames.has(row.name))
      return err(invalid(SEED_DISEASES_FILE, line, `duplicate disease name "${row.name}"`));
    if (new Set(row.genes).size !== row.genes.length)
      return err(invalid(SEED_DISEASES_FILE, line, `genes of ${row.disease_id} repeat a symbol`));
    diseaseIds.add(row.disease_id);
    diseaseNames.add(row.name);
    diseases.push({
      id: row.disease_id,
      name: row.name,
      genes: row.genes,
      definition: row.definition,
      source: row.source,
    });
  }

  const drugs: SeedDrug[] = [];
  const drugIds = new Set<string>();
  for (const [position, row] of drugRows.value.entries()) {
    const line = position + 2;
    if (drugIds.has(row.drugbank_id))
      return err(invalid(SEED_DRUGS_FILE, line, `duplicate drugbank_id ${row.drugbank_id}`));
    if (new Set(row.targets).size !== row.targets.length)
      return err(invalid(SEED_DRUGS_FILE, line, `targets of ${row.drugbank_id} repeat a symbol`));
    const unknown = row.indications.filter((name) => !diseaseNames.has(name));
    if (unknown.length > 0)
      return err(
        invalid(
          SEED_DRUGS_FILE,
          line,
          `indications of ${row.drugbank_id} name diseases missing from ${SEED_DISEASES_FILE}: ${unknown.join(', ')}`,
          {
            field: 'indications',
          },
        ),
      );
    if (row.targets.length === 0 && row.indications.length === 0)
      return err(invalid(SEED_DRUGS_FILE, line, `${row.drugbank_id} has neither targets nor indications`));
    drugIds.add(row.drugbank_id);
    drugs.push({
      drugbankId: row.drugbank_id,
      name: row.name,
      drugClass: row.drug_class,
      smiles: row.smiles,
      targets: row.targets,
      indications: row.indications,
      source: row.source,
    });
  }
  return ok({ drugs, diseases });
}

/** Reads `drugs.csv` and `diseases.csv` from `directory`; throws the parse error as an AppError. */
export async function readSeed(directory: string): Promise<Seed> {
  const [drugsCsv, diseasesCsv] = await Promise.all([
    readFile(join(directory, SEED_DRUGS_FILE), 'utf8'),
    readFile(join(directory, SEED_DISEASES_FILE), 'utf8'),
  ]);
  const seed = parseSeed(drugsCsv, diseasesCsv);
  if (!seed.ok) throw seed.error;
  return seed.value;
}

/** Every gene symbol the seed names (targets and disease genes), sorted. */
export function seedGeneSymbols(seed: Seed): string[] {
  const symbols = new Set<string>();
  for (const drug of seed.drugs) for (const symbol of drug.targets) symbols.add(symbol);
  for (const disease of seed.diseases) for (const symbol of disease.genes) symbols.add(symbol);
  return [...symbols].sort();
}
