import { describe, expect, it } from 'vitest';
import { extractUrlHosts, isLoopback, splitHostPort } from '../src/model/urls.js';

const hosts = (text: string) => extractUrlHosts(text).map((u) => `${u.scheme}:${u.host}:${u.port ?? '-'}`);

describe('extractUrlHosts', () => {
  it('reads host and port, with scheme defaults', () => {
    expect(hosts('https://api.stripe.com/v1')).toEqual(['https:api.stripe.com:443']);
    expect(hosts('http://api.example.com:8080/x?y=1#z')).toEqual(['http:api.example.com:8080']);
    expect(hosts('grpcs://otlp.vendor.io')).toEqual(['grpcs:otlp.vendor.io:443']);
    expect(hosts('wss://push.example.com/socket')).toEqual(['wss:push.example.com:443']);
    expect(hosts('tcp://broker.example.com:9000')).toEqual(['tcp:broker.example.com:9000']);
    expect(hosts('tls://broker.example.com')).toEqual(['tls:broker.example.com:-']);
    expect(hosts('amqps://mq.example.com/vhost')).toEqual(['amqps:mq.example.com:5671']);
    expect(hosts('nats://nats.example.com')).toEqual(['nats:nats.example.com:4222']);
    expect(hosts('rediss://cache.example.com:6380/0')).toEqual(['rediss:cache.example.com:6380']);
  });

  it('is case-insensitive on scheme and host, and drops a trailing dot', () => {
    expect(hosts('HTTPS://API.Example.COM./')).toEqual(['https:api.example.com:443']);
  });

  it('strips user info and splits host lists', () => {
    expect(hosts('postgresql://user:p@ss@db.example.com:5433/app')).toEqual(['postgresql:db.example.com:5433']);
    expect(hosts('mongodb://u:p@a.mongo.net:27017,b.mongo.net:27018/db?replicaSet=rs0')).toEqual(['mongodb:a.mongo.net:27017', 'mongodb:b.mongo.net:27018']);
    expect(hosts('mongodb+srv://cluster0.abcde.mongodb.net/app')).toEqual(['mongodb+srv:cluster0.abcde.mongodb.net:27017']);
    expect(hosts('kafka://b1.kafka.example.com:9092,b2.kafka.example.com:9092')).toHaveLength(2);
  });

  it('reads jdbc URLs', () => {
    expect(hosts('jdbc:postgresql://db.example.com:5432/app')).toEqual(['postgresql:db.example.com:5432']);
    expect(hosts('jdbc:mysql://db.example.com/app?useSSL=true')).toEqual(['mysql:db.example.com:3306']);
    expect(hosts('jdbc:sqlserver://sql.example.com:1433;databaseName=x')).toEqual(['sqlserver:sql.example.com:1433']);
  });

  it('reads IP literals, IPv6 in brackets', () => {
    expect(hosts('http://203.0.113.9:8080/')).toEqual(['http:203.0.113.9:8080']);
    expect(hosts('https://[2001:db8::1]:8443/x')).toEqual(['https:2001:db8::1:8443']);
    expect(hosts('http://999.1.1.1/')).toEqual([]);
  });

  it('finds several URLs in free text and command lines', () => {
    expect(hosts('curl -s https://ifconfig.me/ip && wget http://files.example.com/a.tgz')).toEqual(['https:ifconfig.me:443', 'http:files.example.com:80']);
    expect(hosts('--upstream=https://hooks.slack.com/services/T0')).toEqual(['https:hooks.slack.com:443']);
    expect(hosts('{"url": "https://api.example.com/v1"}')).toEqual(['https:api.example.com:443']);
    expect(hosts('see (https://api.example.com), then')).toEqual(['https:api.example.com:443']);
  });

  it('ignores placeholders', () => {
    expect(hosts('https://$(API_HOST)/v1')).toEqual([]);
    expect(hosts('https://${API_HOST}:443/v1')).toEqual([]);
    expect(hosts('http://$HOST:8080')).toEqual([]);
    expect(hosts('https://{{ .Values.host }}/')).toEqual([]);
    expect(hosts('https://api-$(ENV).example.com/')).toEqual([]);
    expect(hosts('https://<my-hostname>/')).toEqual([]);
    expect(hosts('https://api.<domain>/')).toEqual([]);
    expect(hosts('http://%HOST%:80/')).toEqual([]);
    // A placeholder in the user info does not hide the host.
    expect(hosts('https://$(USER):$(PASS)@api.example.com/')).toEqual(['https:api.example.com:443']);
  });

  it('ignores loopback hosts', () => {
    expect(hosts('http://localhost:15000/stats')).toEqual([]);
    expect(hosts('http://app.localhost/')).toEqual([]);
    expect(hosts('http://127.0.0.1:8080/')).toEqual([]);
    expect(hosts('http://127.5.6.7/')).toEqual([]);
    expect(hosts('http://[::1]:8080/')).toEqual([]);
    expect(hosts('http://0.0.0.0:8080/')).toEqual([]);
  });

  it('ignores what is not a network URL', () => {
    expect(hosts('api.stripe.com')).toEqual([]);
    expect(hosts('api.stripe.com:443')).toEqual([]);
    expect(hosts('file:///etc/config')).toEqual([]);
    expect(hosts('s3://bucket/key')).toEqual([]);
    expect(hosts('s3+https://bucket.example.com/key')).toEqual([]);
    expect(hosts('xhttp://nope.example.com')).toEqual([]);
    expect(hosts('https://')).toEqual([]);
    expect(hosts('https://bad_host!.example.com')).toEqual([]);
    expect(hosts('http://api.example.com:99999/')).toEqual([]);
    expect(hosts('')).toEqual([]);
  });

  it('skips documentation links in comment lines and XML namespaces', () => {
    const file = ['# See https://docs.example.com/config', '// https://docs2.example.com', 'upstream=https://api.example.com', '  ; https://ini.example.com'].join('\n');
    expect(hosts(file)).toEqual(['https:api.example.com:443']);
    expect(hosts('<beans xmlns="http://www.springframework.org/schema/beans">')).toEqual([]);
    expect(hosts('{"$schema": "https://json-schema.org/draft-07/schema"}')).toEqual([]);
  });

  it('reports the offset and the matched URL', () => {
    const [u] = extractUrlHosts('x=https://api.example.com:8443/path');
    expect(u).toMatchObject({ index: 2, url: 'https://api.example.com:8443', portExplicit: true, port: 8443 });
  });
});

describe('splitHostPort and isLoopback', () => {
  it('splits', () => {
    expect(splitHostPort('a.example.com:80')).toEqual({ host: 'a.example.com', port: 80 });
    expect(splitHostPort('[2001:db8::1]')).toEqual({ host: '2001:db8::1', port: undefined });
    expect(splitHostPort('[nope]:80')).toBeUndefined();
    expect(splitHostPort('a.example.com:x')).toBeUndefined();
    expect(splitHostPort('*.example.com')).toBeUndefined();
  });
  it('knows loopback', () => {
    expect(isLoopback('LOCALHOST')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
    expect(isLoopback('example.com')).toBe(false);
  });
});
