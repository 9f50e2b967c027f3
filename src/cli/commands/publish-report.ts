import type { CommandContext } from '../command.js';

export interface ReportOutput<Report> {
  /** Writes the report files (JSON, Markdown) into the directory; returns their paths. */
  write(report: Report, directory: string): Promise<unknown>;
  markdown(report: Report): string;
}

/** The end of every `eval` command: write the report files, log where, print JSON or Markdown. */
export async function publishReport<Report>(
  context: CommandContext<{ 'report-dir': string; json: boolean }>,
  report: Report,
  output: ReportOutput<Report>,
): Promise<number> {
  const paths = await output.write(report, context.options['report-dir']);
  context.logger.info('report written', paths as Record<string, unknown>);
  context.print(context.options.json ? JSON.stringify(report, null, 2) + '\n' : output.markdown(report));
  return 0;
}
