import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The response to an earlier request on the same connection that is still being written, when
 * a client pipelined a request before its upgrade. Node hands over the upgrade at once; the 101
 * would go out before that response, which would then be written raw into the WebSocket stream.
 * Node keeps the response it is writing on the socket (`_httpMessage`, not a public field): read
 * here alone.
 */
export function pendingResponseOf(socket: Duplex): ServerResponse | undefined {
  const response = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  return response && !response.writableFinished ? response : undefined;
}

/** Runs `then` once `response` is written completely or its connection is gone, whichever is first. */
export function afterResponse(response: ServerResponse, then: () => void): void {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    then();
  };
  response.once('finish', once);
  response.once('close', once);
}
