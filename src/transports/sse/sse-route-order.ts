/**
 * Keeps the events of one SSE route in id order on the wire.
 *
 * Every event recorded in the route's history takes a ticket at the moment its `append` is
 * issued; stores assign ids in issue order, so tickets order ids. A broadcast's ids are known
 * before the manager delivers it, and a handler event's id arrives asynchronously: without care a
 * later id could overtake an earlier one on a connection, and a client resuming from the later id
 * would miss the earlier event. So a connection writes an event only when no broadcast with a
 * smaller ticket is still in flight on the route (a broadcast is in flight from its `append` until
 * its delivery has run); connections order what they hold by ticket.
 */
export class SseRouteOrder {
  private nextTicket = 1;
  /** Tickets of broadcasts in flight; insertion order is ticket order. */
  private readonly inFlight = new Set<number>();
  private readonly ticketById = new Map<string, number>();
  private readonly idByTicket = new Map<number, string>();
  private waiters = new Set<() => void>();

  /** A ticket for an event appended now. */
  next(): number {
    const ticket = this.nextTicket;
    this.nextTicket += 1;
    return ticket;
  }

  /** A ticket for a broadcast appended now; it stays in flight until {@link release}. */
  hold(): number {
    const ticket = this.next();
    this.inFlight.add(ticket);
    return ticket;
  }

  /** Records the id the store gave a broadcast in flight. */
  bind(ticket: number, id: string): void {
    if (!this.inFlight.has(ticket)) return;
    this.ticketById.set(id, ticket);
    this.idByTicket.set(ticket, id);
  }

  /** The ticket of a broadcast in flight, by id. */
  ticketOf(id: string): number | undefined {
    return this.ticketById.get(id);
  }

  /** Ends a broadcast's flight (it has been delivered, or failed); waiting connections go on. */
  release(ticket: number): void {
    if (!this.inFlight.delete(ticket)) return;
    const id = this.idByTicket.get(ticket);
    if (id !== undefined) {
      this.idByTicket.delete(ticket);
      this.ticketById.delete(id);
    }
    if (this.waiters.size === 0) return;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const waiter of waiters) waiter();
  }

  /** Whether an event with `ticket` must wait for an earlier broadcast still in flight. */
  blocks(ticket: number): boolean {
    for (const first of this.inFlight) return first < ticket;
    return false;
  }

  /** Calls `waiter` once, at the next release. */
  onRelease(waiter: () => void): void {
    this.waiters.add(waiter);
  }

  /** Cancels a waiter (closed connection). */
  forget(waiter: () => void): void {
    this.waiters.delete(waiter);
  }
}
