import type { BaseConnection } from '../connection/base.connection.js';
import type { OutboundMessage } from '../connection/outbound-message.js';
import type { WireMessage } from '../interfaces/streaming-adapter.interface.js';

/**
 * One broadcast whose bytes depend on the recipient (a gateway event: a JSON text frame for one
 * codec, a MessagePack frame for another, an SSE event for streams). It travels the broadcast
 * path once: one registry selection, one set of preparers, one publish; each form is encoded on
 * its first recipient, so a form nobody receives is never encoded.
 */
export interface RecipientVariants {
  /** The form the broadcast's preparers see (the SSE history records its SSE event). */
  readonly primary: OutboundMessage;
  /** The form `conn` receives, or undefined when this broadcast is not for it. */
  variantFor(conn: BaseConnection): OutboundMessage | undefined;
  /** The broadcast as it crosses to other instances (an `envelope` wire message). */
  toWire(): WireMessage;
}

/** Rebuilds the variants of an `envelope` wire message that another instance published. */
export type RecipientVariantsDecoder = (
  wire: Extract<WireMessage, { type: 'envelope' }>,
) => RecipientVariants | undefined;
