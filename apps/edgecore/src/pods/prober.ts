import type { Container, Probe } from './kube-types';

// Probe bookkeeping of one running container, with kubelet's rules: nothing
// runs before initialDelaySeconds; liveness and readiness wait for the startup
// probe; a result flips only after successThreshold / failureThreshold equal
// results in a row; readiness starts failed, liveness starts passing.

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

export interface ProbeTrack {
  kind: ProbeKind;
  probe: Probe;
  nextAtMs: number;
  run: number;
  lastOk?: boolean;
  ok: boolean;
  inFlight: boolean;
}

export class ContainerProbes {
  readonly tracks: ProbeTrack[] = [];
  /** Startup probe passed (or there is none). */
  started: boolean;
  /** Liveness or startup probe failed its threshold: the container must be restarted. */
  failed = false;
  failureMessage = '';

  constructor(
    readonly containerId: string,
    readonly container: Container,
    startedAtMs: number,
    seedReady: boolean,
  ) {
    const add = (kind: ProbeKind, probe: Probe | undefined, ok: boolean): void => {
      if (probe)
        this.tracks.push({
          kind,
          probe,
          nextAtMs: startedAtMs + (probe.initialDelaySeconds ?? 0) * 1000,
          run: 0,
          ok,
          inFlight: false,
        });
    };
    add('startup', container.startupProbe, false);
    add('liveness', container.livenessProbe, true);
    // Readiness known before an edgecore restart is kept, so adoption does not flap Ready.
    add('readiness', container.readinessProbe, seedReady);
    this.started = !container.startupProbe;
  }

  get ready(): boolean {
    const readiness = this.tracks.find((t) => t.kind === 'readiness');
    return this.started && !this.failed && (readiness ? readiness.ok : true);
  }

  private active(track: ProbeTrack): boolean {
    if (this.failed) return false;
    return track.kind === 'startup' ? !this.started : this.started;
  }

  /** Tracks to run now; they are marked in flight. */
  takeDue(nowMs: number): ProbeTrack[] {
    const due = this.tracks.filter((t) => this.active(t) && !t.inFlight && t.nextAtMs <= nowMs);
    for (const t of due) t.inFlight = true;
    return due;
  }

  /** Earliest time a probe is due; undefined when none will run. */
  nextWakeMs(): number | undefined {
    let next: number | undefined;
    for (const t of this.tracks)
      if (this.active(t) && !t.inFlight && (next === undefined || t.nextAtMs < next)) next = t.nextAtMs;
    return next;
  }

  /** Records one attempt; returns true when started/ready/failed changed. */
  record(track: ProbeTrack, ok: boolean, message: string, nowMs: number): boolean {
    track.inFlight = false;
    track.nextAtMs = nowMs + (track.probe.periodSeconds ?? 10) * 1000;
    track.run = track.lastOk === ok ? track.run + 1 : 1;
    track.lastOk = ok;
    const threshold = ok ? (track.probe.successThreshold ?? 1) : (track.probe.failureThreshold ?? 3);
    if (track.run < threshold) return false;
    if (track.kind === 'readiness') {
      if (track.ok === ok) return false;
      track.ok = ok;
      return true;
    }
    if (ok) {
      if (track.kind !== 'startup' || this.started) return false;
      track.ok = true;
      this.started = true;
      return true;
    }
    track.ok = false;
    this.failed = true;
    this.failureMessage = `${track.kind === 'startup' ? 'Startup' : 'Liveness'} probe failed: ${message}`;
    return true;
  }
}
