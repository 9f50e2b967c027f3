// Runs after `npm install` (package.json "postinstall"): onnxruntime-node ships its native runtime
// for five platforms in one package (288 MB); only this machine's platform is ever loaded
// (onnxruntime-node/dist/binding.js requires bin/napi-v6/<platform>/<arch>). Removes the others,
// about 240 MB. Set BIOBRIDGE_KEEP_ALL_PLATFORMS=1 to keep them (e.g. a node_modules copied to
// another OS). Never fails the install: a missing package or folder is left as it is.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = join(
  fileURLToPath(new URL('..', import.meta.url)),
  'node_modules',
  'onnxruntime-node',
  'bin',
  'napi-v6',
);
if (
  process.env.BIOBRIDGE_KEEP_ALL_PLATFORMS !== '1' &&
  existsSync(join(root, process.platform, process.arch))
) {
  for (const platform of readdirSync(root))
    for (const arch of readdirSync(join(root, platform)))
      if (platform !== process.platform || arch !== process.arch)
        rmSync(join(root, platform, arch), { recursive: true, force: true });
}
