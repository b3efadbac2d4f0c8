import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNats } from '../../../../src/adapters/nats/load-nats.js';
import { MissingDependencyError } from '../../../../src/errors/missing-dependency.error.js';

test('loads the three NATS packages when they are installed', async () => {
  const modules = await loadNats();
  assert.equal(typeof modules.transport.connect, 'function');
  assert.equal(typeof modules.jetstream.jetstreamManager, 'function');
  assert.equal(typeof modules.kv.Kvm, 'function');
});

for (const missing of ['@nats-io/transport-node', '@nats-io/jetstream', '@nats-io/kv']) {
  test(`fails with MissingDependencyError naming ${missing} when it cannot be loaded`, async () => {
    const importer = async (name: string): Promise<unknown> => {
      if (name === missing) throw new Error(`Cannot find package '${name}'`);
      return import(name);
    };
    await assert.rejects(loadNats(importer), (error: unknown) => {
      assert.ok(error instanceof MissingDependencyError);
      assert.equal(error.packageName, missing);
      assert.ok(error.message.includes(`npm install ${missing}`), error.message);
      assert.match(error.message, /NatsStreamingAdapter/);
      return true;
    });
  });
}

test('a module without the expected export counts as missing', async () => {
  await assert.rejects(
    loadNats(() => Promise.resolve({})),
    (error: unknown) =>
      error instanceof MissingDependencyError && error.packageName === '@nats-io/transport-node',
  );
  await assert.rejects(
    loadNats(() => Promise.resolve(null)),
    MissingDependencyError,
  );
});
