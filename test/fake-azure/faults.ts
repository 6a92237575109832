import type { Reply, RouteName } from './exchange.js'

/**
 * Answer with this status (after `delayMs`, if given) instead of handling the request. With `afterCreate` the request
 * is handled first, so whatever it creates exists although the client is told it failed (a gateway's 503 after the
 * service took the job).
 */
export interface StatusFault {
  status: number
  afterCreate?: boolean
  headers?: Record<string, string>
  body?: string
  contentType?: string
  delayMs?: number
  /** Instead of `body`, an answer this many bytes long, sent in chunks as fast as the client reads them. */
  bodyBytes?: number
  /** With `bodyBytes`: the body stops after this many bytes, the connection left open, as a stalled service does. */
  stallAfterBytes?: number
}

/**
 * Reset the TCP connection (RST) once the request body has arrived, without a response. With `afterCreate` the request
 * is handled first, so whatever it creates (a job, a token) exists although the client never hears of it: the case
 * where a retry without idempotency would submit twice.
 */
export interface ResetFault {
  reset: true
  afterCreate?: boolean
  delayMs?: number
}

/** Handle the request normally, but only after a delay. */
export interface DelayFault {
  delayMs: number
}

/**
 * A service that stopped answering: the connection is accepted and the request read, and then nothing comes, until
 * the client gives up and closes the connection (or the fake closes).
 */
export interface HangFault {
  hang: true
}

export type Fault = StatusFault | ResetFault | DelayFault | HangFault

/** Faults scripted per route, each used by exactly one request, in the order given. */
export class FaultQueue {
  private readonly queues = new Map<RouteName, Fault[]>()

  add(route: RouteName, faults: Fault[]): void {
    this.queues.set(route, [...(this.queues.get(route) ?? []), ...faults])
  }

  next(route: RouteName): Fault | undefined {
    return this.queues.get(route)?.shift()
  }

  pending(route: RouteName): number {
    return this.queues.get(route)?.length ?? 0
  }
}

export function isReset(fault: Fault | undefined): fault is ResetFault {
  return fault !== undefined && 'reset' in fault
}

export function isHang(fault: Fault | undefined): fault is HangFault {
  return fault !== undefined && 'hang' in fault
}

export function isStatus(fault: Fault | undefined): fault is StatusFault {
  return fault !== undefined && 'status' in fault
}

export function faultReply(fault: StatusFault): Reply {
  const body = fault.body ?? ''
  // Services send both JSON and plain-text errors; guess the type from the body unless the fault names one.
  const contentType =
    fault.contentType ??
    (body.trimStart().startsWith('{') ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8')
  return { status: fault.status, headers: { 'content-type': contentType, ...fault.headers }, body }
}
