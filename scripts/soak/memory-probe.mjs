// Preloaded into each soak instance (`node --import`): reports the process's memory to the soak
// runner over the IPC channel every second, without keeping the process alive.
const timer = setInterval(() => {
  const { rss, heapUsed, external } = process.memoryUsage();
  process.send?.({ memory: { rss, heapUsed, external, at: Date.now() } });
}, 1000);
timer.unref();
process.channel?.unref();
