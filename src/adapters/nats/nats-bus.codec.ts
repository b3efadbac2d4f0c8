/**
 * Messages between instances are `origin \n json`: a receiver skips its own messages without
 * parsing them. The subject tells the kind (broadcast, presence, gap, command).
 */
export function encodeBusPayload(origin: string, body: unknown): string {
  return `${origin}\n${JSON.stringify(body)}`;
}

/** The origin of an encoded message (without parsing the rest). */
export function busPayloadOrigin(raw: string): string {
  const end = raw.indexOf('\n');
  return end === -1 ? '' : raw.slice(0, end);
}

/** The body of an encoded message; undefined when it is not a JSON object. */
export function decodeBusBody(raw: string): Record<string, unknown> | undefined {
  const end = raw.indexOf('\n');
  if (end === -1) return undefined;
  try {
    const body = JSON.parse(raw.slice(end + 1)) as unknown;
    return typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
