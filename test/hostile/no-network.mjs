// Preload (`node --import ./no-network.mjs …`) that makes every way out to the network fail loudly:
// TCP/IPC connects, TLS, HTTP(S), UDP, DNS and fetch. Any attempt writes a NETWORK-ACCESS line to
// standard error, sets exit code 99 and throws, so a test sees it even when the caller catches.
import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';

function blocked(what) {
  return function networkAccess() {
    process.stderr.write(`NETWORK-ACCESS: ${what}\n`);
    process.exitCode = 99;
    throw new Error(`network access blocked by test/hostile/no-network.mjs: ${what}`);
  };
}

net.Socket.prototype.connect = blocked('net.Socket.prototype.connect');
net.connect = blocked('net.connect');
net.createConnection = blocked('net.createConnection');
tls.connect = blocked('tls.connect');
for (const [name, mod] of [['http', http], ['https', https]]) {
  mod.request = blocked(`${name}.request`);
  mod.get = blocked(`${name}.get`);
}
http2.connect = blocked('http2.connect');
dgram.createSocket = blocked('dgram.createSocket');
for (const key of Object.keys(dns)) {
  if (typeof dns[key] === 'function' && /^(lookup|resolve|reverse)/.test(key)) dns[key] = blocked(`dns.${key}`);
}
for (const key of Object.keys(dns.promises)) {
  if (typeof dns.promises[key] === 'function' && /^(lookup|resolve|reverse)/.test(key)) dns.promises[key] = blocked(`dns.promises.${key}`);
}
globalThis.fetch = blocked('fetch');
if ('WebSocket' in globalThis) globalThis.WebSocket = blocked('WebSocket');
syncBuiltinESMExports();
