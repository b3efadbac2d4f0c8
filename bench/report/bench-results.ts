import type { FailedRow } from '../scenarios/scenario-context.js';
import type { EchoRow } from '../scenarios/echo.scenario.js';
import type { FanoutRow } from '../scenarios/fanout.scenario.js';
import type { GatewayBroadcastRow } from '../scenarios/gateway-broadcast.scenario.js';
import type { RestBroadcastRow } from '../scenarios/rest-broadcast.scenario.js';
import type { ReconnectStormRow } from '../scenarios/reconnect-storm.scenario.js';
import type { ScaleOutRow, ScaleOutSkipped } from '../scenarios/scale-out.scenario.js';
import type { HandshakeRow } from '../scenarios/handshake.scenario.js';
import type { IdleRow } from '../scenarios/idle.scenario.js';
import type { SlowConsumerRow } from '../scenarios/slow-consumer.scenario.js';
import type { SseRow } from '../scenarios/sse-fanout.scenario.js';
import type { WebTransportResult } from '../scenarios/web-transport.scenario.js';

/** The machine a run was measured on. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly node: string;
  readonly platform: string;
  readonly kernel: string;
  readonly openFilesLimit: string;
  /** The CPU every server process was pinned to (`BENCH_SERVER_CPU`), when they were. */
  readonly serverCpu?: string;
  /** The CPUs the load generator was pinned to for the closed-loop scenarios (`BENCH_LOAD_CPUS`). */
  readonly loadCpus?: string;
  /** The Node/V8 flags every server process ran with (absent in older results). */
  readonly serverNodeFlags?: readonly string[];
}

/** One target check: a ratio between two contenders measured in the same run. */
export interface RatioCheck {
  readonly scenario: string;
  readonly description: string;
  readonly metric: string;
  readonly comparison: '>=' | '<=';
  readonly target: number;
  /** The measured ratio, or null when a side is missing. */
  readonly value: number | null;
  readonly pass: boolean | null;
  /**
   * Messages per server socket write of the two sides (subject, baseline), each null when not
   * counted; absent in results recorded before writes were counted.
   */
  readonly messagesPerWrite?: readonly [number | null, number | null];
}

/** Everything one run produced (the JSON file the report is rendered from). */
export interface BenchResults {
  readonly schema: 1;
  readonly mode: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  readonly contenders: Record<string, string>;
  readonly scenarios: {
    readonly echo?: (EchoRow | FailedRow)[];
    readonly fanout?: (FanoutRow | FailedRow)[];
    readonly idle?: (IdleRow | FailedRow)[];
    readonly sse?: (SseRow | FailedRow)[];
    readonly handshake?: (HandshakeRow | FailedRow)[];
    readonly slowConsumer?: (SlowConsumerRow | FailedRow)[];
    readonly webTransport?: WebTransportResult;
    /** Request/reply over event gateways (echo rows of the gateway contenders). */
    readonly gatewayEcho?: (EchoRow | FailedRow)[];
    readonly gatewayBroadcast?: (GatewayBroadcastRow | FailedRow)[];
    /** Broadcasts triggered by `POST /broadcast`, per subscriber transport. */
    readonly restBroadcast?: {
      readonly websocket: (RestBroadcastRow | FailedRow)[];
      readonly sse: (RestBroadcastRow | FailedRow)[];
    };
    /** Every client dropped at once, reconnecting and recovering (vs Socket.IO's recovery). */
    readonly reconnectStorm?: (ReconnectStormRow | FailedRow)[];
    /** Instances behind one port scaled out through each backend, room-scoped broadcasts. */
    readonly scaleOut?: (ScaleOutRow | ScaleOutSkipped)[];
  };
  readonly ratios: RatioCheck[];
  readonly notes: string[];
}

/** True for a row that was measured (not a failure). */
export function measured<T extends object>(row: T | FailedRow): row is T {
  return !('error' in row);
}
