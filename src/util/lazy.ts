// Packages loaded on first use, not at start-up: a pre-commit run over a few clean files needs
// neither the full YAML parser (the fast reader reads them, and positions are only looked up for
// findings) nor fast-glob (only `ignorePaths` use it). Both are CommonJS, so they load synchronously.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type FastGlob from 'fast-glob';

const require = createRequire(import.meta.url);

let yamlModule: typeof Yaml | undefined;
let fastGlobModule: typeof FastGlob | undefined;

/** The `yaml` package. */
export function yaml(): typeof Yaml {
  return (yamlModule ??= require('yaml') as typeof Yaml);
}

/** The `fast-glob` package. */
export function fastGlob(): typeof FastGlob {
  return (fastGlobModule ??= require('fast-glob') as typeof FastGlob);
}
