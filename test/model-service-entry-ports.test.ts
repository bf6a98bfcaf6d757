import { describe, expect, it } from 'vitest';
import { exportScope, scopesOverlap } from '../src/model/hosts.js';
import { isPortWideProtocol } from '../src/model/service-entry-ports.js';
import type { ServiceEntryInfo } from '../src/model/kinds.js';

const se = (namespace: string, exportTo?: string[]) => ({ namespace, exportTo }) as ServiceEntryInfo;

describe('exportScope / scopesOverlap (semantics §2 exportTo)', () => {
  it('reads *, ., ~ and lists', () => {
    expect(exportScope(se('a'))).toEqual({ all: true });
    expect(exportScope(se('a', []))).toEqual({ all: true });
    expect(exportScope(se('a', ['*']))).toEqual({ all: true });
    expect(exportScope(se('a', ['.']))).toEqual({ all: false, namespaces: new Set(['a']) });
    expect(exportScope(se('a', ['.', 'b']))).toEqual({ all: false, namespaces: new Set(['a', 'b']) });
    expect(exportScope(se('a', ['~']))).toEqual({ all: false, namespaces: new Set() });
  });

  it('overlaps when some namespace sees both', () => {
    expect(scopesOverlap(exportScope(se('a')), exportScope(se('b')))).toBe(true);
    expect(scopesOverlap(exportScope(se('a', ['.'])), exportScope(se('b', ['.'])))).toBe(false);
    expect(scopesOverlap(exportScope(se('a', ['.'])), exportScope(se('b', ['a'])))).toBe(true);
    expect(scopesOverlap(exportScope(se('a', ['.'])), exportScope(se('b')))).toBe(true);
    expect(scopesOverlap(exportScope(se('a', ['~'])), exportScope(se('b')))).toBe(false);
  });
});

describe('isPortWideProtocol', () => {
  it('TCP, opaque TCP protocols and auto-detection take the whole port; HTTP and TLS do not', () => {
    for (const p of ['', 'TCP', 'MYSQL', 'MONGO', 'REDIS']) expect(isPortWideProtocol(p)).toBe(true);
    for (const p of ['HTTP', 'HTTPS', 'TLS', 'GRPC', 'HTTP2', 'UDP']) expect(isPortWideProtocol(p)).toBe(false);
  });
});
