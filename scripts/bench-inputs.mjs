// The texts a floor measurement parses, found as the linter finds them: a directory walked for
// YAML and JSON files, one file, or `-` for standard input. Reading is part of what is measured.
import fg from 'fast-glob';
import { readFileSync, statSync } from 'node:fs';

export function* inputTexts(target) {
  if (target === '-') {
    yield readFileSync(0, 'utf8');
    return;
  }
  if (statSync(target).isFile()) {
    yield readFileSync(target, 'utf8');
    return;
  }
  const files = fg.sync(['**/*.yaml', '**/*.yml', '**/*.json'], { cwd: target, absolute: true, ignore: ['**/node_modules/**', '**/.git/**'], followSymbolicLinks: false });
  for (const f of files.sort()) yield readFileSync(f, 'utf8');
}
