import { Hono } from 'hono';
import { z } from 'zod';
import { chemErrorToAppError } from '../../chem/chem-error.js';
import { AppError } from '../../errors.js';
import type { RDKitModule } from '../../chem/rdkit.js';
import { writeSdf } from '../../chem/sdf.js';
import type { ChemToolkit } from '../../chem/toolkit.js';
import type { AppEnv } from '../app-env.js';
import type { Feature } from '../feature.js';
import { defineRoute, errorResponse } from '../route-definition.js';
import { jsonBody } from '../validation.js';

export const depictRequestSchema = z.strictObject({
  smiles: z.string().trim().min(1).max(2_000).describe('The molecule to draw'),
  width: z.number().int().min(50).max(1_000).default(300),
  height: z.number().int().min(50).max(1_000).default(220),
  highlightSmarts: z.string().min(1).max(500).optional().describe('Highlight every match of this SMARTS'),
  highlightAlerts: z
    .boolean()
    .default(false)
    .describe('Highlight the atoms of every structural alert (PAINS, Brenk…) and list the alerts'),
});

export const depictResponseSchema = z.object({
  canonical: z.string().describe('RDKit canonical SMILES'),
  heavyAtoms: z.number().int(),
  svg: z.string().describe('2D depiction (SVG markup)'),
  alerts: z
    .array(z.object({ id: z.string(), name: z.string(), family: z.string() }))
    .optional()
    .describe('With `highlightAlerts`: the alerts drawn'),
});

export const depictRoute = defineRoute({
  method: 'post',
  path: '/v1/depict',
  summary: 'Validate a SMILES and draw it (RDKit SVG)',
  tags: ['molecules'],
  request: { body: depictRequestSchema },
  responses: {
    200: { description: 'Canonical SMILES and the drawing', schema: depictResponseSchema },
    422: errorResponse("Invalid SMILES or SMARTS, with RDKit's reason"),
  },
  example: { body: { smiles: 'CC(=O)Oc1ccccc1C(=O)O' } },
});

export const sdfRequestSchema = z.strictObject({
  molecules: z
    .array(
      z.strictObject({
        smiles: z.string().trim().min(1).max(2_000),
        name: z.string().max(200).optional(),
        properties: z
          .record(z.string().max(100), z.union([z.string(), z.number(), z.boolean(), z.null()]))
          .optional(),
      }),
    )
    .min(1)
    .max(1_000),
});

export const sdfRoute = defineRoute({
  method: 'post',
  path: '/v1/molecules/sdf',
  summary: 'Write molecules as an SD file (2D coordinates from RDKit), e.g. to export proposals',
  tags: ['molecules'],
  request: { body: sdfRequestSchema },
  responses: {
    200: { description: 'The SD file', contentType: 'chemical/x-mdl-sdfile' },
    422: errorResponse('A SMILES RDKit cannot parse; the message names it'),
  },
  example: { body: { molecules: [{ smiles: 'CCO', name: 'ethanol', properties: { score: 0.5 } }] } },
});

export interface DepictRoutesDependencies {
  toolkit: ChemToolkit;
  rdkit: RDKitModule;
}

export function createDepictRoutes(dependencies: DepictRoutesDependencies): Feature {
  const app = new Hono<AppEnv>();
  app.post(depictRoute.path, jsonBody(depictRequestSchema), (c) => {
    const body = c.req.valid('json');
    const parsed = dependencies.toolkit.parse(body.smiles);
    if (!parsed.ok) throw chemErrorToAppError(parsed.error, 'body.smiles');
    if (body.highlightAlerts) {
      const alerts = dependencies.toolkit.alerts(body.smiles);
      if (!alerts.ok) throw chemErrorToAppError(alerts.error, 'body.smiles');
      return c.json({
        canonical: parsed.value.canonical,
        heavyAtoms: parsed.value.heavyAtoms,
        svg: drawWithAtomsHighlighted(
          dependencies.rdkit,
          body.smiles,
          alerts.value.flatMap((alert) => alert.atoms),
          body,
        ),
        alerts: alerts.value.map(({ id, name, family }) => ({ id, name, family })),
      });
    }
    const svg = dependencies.toolkit.depict(body.smiles, {
      width: body.width,
      height: body.height,
      highlightSmarts: body.highlightSmarts,
    });
    if (!svg.ok)
      throw chemErrorToAppError(svg.error, body.highlightSmarts ? 'body.highlightSmarts' : 'body.smiles');
    return c.json({ canonical: parsed.value.canonical, heavyAtoms: parsed.value.heavyAtoms, svg: svg.value });
  });
  app.post(sdfRoute.path, jsonBody(sdfRequestSchema), (c) => {
    const body = c.req.valid('json');
    const sdf = writeSdf(dependencies.rdkit, body.molecules);
    if (!sdf.ok) throw chemErrorToAppError(sdf.error, `body.molecules[${sdf.error.index}].smiles`);
    return c.body(sdf.value, 200, {
      'content-type': 'chemical/x-mdl-sdfile; charset=utf-8',
      'content-disposition': 'attachment; filename="molecules.sdf"',
    });
  });
  return { app, routes: [depictRoute, sdfRoute] };
}

/** The molecule parsed a moment ago, drawn with `atoms` (and the bonds between them) highlighted. */
function drawWithAtomsHighlighted(
  rdkit: RDKitModule,
  smiles: string,
  atoms: readonly number[],
  size: { width: number; height: number },
): string {
  const mol = rdkit.get_mol(smiles);
  if (!mol)
    throw new AppError({ code: 'INTERNAL', message: 'RDKit could not re-parse a SMILES it had accepted' });
  try {
    const unique = [...new Set(atoms)];
    return unique.length === 0
      ? mol.get_svg(size.width, size.height)
      : mol.get_svg_with_highlights(
          JSON.stringify({ width: size.width, height: size.height, atoms: unique }),
        );
  } finally {
    mol.delete();
  }
}
