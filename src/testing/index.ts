export {
  createStreamingTestApp,
  StreamingTestApp,
  StreamingTestClient,
  type StreamingTestAppOptions,
  type TestPlatform,
} from './streaming-test-app.js';
export {
  WebSocketTestConnection,
  type ExpectedMessage,
  type ReceivedClose,
  type ReceivedMessage,
  type WebSocketTestOptions,
} from './web-socket-test-connection.js';
export {
  SseTestRequest,
  type ReceivedSseEvent,
  type SseTestRequestOptions,
  type SseWaitOptions,
} from './sse-test-request.js';
export {
  WebTransportTestSession,
  type WebTransportTestSessionOptions,
} from './web-transport-test-session.js';
