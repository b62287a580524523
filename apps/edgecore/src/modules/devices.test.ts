import { describe, expect, it } from 'vitest';
import { mergeReported } from './devices';

const at = (value: string) => ({ value, metadata: { timestamp: '1' } });

describe('mergeReported', () => {
  it('keeps every property changed while the status was queued, the newest value winning', () => {
    const queued = {
      deviceId: 'default/lane-1',
      namespace: 'default',
      name: 'lane-1',
      twins: [
        { propertyName: 'speed', reported: at('1') },
        { propertyName: 'mode', reported: at('a') },
      ],
      state: 'online',
    };
    const update = {
      deviceId: 'default/lane-1',
      namespace: 'default',
      name: 'lane-1',
      twins: [
        { propertyName: 'speed', reported: at('2') },
        { propertyName: 'temp', reported: at('30') },
      ],
    };
    const merged = mergeReported(queued, update);
    expect(merged.state).toBe('online');
    expect(Object.fromEntries(merged.twins.map((t) => [t.propertyName, t.reported?.value]))).toEqual({
      speed: '2',
      mode: 'a',
      temp: '30',
    });
  });

  it('takes the update as is when nothing is queued', () => {
    const update = { deviceId: 'default/x', namespace: 'default', name: 'x', twins: [] };
    expect(mergeReported(undefined, update)).toBe(update);
  });
});
