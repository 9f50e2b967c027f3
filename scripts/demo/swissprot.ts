import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AppError } from '../../src/errors.js';

/**
 * metastudent-data ships Swiss-Prot (release 2014-01) as three BLAST databases, one per GO
 * ontology (BPO, MFO, CCO), whose deflines read `ACCESSION|GO:...`. The databases have no
 * accession index, so every record is streamed out with `blastdbcmd -entry all`.
 */
export const SWISSPROT_DATABASES = ['BPO', 'MFO', 'CCO'] as const;

function streamDatabase(
  databasePath: string,
  onRecord: (accession: string, sequence: string) => void,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('blastdbcmd', ['-db', databasePath, '-entry', 'all', '-outfmt', '%t\t%s'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (cause) =>
      reject(
        new AppError({
          code: 'UNAVAILABLE',
          message: 'cannot run blastdbcmd (apt-get install ncbi-blast+)',
          cause,
        }),
      ),
    );
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const tab = line.indexOf('\t');
      if (tab === -1) return;
      const title = line.slice(0, tab);
      const bar = title.indexOf('|');
      onRecord(bar === -1 ? title : title.slice(0, bar), line.slice(tab + 1));
    });
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else
        reject(
          new AppError({
            code: 'INTERNAL',
            message: `blastdbcmd -db ${databasePath} exited with ${code}: ${Buffer.concat(stderr).toString('utf8').trim().slice(0, 2000)}`,
          }),
        );
    });
  });
}

/** Sequences of the `wanted` accessions found in any of the three databases. */
export async function readSwissProtSequences(
  datasetDirectory: string,
  wanted: ReadonlySet<string>,
): Promise<Map<string, string>> {
  const sequences = new Map<string, string>();
  const conflicting = new Set<string>();
  for (const database of SWISSPROT_DATABASES) {
    await streamDatabase(join(datasetDirectory, database, 'goasp.fasta'), (accession, sequence) => {
      if (!wanted.has(accession)) return;
      const known = sequences.get(accession);
      if (known !== undefined && known !== sequence) conflicting.add(accession);
      sequences.set(accession, sequence);
    });
  }
  if (conflicting.size > 0)
    throw new AppError({
      code: 'INVALID_INPUT_FILE',
      message: `Swiss-Prot accessions with different sequences in the BPO/MFO/CCO databases: ${[...conflicting].join(', ')}`,
    });
  return sequences;
}
