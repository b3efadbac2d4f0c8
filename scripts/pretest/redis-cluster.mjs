// A private 3-master Redis Cluster on loopback for the test run: started by pretest (or reused
// when the one it started last still answers), stopped by `npm test` when its run ends, or by
// `node scripts/pretest/redis-cluster.mjs stop`. Each node runs from its own redis.conf in a
// temporary folder, so a test can restart one master on the same port with the same nodes.conf.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const MASTERS = 3;

function log(message) {
  console.log(`[pretest] ${message}`);
}

function which(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

function portFree(port) {
  return new Promise((done) => {
    const server = net.createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** A port P with P and its cluster bus port P + 10000 both free. */
async function freeClusterPort(taken) {
  for (let i = 0; i < 200; i += 1) {
    const port = 20000 + Math.floor(Math.random() * 10000);
    if (taken.has(port)) continue;
    if ((await portFree(port)) && (await portFree(port + 10000))) return port;
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

function cli(port, ...args) {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    encoding: 'utf8',
    timeout: 5000,
  });
  return result.status === 0 ? result.stdout : '';
}

function clusterOk(ports) {
  return ports.every((port) => /cluster_state:ok/.test(cli(port, 'cluster', 'info')));
}

function nodeConfig(dir, port) {
  return [
    `port ${port}`,
    'bind 127.0.0.1',
    'cluster-enabled yes',
    'cluster-config-file nodes.conf',
    'cluster-node-timeout 5000',
    `dir ${dir}`,
    'save ""',
    'appendonly no',
    'daemonize yes',
    `pidfile ${join(dir, 'redis.pid')}`,
    `logfile ${join(dir, 'redis.log')}`,
    '',
  ].join('\n');
}

function readEnv(root) {
  const file = resolve(root, '.test-env.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

/** Stops the cluster a previous pretest started (its folder is named in .test-env.json). */
export function stopRedisCluster(root) {
  const dir = readEnv(root).REDIS_CLUSTER_DIR;
  if (!dir || !existsSync(dir)) return;
  for (const port of readEnv(root).REDIS_CLUSTER_NODES?.split(',') ?? []) {
    const pidFile = join(dir, port.split(':')[1] ?? '', 'redis.pid');
    if (!existsSync(pidFile)) continue;
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
  // later runs without pretest skip the cluster specs instead of dialling a stopped cluster
  const { REDIS_CLUSTER_NODES: _nodes, REDIS_CLUSTER_DIR: _dir, ...rest } = readEnv(root);
  writeFileSync(resolve(root, '.test-env.json'), JSON.stringify(rest, null, 2));
  log(`stopped the private Redis Cluster in ${dir}`);
}

async function waitFor(check, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} within ${timeoutMs} ms`);
}

/**
 * Finds or starts the Redis Cluster of the test run. Resolves with what the tests read:
 * `{ REDIS_CLUSTER_NODES: 'host:port,…', REDIS_CLUSTER_DIR }` (the folder is absent when the
 * cluster came from the environment), or `{}` when no cluster can run here (with a message).
 */
export async function ensureRedisCluster(root) {
  if (process.env.REDIS_CLUSTER_NODES) {
    log(`Redis Cluster from the environment: ${process.env.REDIS_CLUSTER_NODES}`);
    return { REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES };
  }
  const previous = readEnv(root);
  if (previous.REDIS_CLUSTER_NODES && previous.REDIS_CLUSTER_DIR) {
    const ports = previous.REDIS_CLUSTER_NODES.split(',').map((node) => node.split(':')[1]);
    if (existsSync(previous.REDIS_CLUSTER_DIR) && clusterOk(ports)) {
      log(`Redis Cluster answers at ${previous.REDIS_CLUSTER_NODES}`);
      return {
        REDIS_CLUSTER_NODES: previous.REDIS_CLUSTER_NODES,
        REDIS_CLUSTER_DIR: previous.REDIS_CLUSTER_DIR,
      };
    }
    stopRedisCluster(root);
  }
  if (!which('redis-server') || !which('redis-cli')) {
    log('redis-server or redis-cli is missing: the Redis Cluster specs will be skipped');
    return {};
  }
  const dir = mkdtempSync(join(tmpdir(), 'forge-redis-cluster-'));
  const ports = [];
  try {
    for (let i = 0; i < MASTERS; i += 1) ports.push(await freeClusterPort(new Set(ports)));
    log(`starting a private Redis Cluster on 127.0.0.1:${ports.join(', ')}`);
    for (const port of ports) {
      const nodeDir = join(dir, String(port));
      mkdirSync(nodeDir, { recursive: true });
      const conf = join(nodeDir, 'redis.conf');
      writeFileSync(conf, nodeConfig(nodeDir, port));
      const started = spawnSync('redis-server', [conf], { encoding: 'utf8' });
      if (started.status !== 0) throw new Error(`redis-server ${port}: ${started.stderr}`);
    }
    await waitFor(() => ports.every((p) => cli(p, 'ping').trim() === 'PONG'), 'nodes up', 10_000);
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create: ${create.stdout}`);
    await waitFor(() => clusterOk(ports), 'cluster_state:ok', 20_000);
  } catch (error) {
    for (const port of ports) cli(port, 'shutdown', 'nosave');
    rmSync(dir, { recursive: true, force: true });
    log(`the Redis Cluster did not start (${error.message}): its specs will be skipped`);
    return {};
  }
  const nodes = ports.map((port) => `127.0.0.1:${port}`).join(',');
  log(`Redis Cluster ready at ${nodes}`);
  return { REDIS_CLUSTER_NODES: nodes, REDIS_CLUSTER_DIR: dir };
}

if (process.argv[1] === import.meta.filename && process.argv[2] === 'stop') {
  stopRedisCluster(resolve(import.meta.dirname, '..', '..'));
}
