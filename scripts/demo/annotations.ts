import { z } from 'zod';
import { AppError } from '../../src/errors.js';
import { querySqlite, sqlList } from './sqlite.js';

/** Readers for org.Hs.eg.sqlite (genes, UniProt, GO annotations) and GO.sqlite (terms, is_a). */

export type GoOntology = 'BP' | 'MF' | 'CC';
const ontologySchema = z.enum(['BP', 'MF', 'CC']);

export interface Gene {
  entrezId: string;
  symbol: string;
  /** UniProt accessions org.Hs.eg.db maps the gene to (Swiss-Prot and TrEMBL), sorted. */
  uniprotAccessions: string[];
}

export interface GoAnnotation {
  entrezId: string;
  goId: string;
  ontology: GoOntology;
  evidence: string;
}

export interface GoTerm {
  goId: string;
  name: string;
  ontology: GoOntology;
  definition: string;
}

export interface GoIsA {
  childId: string;
  parentId: string;
  ontology: GoOntology;
}

const geneRowSchema = z.object({ entrezId: z.string().regex(/^\d+$/), symbol: z.string() });
const uniprotRowSchema = z.object({ entrezId: z.string(), accession: z.string().min(1) });

/** Maps official symbols to Entrez genes; throws naming every symbol that is unknown or ambiguous. */
export async function readGenes(orgDatabase: string, symbols: readonly string[]): Promise<Map<string, Gene>> {
  const rows = await querySqlite(
    orgDatabase,
    `SELECT g.gene_id AS entrezId, i.symbol AS symbol FROM genes g JOIN gene_info i ON i._id = g._id WHERE i.symbol IN ${sqlList(symbols)};`,
    geneRowSchema,
  );
  const bySymbol = new Map<string, string[]>();
  for (const row of rows) bySymbol.set(row.symbol, [...(bySymbol.get(row.symbol) ?? []), row.entrezId]);
  const unknown = symbols.filter((symbol) => !bySymbol.has(symbol));
  const ambiguous = symbols.filter((symbol) => (bySymbol.get(symbol)?.length ?? 0) > 1);
  if (unknown.length > 0 || ambiguous.length > 0)
    throw new AppError({
      code: 'INVALID_INPUT_FILE',
      message:
        `seed gene symbols not official NCBI symbols in org.Hs.eg.db: unknown [${unknown.join(', ')}], ` +
        `ambiguous [${ambiguous.join(', ')}]`,
      details: { unknown, ambiguous },
    });

  const entrezIds = rows.map((row) => row.entrezId);
  const accessions = await querySqlite(
    orgDatabase,
    `SELECT g.gene_id AS entrezId, u.uniprot_id AS accession FROM genes g JOIN uniprot u ON u._id = g._id WHERE g.gene_id IN ${sqlList(entrezIds)};`,
    uniprotRowSchema,
  );
  const accessionsByGene = new Map<string, Set<string>>();
  for (const row of accessions) {
    if (!accessionsByGene.has(row.entrezId)) accessionsByGene.set(row.entrezId, new Set());
    accessionsByGene.get(row.entrezId)?.add(row.accession);
  }
  const genes = new Map<string, Gene>();
  for (const row of rows)
    genes.set(row.symbol, {
      entrezId: row.entrezId,
      symbol: row.symbol,
      uniprotAccessions: [...(accessionsByGene.get(row.entrezId) ?? [])].sort(),
    });
  return genes;
}

const annotationRowSchema = z.object({
  entrezId: z.string(),
  goId: z.string().regex(/^GO:\d{7}$/),
  evidence: z.string().min(2),
  ontology: ontologySchema,
});

/** Direct (not propagated) GO annotations of the genes, every evidence code. */
export async function readGoAnnotations(
  orgDatabase: string,
  entrezIds: readonly string[],
): Promise<GoAnnotation[]> {
  const genes = sqlList(entrezIds);
  const select = (table: string, ontology: GoOntology) =>
    `SELECT g.gene_id AS entrezId, a.go_id AS goId, a.evidence AS evidence, '${ontology}' AS ontology ` +
    `FROM genes g JOIN ${table} a ON a._id = g._id WHERE g.gene_id IN ${genes}`;
  return querySqlite(
    orgDatabase,
    `${select('go_bp', 'BP')} UNION ALL ${select('go_mf', 'MF')} UNION ALL ${select('go_cc', 'CC')};`,
    annotationRowSchema,
  );
}

const termRowSchema = z.object({
  goId: z.string(),
  name: z.string(),
  ontology: ontologySchema,
  definition: z.string().nullable(),
});

/** Names and definitions of current (non-obsolete) GO terms; ids not in GO.sqlite are left out. */
export async function readGoTerms(
  goDatabase: string,
  goIds: readonly string[],
): Promise<Map<string, GoTerm>> {
  const rows = await querySqlite(
    goDatabase,
    `SELECT go_id AS goId, term AS name, ontology, definition FROM go_term WHERE go_id IN ${sqlList(goIds)};`,
    termRowSchema,
  );
  return new Map(
    rows.map((row) => [
      row.goId,
      { goId: row.goId, name: row.name, ontology: row.ontology, definition: row.definition ?? '' },
    ]),
  );
}

const isARowSchema = z.object({ childId: z.string(), parentId: z.string() });

/** Direct is_a links whose child and parent are both among `goIds` (GO.db spells the type `isa`). */
export async function readGoIsA(goDatabase: string, goIds: readonly string[]): Promise<GoIsA[]> {
  const ids = sqlList(goIds);
  const links: GoIsA[] = [];
  for (const [table, ontology] of [
    ['go_bp_parents', 'BP'],
    ['go_mf_parents', 'MF'],
    ['go_cc_parents', 'CC'],
  ] as const) {
    const rows = await querySqlite(
      goDatabase,
      `SELECT c.go_id AS childId, p.go_id AS parentId FROM ${table} r ` +
        `JOIN go_term c ON c._id = r._id JOIN go_term p ON p._id = r._parent_id ` +
        `WHERE r.relationship_type = 'isa' AND c.go_id IN ${ids} AND p.go_id IN ${ids};`,
      isARowSchema,
    );
    for (const row of rows) links.push({ ...row, ontology });
  }
  return links;
}
