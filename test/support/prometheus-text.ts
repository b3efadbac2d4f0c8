/** One sample of a scrape: name, labels and value. */
export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const SAMPLE = new RegExp(
  `^(${NAME})(\\{(?:${LABEL}(?:,${LABEL})*)?\\})? (-?[0-9.e+-]+|NaN|[+-]Inf)( -?[0-9]+)?$`,
);
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses the Prometheus text exposition format strictly: every line is empty, a `# HELP`, a
 * `# TYPE` (before the samples of its family, once) or a sample; anything else throws naming
 * the line.
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  const typed = new Set<string>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [index, line] of lines.entries()) {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    if (line === '' || HELP.test(line)) continue;
    const type = TYPE.exec(line);
    if (type) {
      if (typed.has(type[1])) throw new Error(`TYPE given twice for ${type[1]} at ${where}`);
      typed.add(type[1]);
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`Not in the exposition format at ${where}`);
    const family = sample[1].replace(/_(bucket|sum|count)$/, '');
    if (!typed.has(sample[1]) && !typed.has(family)) {
      throw new Error(`Sample before its TYPE at ${where}`);
    }
    const value = Number(sample[3].replace('Inf', 'Infinity'));
    if (Number.isNaN(value) && sample[3] !== 'NaN') throw new Error(`Bad value at ${where}`);
    const labels: Record<string, string> = {};
    for (const pair of (sample[2] ?? '').matchAll(LABEL_PAIR)) labels[pair[1]] = pair[2];
    samples.push({ name: sample[1], labels, value });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels` (undefined if none). */
export function sampleValue(
  samples: readonly PrometheusSample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const found = samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${found.length} samples match ${name}`);
  return found[0]?.value;
}
