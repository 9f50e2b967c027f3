import { createQaAgent } from '../../agents/qa/qa-agent.js';
import { loadConfig } from '../../config/index.js';
import {
  runQaBenchmark,
  qaReportMarkdown,
  writeQaReport,
  type QaRunAnswer,
} from '../../eval/qa/qa-benchmark.js';
import { generateQaSet, readQaCsv, type QaCase } from '../../eval/qa/qa-set.js';
import { collectAnswer } from '../../http/chat-runner.js';
import { loadPromptLibrary } from '../../llm/prompts.js';
import { openIndexServices } from '../../services.js';
import type { EvalQaOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';
import { publishReport } from './publish-report.js';

/**
 * `biobridge eval qa <index>`: the QA agent (evidence-only, no LLM) on a QA set generated from the
 * index's KG, or on a user's CSV, against always-true, random-option and plain-lookup baselines.
 */
export async function run(context: CommandContext<EvalQaOptions>): Promise<number> {
  const [indexDirectory = ''] = context.positionals;
  const { options, logger } = context;
  const config = loadConfig(context.env, {
    BIOBRIDGE_INDEX: indexDirectory,
    BIOBRIDGE_DEVICE: options.device,
  });
  const core = await openIndexServices(indexDirectory, { device: config.device, logger });
  try {
    const cases: QaCase[] = options.csv
      ? await readQaCsv(options.csv)
      : generateQaSet(core.index.graph, core.index.facts, {
          seed: options.seed,
          perKind: options['per-kind'],
          split: options.split,
          phrasings: options.phrasings,
          distractors: options.distractors,
        });
    const ablate = options['ablate-direct'] && !options.csv;
    const ablation: { hidden: readonly (readonly [number, number])[] } = { hidden: [] };
    const agent = createQaAgent(
      {
        retriever: core.retriever,
        lookup: core.lookup,
        linker: core.linker,
        prompts: await loadPromptLibrary(),
        facts: core.index.facts,
        variantLoci: core.variantLoci,
        drugStructures: core.drugStructures,
        ablation: ablate ? ablation : undefined,
        logger,
      },
      {
        unsupportedStatements: options.unsupported,
        indirectEvidence: !options['no-indirect'],
        indirectTrueAbove: options['indirect-true-above'],
      },
    );
    const answer = async (qaCase: QaCase): Promise<QaRunAnswer> => {
      ablation.hidden = qaCase.hidden ?? [];
      const { answer: result } = await collectAnswer(
        agent.answer({ messages: [{ role: 'user', content: qaCase.text }], signal: context.signal }),
      );
      return { text: result.text, result: result.result };
    };
    // What a served agent loads in the background at start-up, loaded before the clock starts.
    await agent.warm?.();
    logger.info('running QA benchmark', { cases: cases.length, source: options.csv ?? 'generated' });
    const report = await runQaBenchmark({
      cases,
      answer,
      graph: core.index.graph,
      lookup: core.lookup,
      seed: options.seed,
      ablate,
      source: options.csv
        ? `${options.csv} (unsupported statements: ${options.unsupported})`
        : `generated from ${indexDirectory}, seed ${options.seed}, ${options['per-kind']} per kind, split ${options.split}, ${options.phrasings} phrasings${options.distractors === 'matched' ? ', popularity-matched distractors' : ''}${ablate ? ', direct facts hidden' : ''}${options['no-indirect'] ? ', no indirect evidence' : ''}${options['indirect-true-above'] === undefined ? '' : `, indirect true above ${options['indirect-true-above']}`} (unsupported statements: ${options.unsupported})`,
      onProgress: (done, total) => {
        if (done % 100 === 0 || done === total) logger.info('QA benchmark progress', { done, total });
      },
    });
    const prefix = [
      ablate ? 'ablated' : '',
      options.split === 'all' ? '' : options.split,
      options.phrasings === 'main' ? '' : options.phrasings,
      options.distractors === 'uniform' ? '' : `${options.distractors}-distractors`,
    ]
      .filter((part) => part !== '')
      .join('-');
    return publishReport(context, report, {
      write: (written, directory) => writeQaReport(written, directory, prefix),
      markdown: qaReportMarkdown,
    });
  } finally {
    await core.close();
  }
}
