// Errors raised by the controllers themselves (API failures are the server's ApiError).

/** Thrown by parseQuantity when a resource quantity (cpu: "250m", memory: "64Mi") cannot be read. */
export class InvalidQuantityError extends Error {
  readonly code = 'KUBE_LITE_INVALID_QUANTITY';
  constructor(readonly quantity: string) {
    super(
      `invalid quantity "${quantity}": use a number with an optional suffix (m, k, M, G, T, Ki, Mi, Gi, Ti), e.g. "250m" or "64Mi"`,
    );
    this.name = 'InvalidQuantityError';
  }
}

/** Thrown by resolveIntOrPercent when maxSurge/maxUnavailable is neither an integer nor "N%". */
export class InvalidIntOrPercentError extends Error {
  readonly code = 'KUBE_LITE_INVALID_INT_OR_PERCENT';
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`${field}: invalid value ${JSON.stringify(value)}: use an integer or a percentage such as "25%"`);
    this.name = 'InvalidIntOrPercentError';
  }
}
