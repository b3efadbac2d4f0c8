// Started as a child process by web-transport-policies.spec: a WebTransport client in a process
// of its own, so the test can freeze it (SIGSTOP) and make it a consumer that really stops
// reading. Arguments: URL, certificate SHA-256 (hex). Opens the message stream, sends "hello",
// prints `READY`, then one `SEQ n` line per 64 KiB message received (n = its first 4 bytes,
// big-endian) and `CLOSED` once the session ends. Closing its stdin closes the session.
import { encodeFrame, FrameDecoder } from '../../../src/wire/web-transport-frame.codec.js';
import { resolveWebTransport } from '../../../src/client/web-transport-factory.js';

const [url, hashHex] = process.argv.slice(2);
const { ctor } = await resolveWebTransport(true);
const transport = new ctor(url, {
  forceReliable: true,
  serverCertificateHashes: [
    { algorithm: 'sha-256', value: new Uint8Array(Buffer.from(hashHex.replace(/:/g, ''), 'hex')) },
  ],
});
let done = false;
const finish = () => {
  if (done) return;
  done = true;
  process.stdout.write('CLOSED\n', () => process.exit(0));
};
transport.closed.then(finish, finish);
await transport.ready;
const stream = await transport.createBidirectionalStream();
const writer = stream.writable.getWriter();
await writer.write(encodeFrame('hello'));
process.stdout.write('READY\n');
process.stdin.resume();
process.stdin.on('end', () => {
  try {
    transport.close({ closeCode: 0, reason: 'done' });
  } catch {
    // Already closed.
  }
  setTimeout(finish, 1_000).unref();
});
const reader = stream.readable.getReader();
const frames = new FrameDecoder();
try {
  for (;;) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    for (const message of frames.push(value)) {
      const sequence = new DataView(message.buffer, message.byteOffset).getUint32(0);
      process.stdout.write(`SEQ ${sequence}\n`);
    }
  }
} catch {
  // The session ended.
}
