// The edge's MQTT bus as an operator sees it: Debian's mosquitto_sub
// watching every device topic, mosquitto_pub for requests.
import { join } from 'node:path';
import { startProcess, type ManagedProcess } from '@kedge/testkit';
import { sh } from './fleet';

export interface MqttMessage {
  topic: string;
  payload: string;
}

/** A running `mosquitto_sub -v -t '$hw/events/#'` and a publisher for the same broker. */
export class MqttWatch {
  private counter = 0;

  private constructor(
    readonly port: number,
    private readonly sub: ManagedProcess,
  ) {}

  static async start(port: number, logDir: string): Promise<MqttWatch> {
    const sub = await startProcess({
      name: 'mosquitto_sub',
      command: 'mosquitto_sub',
      args: ['-h', '127.0.0.1', '-p', String(port), '-v', '-q', '1', '-t', '$hw/events/#', '-i', `e2e-watch-${port}`],
      logFile: join(logDir, 'mosquitto_sub.log'),
      // mosquitto_sub prints nothing until a message arrives; connected = it did not exit.
      readyWhen: async () => true,
    });
    return new MqttWatch(port, sub);
  }

  /** Every message seen so far, oldest first. */
  messages(): MqttMessage[] {
    return this.sub
      .output()
      .split('\n')
      .filter((line) => line.startsWith('$hw/'))
      .map((line) => {
        const space = line.indexOf(' ');
        return { topic: line.slice(0, space), payload: line.slice(space + 1) };
      });
  }

  async publish(topic: string, payload: string): Promise<void> {
    await sh('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(this.port), '-q', '1', '-t', topic, '-m', payload]);
  }

  /**
   * Publishes `body` (an object gets a fresh event_id; a string goes as is)
   * and resolves to the parsed message on `resultTopic` carrying that event_id.
   */
  async request(
    topic: string,
    resultTopic: string,
    body: object | string,
    timeoutMs = 5000,
  ): Promise<Record<string, unknown>> {
    const eventId = `e2e-${++this.counter}`;
    const payload =
      typeof body === 'string' ? body : JSON.stringify({ event_id: eventId, timestamp: Date.now(), ...body });
    // A malformed payload carries no event_id: its result is the first one after the publish.
    const matches = typeof body === 'string' ? '' : `"event_id":"${eventId}"`;
    const seen = this.messages().length;
    await this.publish(topic, payload);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.messages()
        .slice(seen)
        .find((m) => m.topic === resultTopic && m.payload.includes(matches));
      if (found) return JSON.parse(found.payload) as Record<string, unknown>;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${resultTopic} for ${payload} within ${timeoutMs} ms`);
  }

  stop(): Promise<unknown> {
    return this.sub.kill();
  }
}
