import { z } from 'zod';
import { chemErrorToAppError } from '../chem/chem-error.js';
import type { FilterCheck } from '../chem/filters.js';
import { maxSmartsLength } from '../chem/smiles-atoms.js';
import type { ChemToolkit } from '../chem/toolkit.js';
import { proposeTargetSchema } from './propose-target.js';

/**
 * What a medicinal chemist steers a run with, beyond the property ranges of `filters`:
 * substructures to keep and to avoid, a novelty bound and anti-targets. Substructures and the
 * novelty bound are hard: offspring that break them never enter the search and are never
 * returned. Anti-targets are soft: their bridge cosine is penalised (`weights.antiTarget`) and
 * each candidate reports whether it is predicted to prefer the target.
 */
export const designConstraintsSchema = z.strictObject({
  keepSubstructure: z
    .string()
    .trim()
    .min(1)
    .max(maxSmartsLength)
    .optional()
    .describe('SMARTS (or SMILES) every candidate must contain, e.g. a scaffold to keep'),
  avoidSubstructures: z
    .array(z.string().trim().min(1).max(maxSmartsLength))
    .max(50)
    .default([])
    .describe('SMARTS no candidate may contain'),
  maxSimilarityToKnownDrugs: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Highest Morgan Tanimoto a candidate may have to any KG drug (novelty)'),
  antiTargets: z
    .array(proposeTargetSchema)
    .max(10)
    .default([])
    .describe('Proteins the candidates should not bind: their predicted affinity is penalised'),
});
export type DesignConstraints = z.infer<typeof designConstraintsSchema>;

/** One constraint as a candidate meets it or not, with the measured value. */
export interface ConstraintCheck {
  /** e.g. `filters.molecularWeight`, `constraints.avoidSubstructures[0]`. */
  constraint: string;
  met: boolean;
  value: number | null;
  detail: string;
}

/**
 * Compiles every SMARTS of the constraints once, so that a bad one fails the request (422 naming
 * the field, with RDKit's reason) before any work is done.
 */
export function validateConstraintSmarts(
  toolkit: ChemToolkit,
  constraints: DesignConstraints,
  prefix: string,
): void {
  const check = (smarts: string, field: string) => {
    const compiled = toolkit.matchSubstructure('C', smarts);
    if (!compiled.ok) throw chemErrorToAppError(compiled.error, `${prefix}constraints.${field}`);
  };
  if (constraints.keepSubstructure !== undefined) check(constraints.keepSubstructure, 'keepSubstructure');
  constraints.avoidSubstructures.forEach((smarts, index) => check(smarts, `avoidSubstructures[${index}]`));
}

/** The hard structural constraints as checks on one molecule (substructures and novelty). */
export function structuralChecks(
  toolkit: ChemToolkit,
  constraints: DesignConstraints,
  smiles: string,
  maxSimilarityToKnownDrugs: () => number,
): ConstraintCheck[] {
  const checks: ConstraintCheck[] = [];
  const matches = (smarts: string): number => {
    const found = toolkit.matchSubstructure(smiles, smarts);
    return found.ok ? found.value.length : -1;
  };
  if (constraints.keepSubstructure !== undefined) {
    const count = matches(constraints.keepSubstructure);
    checks.push({
      constraint: 'constraints.keepSubstructure',
      met: count > 0,
      value: Math.max(0, count),
      detail:
        count > 0 ? `contains ${constraints.keepSubstructure}` : `lacks ${constraints.keepSubstructure}`,
    });
  }
  constraints.avoidSubstructures.forEach((smarts, index) => {
    const count = matches(smarts);
    checks.push({
      constraint: `constraints.avoidSubstructures[${index}]`,
      met: count === 0,
      value: Math.max(0, count),
      detail: count === 0 ? `free of ${smarts}` : `contains ${smarts} (${count}×)`,
    });
  });
  if (constraints.maxSimilarityToKnownDrugs !== undefined) {
    const similarity = maxSimilarityToKnownDrugs();
    const limit = constraints.maxSimilarityToKnownDrugs;
    checks.push({
      constraint: 'constraints.maxSimilarityToKnownDrugs',
      met: similarity <= limit,
      value: similarity,
      detail: `max Tanimoto to KG drugs ${similarity.toFixed(3)} ${similarity <= limit ? '≤' : '>'} ${limit}`,
    });
  }
  return checks;
}

/** The request's filters as constraint checks (only the active ones: a set bound, a QED floor, alerts). */
export function filterChecks(checks: readonly FilterCheck[], active: ReadonlySet<string>): ConstraintCheck[] {
  return checks
    .filter((check) => active.has(check.filter))
    .map((check) => ({
      constraint: `filters.${check.filter}`,
      met: check.passed,
      value: check.value,
      detail:
        check.reason ??
        `${check.filter} ${Number.isInteger(check.value) ? check.value : check.value.toFixed(2)} within limits`,
    }));
}

/** Anti-target checks: met when the candidate's bridge cosine to the target beats each anti-target's. */
export function antiTargetChecks(
  labels: readonly string[],
  targetCosine: number,
  antiCosines: readonly number[],
): ConstraintCheck[] {
  return labels.map((label, index) => {
    const cosine = antiCosines[index] ?? Number.NaN;
    const met = cosine < targetCosine;
    return {
      constraint: `constraints.antiTargets[${index}]`,
      met,
      value: cosine,
      detail: `bridge cos to ${label} ${cosine.toFixed(3)} ${met ? '<' : '≥'} ${targetCosine.toFixed(3)} to the target`,
    };
  });
}
