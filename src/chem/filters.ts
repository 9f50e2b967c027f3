import { z } from 'zod';
import { alertFamilies, alertFamilySchema, type AlertMatch } from './alerts.js';
import type { MolecularDescriptors } from './descriptors.js';
import type { ChemToolkit } from './toolkit.js';

const rangeSchema = z
  .object({ min: z.number().optional(), max: z.number().optional() })
  .strict()
  .refine((range) => range.min === undefined || range.max === undefined || range.min <= range.max, {
    message: 'min must not exceed max',
  });
export type Range = z.infer<typeof rangeSchema>;

/**
 * Per-request candidate filters. Defaults are Lipinski's rule of five (MW ≤ 500, cLogP ≤ 5,
 * N+O ≤ 10, NH+OH ≤ 5; Lipinski et al., Adv. Drug Deliv. Rev. 1997) and Veber's rules (TPSA
 * ≤ 140 Å², ≤ 10 rotatable bonds; Veber et al., J. Med. Chem. 2002), applied strictly: each
 * range is its own filter, so one violation fails. `{}` switches a range off.
 */
export const filterOptionsSchema = z
  .object({
    molecularWeight: rangeSchema.default({ max: 500 }),
    cLogP: rangeSchema.default({ max: 5 }),
    tpsa: rangeSchema.default({ max: 140 }),
    /** Lipinski donors (NH + OH count). */
    hbd: rangeSchema.default({ max: 5 }),
    /** Lipinski acceptors (N + O count). */
    hba: rangeSchema.default({ max: 10 }),
    rotatableBonds: rangeSchema.default({ max: 10 }),
    heavyAtoms: rangeSchema.default({}),
    formalCharge: rangeSchema.default({}),
    /** 0 accepts any QED. */
    minQed: z.number().min(0).max(1).default(0),
    /** Most structural alerts (from the enabled families) a candidate may carry. */
    maxAlerts: z.number().int().min(0).default(0),
    alertFamilies: z.array(alertFamilySchema).default([...alertFamilies]),
  })
  .strict();
export type FilterOptions = z.infer<typeof filterOptionsSchema>;
export type FilterOptionsInput = z.input<typeof filterOptionsSchema>;

export type FilterName =
  | 'molecularWeight'
  | 'cLogP'
  | 'tpsa'
  | 'hbd'
  | 'hba'
  | 'rotatableBonds'
  | 'heavyAtoms'
  | 'formalCharge'
  | 'qed'
  | 'alerts';

export interface FilterCheck {
  filter: FilterName;
  passed: boolean;
  value: number;
  /** Why it failed, in words, e.g. "molecular weight 512.6 > 500". */
  reason?: string;
}

export interface FilterOutcome {
  passed: boolean;
  checks: FilterCheck[];
  /** Alerts counted against `maxAlerts` (only enabled families). */
  alerts: AlertMatch[];
}

/** What the filters read; `ChemToolkit.profile()` supplies it. */
export interface FilterSubject {
  descriptors: MolecularDescriptors;
  qed: number;
  alerts: readonly AlertMatch[];
}

const rangeFilters: {
  filter: FilterName & keyof FilterOptions;
  label: string;
  read: (d: MolecularDescriptors) => number;
}[] = [
  { filter: 'molecularWeight', label: 'molecular weight', read: (d) => d.molecularWeight },
  { filter: 'cLogP', label: 'cLogP', read: (d) => d.cLogP },
  { filter: 'tpsa', label: 'TPSA', read: (d) => d.tpsa },
  { filter: 'hbd', label: 'H-bond donors (NH+OH)', read: (d) => d.lipinskiHbd },
  { filter: 'hba', label: 'H-bond acceptors (N+O)', read: (d) => d.lipinskiHba },
  { filter: 'rotatableBonds', label: 'rotatable bonds', read: (d) => d.rotatableBonds },
  { filter: 'heavyAtoms', label: 'heavy atoms', read: (d) => d.heavyAtoms },
  { filter: 'formalCharge', label: 'formal charge', read: (d) => d.formalCharge },
];

/** Applies every filter and reports each, so a response can say why a candidate was dropped. */
export function evaluateFilters(subject: FilterSubject, options: FilterOptions): FilterOutcome {
  const checks: FilterCheck[] = [];
  for (const { filter, label, read } of rangeFilters) {
    const range = options[filter];
    const value = read(subject.descriptors);
    if (range.min !== undefined && value < range.min) {
      checks.push({ filter, passed: false, value, reason: `${label} ${format(value)} < ${range.min}` });
    } else if (range.max !== undefined && value > range.max) {
      checks.push({ filter, passed: false, value, reason: `${label} ${format(value)} > ${range.max}` });
    } else {
      checks.push({ filter, passed: true, value });
    }
  }
  checks.push(
    subject.qed >= options.minQed
      ? { filter: 'qed', passed: true, value: subject.qed }
      : {
          filter: 'qed',
          passed: false,
          value: subject.qed,
          reason: `QED ${subject.qed.toFixed(3)} < ${options.minQed}`,
        },
  );
  const alerts = subject.alerts.filter((alert) => options.alertFamilies.includes(alert.family));
  checks.push(
    alerts.length <= options.maxAlerts
      ? { filter: 'alerts', passed: true, value: alerts.length }
      : {
          filter: 'alerts',
          passed: false,
          value: alerts.length,
          reason: `${alerts.length} structural alert${alerts.length === 1 ? '' : 's'} (${alerts.map((a) => a.name).join(', ')}) > ${options.maxAlerts} allowed`,
        },
  );
  return { passed: checks.every((check) => check.passed), checks, alerts };
}

function format(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** A `(smiles) => boolean` for the genetic algorithm: invalid SMILES fail. */
export function createMoleculeFilter(
  toolkit: Pick<ChemToolkit, 'profile'>,
  options: FilterOptions,
): (smiles: string) => boolean {
  return (smiles) => {
    const profile = toolkit.profile(smiles);
    return profile.ok && evaluateFilters({ ...profile.value, qed: profile.value.qed.qed }, options).passed;
  };
}
