/** Called for each message on a matching topic. Payload is the raw MQTT payload. */
export type MessageHandler = (topic: string, payload: Buffer) => void;

/** Removes a subscription made with `EventBus.subscribe`. */
export type Unsubscribe = () => Promise<void>;

/** edgecore's MQTT bus: the embedded broker, or a client of an external one. */
export interface EventBus {
  /** Where mappers connect, e.g. `mqtt://127.0.0.1:1883`. */
  readonly url: string;
  /** Publishes at QoS 0, not retained (KubeEdge's twin topics are fire-and-forget). */
  publish(topic: string, payload: string | Buffer): Promise<void>;
  /** Subscribes with MQTT wildcards (`+`, `#`). Handler errors go to `onHandlerError`. */
  subscribe(topicFilter: string, handler: MessageHandler): Promise<Unsubscribe>;
  /** Stops the broker (or disconnects) and drops every subscription. Idempotent. */
  close(): Promise<void>;
}
