#!/usr/bin/env node
// ClickHouse's HTTP interface in front of chdb (the engine of current ClickHouse, in-process), so
// that the warehouse tests and benchmarks send expt's queries to current ClickHouse exactly as to
// a server: POST / with the SQL as the body (or ?query= with the body as INSERT data), settings
// and the database as URL parameters, basic auth, the answer in the query's FORMAT (TSV by
// default), errors as HTTP 500 with ClickHouse's own text.
//
// Usage: node chdb_front.js DATA_DIR PORT_FILE   (listens on a free loopback port, writes it)
// With EXPT_FRONT_OWNER=PID it exits when that process has gone.
// Requires chdb on NODE_PATH (tests/warehouse/clickhouse_sandbox.sh sets it).
// Users as in the 18.16 sandbox: `default` without a password, `expt` with `expt/test:secret`.
'use strict';
const http = require('http');
const fs = require('fs');
const { Session } = require('chdb');

const [dataDir, portFile] = process.argv.slice(2);
if (!dataDir || !portFile) {
  process.stderr.write('usage: chdb_front.js DATA_DIR PORT_FILE\n');
  process.exit(2);
}
const session = new Session(dataDir);
const users = { default: '', expt: 'expt/test:secret' };
// URL parameters that are not settings.
const reserved = new Set(['query', 'database', 'user', 'password', 'default_format']);

function credentials(req, params) {
  const auth = req.headers.authorization || '';
  if (auth.startsWith('Basic ')) {
    const text = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const colon = text.indexOf(':');
    return colon < 0 ? [text, ''] : [text.slice(0, colon), text.slice(colon + 1)];
  }
  return [req.headers['x-clickhouse-user'] || params.get('user') || 'default',
          req.headers['x-clickhouse-key'] || params.get('password') || ''];
}

function literal(value) {
  return /^-?[0-9]+(\.[0-9]+)?$/.test(value) ? value : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function answer(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=UTF-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function handle(req, res, body) {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname === '/ping') return answer(res, 200, 'Ok.\n');
  if (url.pathname !== '/') return answer(res, 404, 'There is no handle ' + url.pathname + '\n');
  const params = url.searchParams;
  const [user, password] = credentials(req, params);
  if (!(user in users) || users[user] !== password) {
    return answer(res, 403, `Code: 516. DB::Exception: ${user}: Authentication failed: password is incorrect, or there is no ` +
                            'user with such name. (AUTHENTICATION_FAILED)\n');
  }
  const sql = params.has('query') ? params.get('query') + (body.length ? '\n' + body : '') : body;
  try {
    // Settings and the database are per request, as on a server; this session serves one at a time.
    session.query('SET session_timezone = \'UTC\'');
    for (const [name, value] of params) {
      if (!reserved.has(name)) session.query(`SET ${name.replace(/[^A-Za-z0-9_]/g, '')} = ${literal(value)}`);
    }
    session.query('USE `' + (params.get('database') || 'default').replace(/[`\\]/g, '\\$&') + '`');
    return answer(res, 200, session.query(sql, params.get('default_format') || 'TabSeparated'));
  } catch (e) {
    return answer(res, 500, String(e.message || e).replace(/^Query failed: /, '').trim() + '\n');
  }
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
});
server.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(server.address().port) + '\n'));
const stop = () => server.close(() => { session.close(); process.exit(0); });
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// A test killed by its timeout cannot stop the front: it stops itself when its owner is gone.
const owner = Number(process.env.EXPT_FRONT_OWNER || 0);
if (owner > 0) {
  setInterval(() => {
    try { process.kill(owner, 0); } catch (e) { session.close(); process.exit(0); }
  }, 1000).unref();
}
