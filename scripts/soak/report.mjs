// Writes SOAK.md: the run's parameters, its outcome, memory per instance over time (table and
// an ASCII plot).
import { writeFileSync } from 'node:fs';

const MIB = 1024 * 1024;
const mib = (bytes) => (bytes === undefined ? '—' : (bytes / MIB).toFixed(1));

/** An ASCII plot of `series` ([{ label, mark, points: [[t, value]] }]), values in MiB. */
function plot(series, width = 72, height = 16) {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return '(no samples)';
  const maxT = Math.max(...all.map(([t]) => t), 1);
  const maxV = Math.max(...all.map(([, v]) => v)) * 1.05;
  const rows = Array.from({ length: height }, () => Array(width).fill(' '));
  for (const { mark, points } of series) {
    for (const [t, v] of points) {
      const x = Math.min(width - 1, Math.round((t / maxT) * (width - 1)));
      const y = height - 1 - Math.min(height - 1, Math.round((v / maxV) * (height - 1)));
      rows[y][x] = rows[y][x] === ' ' || rows[y][x] === mark ? mark : '*';
    }
  }
  const lines = rows.map((row, i) => {
    const value = ((height - 1 - i) / (height - 1)) * maxV;
    return `${value.toFixed(0).padStart(5)} MiB |${row.join('')}`;
  });
  lines.push(`${' '.repeat(10)}+${'-'.repeat(width)}`);
  lines.push(`${' '.repeat(11)}0 s${' '.repeat(width - 10)}${Math.round(maxT)} s`);
  lines.push(
    `${' '.repeat(11)}${series.map((s) => `${s.mark} ${s.label}`).join('   ')}   * overlap`,
  );
  return lines.join('\n');
}

/** Renders and writes the report. */
export function writeReport(path, run) {
  const { minutes, startedAt, samples, events, summary } = run;
  const rows = samples.map(
    (s) =>
      `| ${s.t} | ${mib(s.A?.rss)} | ${mib(s.A?.heapUsed)} | ${mib(s.B?.rss)} | ${mib(s.B?.heapUsed)} | ${s.acked} | ${s.echoOk} | ${s.echoFailed} |`,
  );
  const series = (name, field, mark, label) => ({
    mark,
    label,
    points: samples.filter((s) => s[name]).map((s) => [s.t, s[name][field] / MIB]),
  });
  const text = `# Soak run

Produced by \`npm run soak\` with \`SOAK_MINUTES=${minutes}\` (${minutes} minutes of traffic),
started ${new Date(startedAt).toISOString()}. The default run lasts 10 minutes.

Two sample instances (\`node dist/sample/main.js\`, A with the \`/events\` ticker, B without) share
a private redis-server the run started itself (append-only file, fsync on every write, as in
production). Traffic: gateway chat on \`/ws/rooms/:room\`
(a sender on each instance per room sending \`chat.send\` requests, acknowledged by the reply,
and receivers on both instances that reconnect and recover with \`?recover=\`), echo churn
(connect, one message on \`/ws/echo\`, close, alternating instances), and an SSE stream of
\`/events\` on B that is cut and resumed with \`Last-Event-ID\` every few seconds. Faults: Redis is
killed and restarted, then instance B gets SIGTERM and is started again. Memory is reported by
each instance itself (\`process.memoryUsage()\` over IPC, every second).

## Outcome

| measure | value |
|---|---|
${summary.map(([name, value]) => `| ${name} | ${value} |`).join('\n')}

## Faults

| at (s) | event |
|---|---|
${events.map((e) => `| ${e.t} | ${e.what} |`).join('\n')}

## Reading it

- A message counts as lost when a receiver that was in its room from the start never got it, live
  or through \`?recover=\`. Losses are reported by the fault window the message was sent in (the
  fault itself plus 5 s).
- Sent while Redis was down: the room history cannot keep such a message, so \`chat.send\` is
  answered with an \`UNAVAILABLE\` error reply instead of an acknowledgement (counted as refused,
  not as lost); the sender sends it again on a later tick, once Redis answers. Redis runs with
  \`--appendonly yes --appendfsync always\`, so the restart after SIGKILL replays every
  acknowledged append. A room whose append failed starts a new epoch at its next append (the
  refused message may have been delivered live but is in no log), so some receivers get an
  explicit \`recovered: false\` (\`epoch-changed\`): announced, and not a loss of an acknowledged
  message.
  A refused message may still have reached the live members of its instance, so a retry can
  arrive twice; receivers count distinct texts.
- Instance B's SIGTERM: its receivers are closed with 1001, reconnect once B is back and recover
  what they missed from the room history in Redis.
- Echo failures are connection refusals while B was down (the churn alternates instances).
- Memory: the used heap moves with garbage collection between collections; compare the
  lines after warm-up, not single samples.

## Memory (RSS and used heap per instance)

\`\`\`
${plot([series('A', 'rss', 'A', 'A rss'), series('B', 'rss', 'B', 'B rss'), series('A', 'heapUsed', 'a', 'A heap'), series('B', 'heapUsed', 'b', 'B heap')])}
\`\`\`

| t (s) | A rss MiB | A heap MiB | B rss MiB | B heap MiB | acked | echo ok | echo failed |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
  writeFileSync(path, text);
}
