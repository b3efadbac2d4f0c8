import assert from 'node:assert/strict';
import { execFile, type ExecFileException } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';

/** The output of a finished child process. */
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A package manifest, as far as these tests read it. */
interface Manifest {
  name: string;
  version: string;
  exports: Record<string, string | { types: string; import: string }>;
  files: string[];
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  overrides?: Record<string, string>;
}

function findRoot(from: string): string {
  let dir = from;
  while (
    !existsSync(join(dir, 'package.json')) ||
    !readFileSync(join(dir, 'package.json'), 'utf8').includes('"name": "nestjs-forge-streaming"')
  ) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nestjs-forge-streaming package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

function run(file: string, args: string[], cwd: string, timeout: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd, timeout, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0' } },
      (error: ExecFileException | null, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs an ES module script in the consumer app and returns what it printed. */
async function script(cwd: string, source: string): Promise<Run> {
  const file = join(cwd, `probe-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, source);
  try {
    return await run(process.execPath, [file], cwd, 60_000);
  } finally {
    rmSync(file, { force: true });
  }
}

const root = findRoot(import.meta.dirname);
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const ping = await run(npm, ['ping', '--fetch-timeout=10000', '--fetch-retries=0'], root, 20_000);
const unreachable =
  ping.code === 0 ? false : `the npm registry is unreachable: ${ping.stderr.trim()}`;
const built = existsSync(join(root, 'dist', 'src', 'index.js'))
  ? false
  : 'dist/src is missing: run `npm run build` first';

/** The installed version of one of this repository's packages (so the npm cache answers). */
function installed(name: string): string {
  const file = join(root, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Required peers, plus what `./testing` needs to start an app. */
const consumerPeers = [
  '@nestjs/common',
  '@nestjs/core',
  'reflect-metadata',
  'rxjs',
  '@nestjs/testing',
  '@nestjs/platform-express',
];

describe(
  'the packed tarball installs into a fresh app and every subpath loads',
  { skip: unreachable || built, timeout: 600_000 },
  () => {
    let work: string;
    let app: string;
    let files: string[];
    let install: Run;

    before(async () => {
      work = mkdtempSync(join(tmpdir(), 'forge-packed-'));
      app = join(work, 'app');
      const packed = await run(npm, ['pack', '--json', '--pack-destination', work], root, 120_000);
      assert.equal(packed.code, 0, `npm pack failed: ${packed.stderr}`);
      const [entry] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [
        { filename: string; files: { path: string }[] },
      ];
      files = entry.files.map((file) => file.path);
      const dependencies: Record<string, string> = {
        [manifest.name]: `file:${join(work, entry.filename)}`,
      };
      for (const name of consumerPeers) dependencies[name] = installed(name);
      mkdirSync(app);
      writeFileSync(
        join(app, 'package.json'),
        JSON.stringify(
          {
            name: 'packed-consumer',
            private: true,
            type: 'module',
            dependencies,
            overrides: manifest.overrides ?? {},
          },
          null,
          2,
        ),
      );
      install = await run(
        npm,
        ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn'],
        app,
        480_000,
      );
      assert.equal(install.code, 0, `npm install failed:\n${install.stderr}`);
    });
    after(() => {
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test('the tarball holds the compiled code and its types, and no tests, benchmarks or sources', () => {
      assert.ok(files.includes('package.json'));
      assert.ok(files.includes('README.md'));
      for (const [subpath, target] of Object.entries(manifest.exports)) {
        if (typeof target === 'string') continue;
        for (const path of [target.import, target.types]) {
          assert.ok(files.includes(path.replace(/^\.\//, '')), `${subpath}: ${path} is packed`);
        }
      }
      const stray = files.filter(
        (path) =>
          /^(src|test|bench|sample|scripts)\//.test(path) ||
          /^dist\/(test|bench|sample)\//.test(path) ||
          /\.spec\.|\.tsbuildinfo$|\.map$/.test(path),
      );
      assert.deepEqual(stray, [], 'nothing but dist/src, README.md and package.json');
    });

    test('npm install with the declared dependencies and peers raises no engine warning', () => {
      const warnings = `${install.stdout}\n${install.stderr}`
        .split('\n')
        .filter((line) => line.includes('EBADENGINE'));
      assert.deepEqual(warnings, [], `on Node ${process.version}`);
      assert.ok(existsSync(join(app, 'node_modules', manifest.name, 'dist', 'src', 'index.js')));
    });

    test("@nestjs/common's file type check works with the file-type version the overrides pin", async () => {
      const result = await script(
        app,
        `import { FileTypeValidator } from '@nestjs/common';\n` +
          `const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');\n` +
          `const validator = new FileTypeValidator({ fileType: 'image/png' });\n` +
          `const file = { buffer: png, mimetype: 'image/png', size: png.length };\n` +
          `const text = { buffer: Buffer.from('plain text'), mimetype: 'image/png', size: 10 };\n` +
          `console.log(JSON.stringify([await validator.isValid(file), await validator.isValid(text)]));\n`,
      );
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout.trim()), [true, false]);
    });

    test('every subpath in "exports" imports in a plain Node process', async () => {
      const subpaths = Object.keys(manifest.exports).filter((key) => key !== './package.json');
      assert.ok(subpaths.length >= 5, subpaths.join(', '));
      for (const subpath of subpaths) {
        const specifier = manifest.name + subpath.slice(1);
        const result = await script(
          app,
          `import 'reflect-metadata';\nconst mod = await import(${JSON.stringify(specifier)});\n` +
            `console.log(JSON.stringify(Object.keys(mod)));\n`,
        );
        assert.equal(result.code, 0, `${specifier} failed to load:\n${result.stderr}`);
        const names = JSON.parse(result.stdout.trim()) as string[];
        assert.ok(names.length > 0, `${specifier} exports something`);
      }
    });

    /** Type-checks, in the consumer app, a file importing `subpaths` and then `extra` code. */
    async function typeCheck(
      name: string,
      subpaths: readonly string[],
      extra: string,
      skipLibCheck: boolean,
    ): Promise<Run> {
      writeFileSync(
        join(app, `${name}.ts`),
        subpaths
          .map((subpath, i) => `import * as m${i} from '${manifest.name}${subpath.slice(1)}';`)
          .join('\n') +
          `\nexport const loaded = [${subpaths.map((_, i) => `m${i}`).join(', ')}];\n` +
          extra,
      );
      writeFileSync(
        join(app, `tsconfig.${name}.json`),
        JSON.stringify({
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            target: 'ES2022',
            strict: true,
            noEmit: true,
            experimentalDecorators: true,
            typeRoots: [join(root, 'node_modules', '@types')],
            types: ['node'],
            skipLibCheck,
          },
          files: [`${name}.ts`],
        }),
      );
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      return run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], app, 120_000);
    }

    test('the package types resolve for every subpath under NodeNext resolution', async () => {
      const subpaths = Object.keys(manifest.exports).filter((key) => key !== './package.json');
      // skipLibCheck as a new Nest project's tsconfig has it: the optional peers' types may be absent
      const result = await typeCheck(
        'types-check',
        subpaths,
        `import { ForgeStreamingModule, type StreamingConfig } from '${manifest.name}';\n` +
          `const config: StreamingConfig = { websocket: { pingPeriod: 30_000 } };\n` +
          `export const mod = ForgeStreamingModule.forRoot(config);\n`,
        true,
      );
      assert.equal(result.code, 0, `tsc found errors:\n${result.stdout}${result.stderr}`);
    });

    test('the subpaths that need no optional peer type-check without skipLibCheck', async () => {
      // No ioredis, @nats-io/*, prom-client or @nestjs/terminus is installed in this app: the
      // types of these entry points must not reach for them.
      const result = await typeCheck(
        'strict-types-check',
        ['.', './adapter', './client', './testing'],
        `import type { StreamingConfig } from '${manifest.name}';\n` +
          `export const config: StreamingConfig = { metrics: { enabled: true, prefix: 'app_' } };\n`,
        false,
      );
      const own = (result.stdout + result.stderr)
        .split('\n')
        .filter((line) => line.includes(`node_modules/${manifest.name}/`));
      assert.deepEqual(own, [], `errors in the package's own types:\n${result.stdout}`);
    });

    test('a missing optional peer (ioredis) fails with a clear error only when used', async () => {
      assert.equal(existsSync(join(app, 'node_modules', 'ioredis')), false);
      const result = await script(
        app,
        `const { RedisStreamingAdapter } = await import('${manifest.name}/redis');\n` +
          `const adapter = new RedisStreamingAdapter({ url: 'redis://127.0.0.1:1' });\n` +
          `try { await adapter.init({}); console.log('started'); }\n` +
          `catch (error) { console.log(error.constructor.name + ': ' + error.message); }\n`,
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^MissingDependencyError: .*"ioredis".*npm install ioredis/);
    });

    test('a missing optional peer (@nats-io/*) fails with a clear error only when used', async (t) => {
      if (!('./nats' in manifest.exports)) {
        t.skip('no ./nats subpath');
        return;
      }
      assert.equal(existsSync(join(app, 'node_modules', '@nats-io')), false);
      const result = await script(
        app,
        `const { NatsStreamingAdapter } = await import('${manifest.name}/nats');\n` +
          `const adapter = new NatsStreamingAdapter({ servers: 'nats://127.0.0.1:1' });\n` +
          `try { await adapter.init({}); console.log('started'); }\n` +
          `catch (error) { console.log(error.constructor.name + ': ' + error.message); }\n`,
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /^MissingDependencyError: .*"@nats-io\/[a-z-]+".*npm install @nats-io\//,
      );
    });

    test('a missing optional peer (prom-client) fails start-up with a clear error when metrics are on', async () => {
      assert.equal(existsSync(join(app, 'node_modules', 'prom-client')), false);
      const result = await script(
        app,
        `import 'reflect-metadata';\n` +
          `import { Module } from '@nestjs/common';\n` +
          `import { NestFactory } from '@nestjs/core';\n` +
          `import { ForgeStreamingModule } from '${manifest.name}';\n` +
          `class AppModule {}\n` +
          `Module({ imports: [ForgeStreamingModule.forRoot({ metrics: { enabled: true } })] })(AppModule);\n` +
          `try {\n` +
          `  const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });\n` +
          `  await app.init(); console.log('started'); await app.close();\n` +
          `} catch (error) { console.log(error.constructor.name + ': ' + error.message); }\n`,
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /MissingDependencyError: .*"prom-client".*npm install prom-client/,
      );
    });

    test('./testing starts a real app over a socket from the installed package', async () => {
      const result = await script(
        app,
        `import 'reflect-metadata';\n` +
          `import { Controller } from '@nestjs/common';\n` +
          `import { WebSocketRoute } from '${manifest.name}';\n` +
          `import { createStreamingTestApp } from '${manifest.name}/testing';\n` +
          `class Echo { echo(conn) { return conn.send('hello'); } }\n` +
          `const descriptor = Object.getOwnPropertyDescriptor(Echo.prototype, 'echo');\n` +
          `WebSocketRoute('echo')(Echo.prototype, 'echo', descriptor);\n` +
          `Controller()(Echo);\n` +
          `const app = await createStreamingTestApp({ controllers: [Echo] });\n` +
          `try { await app.test().webSocket('/echo').expectMessage('hello').close(); console.log('ok'); }\n` +
          `finally { await app.close(); }\n`,
      );
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim(), 'ok');
    });

    test('./testing without @nestjs/testing fails with a clear error only when used', async () => {
      rmSync(join(app, 'node_modules', '@nestjs', 'testing'), { recursive: true, force: true });
      const result = await script(
        app,
        `import 'reflect-metadata';\n` +
          `const { createStreamingTestApp } = await import('${manifest.name}/testing');\n` +
          `try { await createStreamingTestApp({}); console.log('started'); }\n` +
          `catch (error) { console.log(error.constructor.name + ': ' + error.message); }\n`,
      );
      assert.equal(result.code, 0, `importing ./testing must not fail:\n${result.stderr}`);
      assert.match(
        result.stdout,
        /^MissingDependencyError: .*"@nestjs\/testing".*npm install @nestjs\/testing/,
      );
    });
  },
);
