import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AppError, err, ok, type Result } from '../errors.js';
import { rdkitErrorLog, summarizeRDKitLog } from './rdkit-log.js';
import type { RDKitModule, RDKitMol } from './rdkit.js';
import { readJsonFile } from '../util/json-file.js';

/** PAINS classes A–C (Baell & Holloway 2010, by hit frequency) and Brenk's unwanted groups. */
export const alertFamilySchema = z.enum(['PAINS_A', 'PAINS_B', 'PAINS_C', 'BRENK']);
export type AlertFamily = z.infer<typeof alertFamilySchema>;
export const alertFamilies: readonly AlertFamily[] = alertFamilySchema.options;

export const structuralAlertSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case'),
    name: z.string().min(1),
    family: alertFamilySchema,
    smarts: z.string().min(1),
    /** Literature the chemotype comes from. */
    source: z.string().min(1),
    /** The PAINS class the entry stands for, e.g. `ene_rhod_A(235)`. */
    painsClass: z.string().min(1).optional(),
    description: z.string().optional(),
    /** SMILES the SMARTS must (not) match; checked by the test suite. */
    examples: z
      .object({
        matches: z.array(z.string().min(1)).default([]),
        nonMatches: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .optional(),
  })
  .strict();
export type StructuralAlert = z.infer<typeof structuralAlertSchema>;

export const structuralAlertFileSchema = z
  .object({
    version: z.literal(1),
    description: z.string(),
    alerts: z.array(structuralAlertSchema).min(1),
  })
  .strict()
  .superRefine((file, context) => {
    const seen = new Map<string, number>();
    file.alerts.forEach((alert, index) => {
      const first = seen.get(alert.id);
      if (first !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['alerts', index, 'id'],
          message: `duplicate id (first used by alerts[${first}])`,
        });
      } else {
        seen.set(alert.id, index);
      }
    });
  });

/** `data/chem/structural-alerts.json`; resolves from `src/chem` and from the built `dist/chem`. */
export const defaultStructuralAlertsPath = fileURLToPath(
  new URL('../../data/chem/structural-alerts.json', import.meta.url),
);

/**
 * Validates the alert file's content. Errors name the entry by index and id and the field, e.g.
 * `alerts[3] "brenk-aldehyde" family: Invalid option: expected one of ...`.
 */
export function parseStructuralAlertFile(
  content: unknown,
  source: string,
): Result<StructuralAlert[], AppError> {
  const parsed = structuralAlertFileSchema.safeParse(content);
  if (parsed.success) return ok(parsed.data.alerts);
  const entries = (content as { alerts?: unknown } | null)?.alerts;
  const problems = parsed.error.issues.map((issue) => {
    const [section, index, ...field] = issue.path;
    if (section === 'alerts' && typeof index === 'number') {
      const id = Array.isArray(entries) ? (entries[index] as { id?: unknown } | undefined)?.id : undefined;
      const label = `alerts[${index}]${typeof id === 'string' ? ` ${JSON.stringify(id)}` : ''}`;
      return `${label}${field.length ? ` ${field.map(String).join('.')}` : ''}: ${issue.message}`;
    }
    return `${issue.path.length ? issue.path.map(String).join('.') : '(file)'}: ${issue.message}`;
  });
  return err(
    new AppError({
      code: 'INVALID_INPUT_FILE',
      message: `invalid structural alert file ${source}: ${problems.join('; ')}`,
      details: { file: source, problems },
    }),
  );
}

/** Reads and validates the alert file; throws `INVALID_INPUT_FILE` naming the bad entry. */
export async function loadStructuralAlerts(
  path: string = defaultStructuralAlertsPath,
): Promise<StructuralAlert[]> {
  const json = await readJsonFile(path, {
    code: 'INVALID_INPUT_FILE',
    unreadable: `cannot read structural alert file ${path}`,
    notJson: `structural alert file ${path} is not valid JSON`,
  });
  const parsed = parseStructuralAlertFile(json, path);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

export interface AlertMatch {
  id: string;
  name: string;
  family: AlertFamily;
  source: string;
  /** Atom indices of the first match, for highlighting. */
  atoms: number[];
}

/** Matches compiled alerts against molecules; holds WASM queries until `dispose()`. */
export interface AlertMatcher {
  readonly alerts: readonly StructuralAlert[];
  /** Alerts that match `mol`, in file order, optionally only from some families. */
  match(mol: RDKitMol, families?: readonly AlertFamily[]): AlertMatch[];
  dispose(): void;
}

/** Compiles every SMARTS up front so that a bad entry fails at startup, not mid-request. */
export function createAlertMatcher(
  rdkit: RDKitModule,
  alerts: readonly StructuralAlert[],
): Result<AlertMatcher, AppError> {
  const log = rdkitErrorLog(rdkit);
  const compiled: { alert: StructuralAlert; query: RDKitMol }[] = [];
  for (const [index, alert] of alerts.entries()) {
    log.clear();
    const query = rdkit.get_qmol(alert.smarts);
    if (!query || !query.is_valid()) {
      query?.delete();
      for (const entry of compiled) entry.query.delete();
      const reason = summarizeRDKitLog(log.read(), alert.smarts)?.message ?? 'RDKit rejected it';
      return err(
        new AppError({
          code: 'INVALID_INPUT_FILE',
          message: `structural alert alerts[${index}] ${JSON.stringify(alert.id)}: SMARTS ${alert.smarts} does not parse: ${reason}`,
          details: { index, id: alert.id, smarts: alert.smarts, reason },
        }),
      );
    }
    compiled.push({ alert, query });
  }
  return ok({
    alerts,
    match(mol, families) {
      const matches: AlertMatch[] = [];
      for (const { alert, query } of compiled) {
        if (families && !families.includes(alert.family)) continue;
        const found = JSON.parse(mol.get_substruct_match(query)) as { atoms?: number[] };
        if (!found.atoms) continue;
        matches.push({
          id: alert.id,
          name: alert.name,
          family: alert.family,
          source: alert.source,
          atoms: found.atoms,
        });
      }
      return matches;
    },
    dispose() {
      for (const entry of compiled) entry.query.delete();
      compiled.length = 0;
    },
  });
}
