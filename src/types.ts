// Shared types of the pipeline: load → parse → model → rules → locate → report.

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** A path into a document's value, e.g. ['spec', 'tls', 0, 'match', 0, 'sniHosts']. */
export type FieldPath = ReadonlyArray<string | number>;

/** 1-based line and column (UTF-16 code units); the end column is the character after the end. */
export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface SourceFile {
  /** Absolute path, or '<stdin>'. */
  path: string;
  /** Path as shown to users: relative to the working directory, '/' separators. */
  displayPath: string;
}

/** One YAML document (or one item of a `kind: List`) with the means to locate field paths. */
export interface ParsedDocument {
  file: SourceFile;
  /** 0-based index of the document in its file. */
  index: number;
  value: unknown;
  /** Prefix of this document's value inside the YAML document (['items', 3] for List items). */
  basePath: FieldPath;
  /**
   * Range of the node at `path` (relative to this document's value, List prefix applied inside).
   * When the path does not exist, the key of the deepest existing ancestor. With target 'key',
   * the key of the last segment instead of its value.
   */
  locate(path: FieldPath, target?: 'key' | 'value'): Range;
  /** Range of the whole document. */
  range: Range;
}

export type JsonObject = { [key: string]: unknown };

export interface Resource {
  apiVersion: string;
  /** API group ('' for the core group). */
  group: string;
  version: string;
  kind: string;
  name: string;
  /** '' for cluster-scoped kinds. */
  namespace: string;
  /** True when metadata.namespace was written in the file. */
  namespaceExplicit: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The whole object as parsed. */
  raw: JsonObject;
  /** raw.spec when it is an object, else {}. */
  spec: JsonObject;
  doc: ParsedDocument;
  /** `Kind namespace/name` or `Kind name` for cluster-scoped kinds. */
  ref: string;
}

/** What a rule reports: a resource (or a bare document) and a field path in it. */
export interface FindingInput {
  resource?: Resource;
  /** For findings about a document that is not a resource (syntax, not-a-manifest). */
  doc?: ParsedDocument;
  /** Path relative to the resource (not including a List prefix). */
  path?: FieldPath;
  message: string;
  /** Overrides the rule's default severity (e.g. REGISTRY_ONLY-dependent rules). */
  severity?: Severity;
  /** Point at the key of the last path segment rather than its value (unknown fields). */
  target?: 'key' | 'value';
  /** Explicit range, for findings that have no document (unreadable files, invalid UTF-8). */
  range?: Range;
  file?: SourceFile;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  resource?: { apiVersion: string; kind: string; namespace: string; name: string };
  /** Field path in the resource, for fingerprints and logical locations. */
  path: FieldPath;
}
