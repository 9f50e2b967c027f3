import { loadObjectStorageConfig } from '../../config/object-storage.js';
import { AppError } from '../../errors.js';
import { isRemoteIndexLocation, openIndexObjectStore, publishIndex } from '../../indexing/remote-index.js';
import type { PublishOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';

/** Uploads a built local index as a new immutable version and moves the store's CURRENT to it. */
export async function run(context: CommandContext<PublishOptions>): Promise<number> {
  const [indexDirectory = ''] = context.positionals;
  const { options } = context;
  if (!isRemoteIndexLocation(options.to))
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `--to ${options.to}: expected an index store, s3://<bucket>/<prefix> or file:///<dir>`,
      details: { field: 'to' },
    });
  const store = openIndexObjectStore(options.to, loadObjectStorageConfig(context.env));
  const result = await publishIndex(store, indexDirectory, { logger: context.logger });
  if (options.json) {
    context.print(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  context.print(
    `published ${indexDirectory} as version ${result.pointer.version} to ${result.location} ` +
      `(${result.files} files, ${(result.bytes / 1e6).toFixed(1)} MB, ${(result.durationMs / 1000).toFixed(1)} s); ` +
      `replicas serving ${result.location} switch to it at their next poll\n`,
  );
  return 0;
}
