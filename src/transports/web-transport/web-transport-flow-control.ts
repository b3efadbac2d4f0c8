import type { WebTransportConfig } from '../../interfaces/streaming-config.interface.js';

const MIB = 1024 * 1024;

/** Flow-control settings handed to the library's HTTP/2 server. */
export interface FlowControlWindows {
  readonly initialStreamFlowControlWindow: number;
  readonly initialSessionFlowControlWindow: number;
  readonly streamFlowControlWindowSizeLimit: number;
  readonly sessionFlowControlWindowSizeLimit: number;
  readonly initialBidirectionalStreams: number;
  readonly initialUnidirectionalStreams: number;
}

/**
 * Derives the windows from `bufferSize`: at least 1 MiB per stream and 4 MiB per session (the
 * library's 16 KB defaults stall client-to-server streams after ~16 KB), and stream credit for
 * `maxStreams` plus the message stream.
 */
export function flowControlWindows(
  config: Pick<WebTransportConfig, 'bufferSize' | 'maxStreams'>,
): FlowControlWindows {
  const stream = Math.max(MIB, config.bufferSize);
  const session = Math.max(4 * MIB, 4 * stream);
  const streams = Math.max(100, config.maxStreams + 1);
  return {
    initialStreamFlowControlWindow: stream,
    initialSessionFlowControlWindow: session,
    streamFlowControlWindowSizeLimit: Math.max(6 * MIB, 2 * stream),
    sessionFlowControlWindowSizeLimit: Math.max(15 * MIB, 2 * session),
    initialBidirectionalStreams: streams,
    initialUnidirectionalStreams: streams,
  };
}
