// Network addresses written as URLs in free text: container env values, args and command, and the
// ConfigMap values a pod loads. A workload that calls such a host through its sidecar needs the host
// in the registry under REGISTRY_ONLY (semantics §1.2, §2). Only scheme-qualified URLs count: a bare
// word or `host:port` is too ambiguous to read as an address.
import { isValidDnsName } from './hosts.js';
import { parseIp } from './ip.js';

export interface UrlHost {
  /** The URL as matched (scheme and authority, without the path). */
  url: string;
  /** Lower-case scheme, `jdbc:` prefix removed (`postgresql`, `mongodb+srv`). */
  scheme: string;
  /** Lower-case host name or IP literal (IPv6 without brackets), trailing dot removed. */
  host: string;
  /** The explicit port, else the scheme's well-known port when it has one. */
  port?: number;
  /** Whether the port was written in the URL. */
  portExplicit: boolean;
  /** Offset of the URL in the scanned text. */
  index: number;
}

/** Schemes of network protocols a sidecar captures (TCP based), with their usual ports. */
export const URL_SCHEMES: Readonly<Record<string, number | undefined>> = {
  http: 80,
  https: 443,
  grpc: 80,
  grpcs: 443,
  ws: 80,
  wss: 443,
  tcp: undefined,
  tls: undefined,
  mongodb: 27017,
  'mongodb+srv': 27017,
  redis: 6379,
  rediss: 6379,
  amqp: 5672,
  amqps: 5671,
  postgres: 5432,
  postgresql: 5432,
  mysql: 3306,
  mariadb: 3306,
  sqlserver: 1433,
  nats: 4222,
  kafka: 9092,
  mqtt: 1883,
  mqtts: 8883,
  ldap: 389,
  ldaps: 636,
  smtp: 25,
  smtps: 465,
  ftp: 21,
  clickhouse: 9000,
};

const SCHEME_ALTERNATION = Object.keys(URL_SCHEMES)
  .sort((a, b) => b.length - a.length)
  .map((s) => s.replace(/[+]/g, '\\+'))
  .join('|');
/** `scheme://` not glued to a longer word on its left (`xhttp://` is not http). */
const URL_START = new RegExp(`(?<![A-Za-z0-9+.-])(?:jdbc:)?(${SCHEME_ALTERNATION})://`, 'gi');
/** Characters that end an authority (path, query, fragment, quotes, whitespace, separators). */
const AUTHORITY_END = /[/?#\s"'`<>(){}|\\;^]/;
/** Template placeholders: $(VAR), ${VAR}, $VAR, {{ x }}, %VAR%, <placeholder>. */
const PLACEHOLDER = /\$\(|\$\{|\$[A-Za-z_]|\{\{|\}\}|%[A-Za-z_]+%|[<>]/;
/** Lines that are comments in the usual config-file syntaxes; documentation links live there. */
const COMMENT_LINE = /^\s*(?:#|\/\/|;|<!--|\*|--\s)/;

/** Every network URL in a text, with its host; loopback hosts and placeholders are left out. */
export function extractUrlHosts(text: string): UrlHost[] {
  const out: UrlHost[] = [];
  if (!text.includes('://')) return out;
  const lines = lineTracker(text);
  URL_START.lastIndex = 0;
  for (let m = URL_START.exec(text); m !== null; m = URL_START.exec(text)) {
    const scheme = m[1]!.toLowerCase();
    const start = m.index;
    const authStart = start + m[0].length;
    if (lines.inComment(start) || isXmlNamespace(text, start)) continue;
    let end = authStart;
    let bracket = false;
    while (end < text.length) {
      const c = text[end]!;
      // Placeholders ($(VAR), ${VAR}, {{ x }}) are part of the authority, whatever they hold.
      const open = text.startsWith('$(', end) ? ')' : text.startsWith('${', end) ? '}' : text.startsWith('{{', end) ? '}}' : undefined;
      if (open) {
        const close = text.indexOf(open, end + 2);
        if (close === -1 || /\s/.test(text.slice(end, close))) break;
        end = close + open.length;
        continue;
      }
      if (c === '[') bracket = true;
      else if (c === ']') bracket = false;
      else if (!bracket && (AUTHORITY_END.test(c) || c === ']')) break;
      end++;
    }
    URL_START.lastIndex = Math.max(URL_START.lastIndex, end);
    const authority = text.slice(authStart, end);
    const at = authority.lastIndexOf('@');
    const hostList = at === -1 ? authority : authority.slice(at + 1);
    // A placeholder in the host part makes the host unknowable (`https://api.<domain>/`, `http://${HOST}`).
    if (hostList.length === 0 || PLACEHOLDER.test(hostList) || /[<{(]/.test(text[end] ?? '')) continue;
    // mongodb://a:27017,b:27017 and kafka://b1:9092,b2:9092 list several hosts.
    for (const hostPort of hostList.split(',')) {
      const parsed = splitHostPort(hostPort);
      if (!parsed || isLoopback(parsed.host)) continue;
      const port = parsed.port ?? URL_SCHEMES[scheme];
      out.push({ url: text.slice(start, end), scheme, host: parsed.host, port, portExplicit: parsed.port !== undefined, index: start });
    }
  }
  return out;
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` → host and port; undefined when the host is no name or IP. */
export function splitHostPort(s: string): { host: string; port?: number } | undefined {
  let host: string;
  let portText: string | undefined;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close === -1) return undefined;
    host = s.slice(1, close);
    const rest = s.slice(close + 1);
    if (rest.length > 0) {
      if (!rest.startsWith(':')) return undefined;
      portText = rest.slice(1);
    }
    if (!parseIp(host) || !host.includes(':')) return undefined;
  } else {
    const colon = s.lastIndexOf(':');
    if (colon !== -1) {
      host = s.slice(0, colon);
      portText = s.slice(colon + 1);
    } else host = s;
    host = host.replace(/\.$/, '');
    if (!isValidDnsName(host) || host.startsWith('*')) return undefined;
    // A dotted quad must be a real IPv4 address (999.1.1.1 is neither an address nor a name to look up).
    if (/^[\d.]+$/.test(host) && !parseIp(host)) return undefined;
  }
  let port: number | undefined;
  if (portText !== undefined && portText.length > 0) {
    if (!/^\d{1,5}$/.test(portText)) return undefined;
    port = Number(portText);
    if (port < 1 || port > 65535) return undefined;
  }
  return { host: host.toLowerCase(), port };
}

/** localhost, *.localhost, 127.0.0.0/8, ::1 and the unspecified addresses: never leave the pod. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  // Only address-shaped text is handed to the IP parser (it throws, slowly, on names).
  if (!/^[\d.]+$/.test(h) && !h.includes(':')) return false;
  const ip = parseIp(h);
  if (!ip) return false;
  const range = ip.range();
  return range === 'loopback' || range === 'unspecified';
}

/**
 * Whether a position lies on a comment line. Positions are asked in increasing order, so the text is
 * scanned once whatever its length or number of URLs (no quadratic look-back on one long line).
 */
function lineTracker(text: string): { inComment(index: number): boolean } {
  let lineStart = 0;
  let nextNewline = text.indexOf('\n');
  let comment: boolean | undefined;
  return {
    inComment(index) {
      while (nextNewline !== -1 && nextNewline < index) {
        lineStart = nextNewline + 1;
        nextNewline = text.indexOf('\n', lineStart);
        comment = undefined;
      }
      // The marker precedes the URL on its line, so a bounded prefix of the line decides.
      comment ??= COMMENT_LINE.test(text.slice(lineStart, Math.min(index, lineStart + 256)));
      return comment;
    },
  };
}

/** xmlns="http://…" and schema identifiers name documents, not servers. */
function isXmlNamespace(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - 40), index);
  return /xmlns(?::[\w-]+)?\s*=\s*["']?$|schemaLocation\s*=\s*["']?$|"\$schema"\s*:\s*"$|\$schema:\s*["']?$/.test(before);
}
