import { EdgecoreError } from '../errors';

/** eventbus: an option is wrong (port out of range, TLS key without cert, bad external URL). */
export class EventBusOptionsError extends EdgecoreError {
  readonly code = 'EDGE_EVENTBUS_OPTIONS';
}

/** eventbus: the embedded broker cannot listen (port taken, permission) or the external broker refuses us. */
export class EventBusStartError extends EdgecoreError {
  readonly code = 'EDGE_EVENTBUS_START';
}

/** eventbus: publish or subscribe called after close(), or the broker rejected the call. */
export class EventBusClosedError extends EdgecoreError {
  readonly code = 'EDGE_EVENTBUS_CLOSED';
}
