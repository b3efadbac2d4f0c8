import { Inject, Injectable } from '@nestjs/common';
import type { StreamingConnection } from '../interfaces/connection.interface.js';
import { ConnectionRegistry } from '../registry/connection-registry.service.js';

type Waiter = (joined: boolean) => void;

/**
 * Waits for a connection to become a member of a room: recovery only replays a room to its
 * members (the same authorization as joining), and waits for the join when the connection asks
 * before its connect handlers have joined it.
 */
@Injectable()
export class RoomJoinWatcher {
  /** Pending waits by connection id, then room. */
  private readonly waiters = new Map<string, Map<string, Set<Waiter>>>();

  constructor(@Inject(ConnectionRegistry) registry: ConnectionRegistry) {
    registry.listen({
      roomChanged: (conn, room, type) => {
        if (type === 'join') this.settle(conn.id, room, true);
      },
      closed: (conn) => {
        const rooms = this.waiters.get(conn.id);
        if (rooms) for (const room of [...rooms.keys()]) this.settle(conn.id, room, false);
      },
    });
  }

  /**
   * Resolves true once `conn` is in `room` (at once when it already is), false when it closes
   * or `timeoutMs` passes first.
   */
  whenMember(conn: StreamingConnection, room: string, timeoutMs: number): Promise<boolean> {
    if (conn.rooms.has(room)) return Promise.resolve(true);
    if (conn.isClosed || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let rooms = this.waiters.get(conn.id);
      if (!rooms) {
        rooms = new Map();
        this.waiters.set(conn.id, rooms);
      }
      let set = rooms.get(room);
      if (!set) {
        set = new Set();
        rooms.set(room, set);
      }
      const timer = setTimeout(() => finish(false), timeoutMs);
      timer.unref?.();
      const finish: Waiter = (joined) => {
        clearTimeout(timer);
        this.remove(conn.id, room, finish);
        resolve(joined);
      };
      set.add(finish);
    });
  }

  private settle(connectionId: string, room: string, joined: boolean): void {
    const set = this.waiters.get(connectionId)?.get(room);
    if (set) for (const waiter of [...set]) waiter(joined);
  }

  private remove(connectionId: string, room: string, waiter: Waiter): void {
    const rooms = this.waiters.get(connectionId);
    const set = rooms?.get(room);
    if (!rooms || !set) return;
    set.delete(waiter);
    if (set.size === 0) rooms.delete(room);
    if (rooms.size === 0) this.waiters.delete(connectionId);
  }
}
