import type { BaseConnection } from '../connection/base.connection.js';
import type { WebSocketConnection } from '../interfaces/connection.interface.js';
import { jsonEnvelopeCodec, type EnvelopeCodec } from '../wire/envelope-codec.js';
import { MSGPACK_SUBPROTOCOL } from '../wire/envelope.js';
import { msgpackEnvelopeCodec } from '../wire/msgpack-envelope.codec.js';

/** Query parameter that picks the codec where there is no subprotocol (WebTransport). */
export const CODEC_QUERY_PARAMETER = 'codec';

/**
 * The codec a gateway connection speaks: MessagePack when a WebSocket client negotiated
 * `forge.v1.msgpack` (or a WebTransport client asked with `?codec=msgpack`), JSON otherwise.
 */
export function selectCodec(conn: BaseConnection): EnvelopeCodec {
  if (conn.protocol === 'websocket') {
    const subprotocol = (conn as unknown as WebSocketConnection).subprotocol;
    return subprotocol === MSGPACK_SUBPROTOCOL ? msgpackEnvelopeCodec : jsonEnvelopeCodec;
  }
  const asked = conn.request.query[CODEC_QUERY_PARAMETER];
  return asked === 'msgpack' || asked === MSGPACK_SUBPROTOCOL
    ? msgpackEnvelopeCodec
    : jsonEnvelopeCodec;
}
