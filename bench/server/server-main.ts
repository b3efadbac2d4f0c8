/**
 * A benchmark server process: starts one contender, reports its port over IPC, then obeys the
 * load generator's commands (broadcast, usage report, CPU profile of a window, stop).
 */
import { payloadOf } from '../bench-config.js';
import type { ServerCommand, ServerReply, ServerUsage } from '../ipc-protocol.js';
import type { BenchServer } from './bench-server.js';
import { CONTENDERS, isContenderId } from './contenders.js';
import { CpuProfiler } from './cpu-profiler.js';
import { installWriteCounter, socketWrites } from './write-counter.js';

function reply(message: ServerReply): void {
  process.send?.(message);
}

function usage(collect: boolean): ServerUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (collect && gc) {
    gc();
    gc();
  }
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return {
    cpuMicros: cpu.user + cpu.system,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    external: mem.external,
    arrayBuffers: mem.arrayBuffers,
    socketWrites: socketWrites(),
  };
}

async function main(): Promise<void> {
  const id = process.argv[2] ?? '';
  if (!isContenderId(id)) throw new Error(`Unknown contender "${id}"`);
  // Every server counts its socket writes (messages per write syscall beside every ratio).
  installWriteCounter();
  const server: BenchServer = await CONTENDERS[id].start();
  const profiler = new CpuProfiler();
  process.on('message', (command: ServerCommand) => {
    switch (command.cmd) {
      case 'broadcast':
        server.broadcast(payloadOf(command.seq, command.size));
        break;
      case 'usage':
        reply({ type: 'usage', id: command.id, usage: usage(command.gc) });
        break;
      case 'profile':
        if (command.action === 'start') {
          void profiler.start().then(() => reply({ type: 'profile', id: command.id }));
        } else {
          void profiler
            .stop()
            .then((breakdown) => reply({ type: 'profile', id: command.id, breakdown }));
        }
        break;
      case 'stop': {
        const exit = setTimeout(() => process.exit(0), 3000);
        void server.close().finally(() => {
          clearTimeout(exit);
          reply({ type: 'stopped', id: command.id });
          process.disconnect?.();
          setTimeout(() => process.exit(0), 50).unref();
        });
        break;
      }
    }
  });
  process.on('disconnect', () => process.exit(0));
  reply({ type: 'ready', port: server.port, webTransport: server.webTransport });
}

main().catch((error: unknown) => {
  reply({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  setTimeout(() => process.exit(1), 50);
});
