// The timeline of one set, as bls/core/timeline.py computes it: position(t), the edge events
// (one tone per pass, on the side it arrives at) and the rest time, from the segments bls sends.
//
// Rules: the same model, line for line, as the Python (a conformance test compares the two on
// thousands of random timelines); time is always an argument (seconds on bls's timeline clock);
// nothing here reads a clock, touches the page or keeps state beyond the frozen input.

export const MAX_SPEED_HZ = 2.0;
export const MIN_SPEED_HZ = 0.05;
const CENTRE = Object.freeze([0.0, 0.0]);
const ROUNDING_S = 1e-6;

export function clampSpeed(speedHz, maxSpeedHz = MAX_SPEED_HZ) {
  return Math.min(Math.max(speedHz, MIN_SPEED_HZ), maxSpeedHz, MAX_SPEED_HZ);
}

export function sideOfPass(passIndex) {
  // Even passes sweep from the left end to the right end.
  return passIndex % 2 === 0 ? "right" : "left";
}

export function sweepPoint(path, passIndex, progress) {
  const forward = passIndex % 2 === 0;
  if (path === "circle" || path === "figure-eight") {
    const angle = forward ? Math.PI * (1.0 - progress) : -Math.PI * progress;
    const x = Math.cos(angle);
    const y = path === "circle" ? Math.sin(angle) : 0.5 * Math.sin(2.0 * angle);
    return [x, y];
  }
  const s = forward ? -1.0 + 2.0 * progress : 1.0 - 2.0 * progress;
  switch (path) {
    case "horizontal": return [s, 0.0];
    case "vertical": return [0.0, s];
    case "diagonal-up": return [s, s];
    case "diagonal-down": return [s, -s];
    default: throw new Error(`unknown path ${path}`);
  }
}

function ease(progress, easing) {
  return easing === "linear" ? progress : 0.5 - 0.5 * Math.cos(Math.PI * progress);
}

function smooth(progress) {
  return 0.5 - 0.5 * Math.cos(Math.PI * progress);
}

export class SetTimeline {
  // `data` is one entry of the "timelines" message (bls/link/protocol.py timeline_dict).
  // Speeds are capped again here: the page never moves faster than `capHz` or 2 Hz.
  constructor(data, capHz = MAX_SPEED_HZ) {
    this.startS = data.start_s;
    this.path = data.path;
    this.easing = data.easing;
    this.dwellS = data.dwell_s;
    this.passes = data.passes;
    this.seconds = data.seconds;
    this.maxSpeedHz = Math.min(data.max_speed_hz, capHz);
    this.segments = data.segments.map(([startS, phase, speedHz]) => ({
      startS, phase, speedHz: clampSpeed(speedHz, this.maxSpeedHz),
    }));
    const stop = data.stop;
    this.stop = stop == null ? null : {
      startS: stop.start_s, origin: stop.origin, velocity: stop.velocity,
      durationS: stop.duration_s,
    };
    this._totalPasses = null;
    this._restS = null;
    Object.freeze(this.segments);
  }

  passTimeS(speedHz) {
    return 0.5 / speedHz + this.dwellS;
  }

  sweepShare(speedHz) {
    return (0.5 / speedHz) / this.passTimeS(speedHz);
  }

  segmentAt(t) {
    let current = this.segments[0];
    for (let i = 1; i < this.segments.length; i++) {
      if (this.segments[i].startS > t) break;
      current = this.segments[i];
    }
    return current;
  }

  phase(t) {
    if (t <= this.startS) return -1.0;
    const segment = this.segmentAt(t);
    return segment.phase + (t - segment.startS) / this.passTimeS(segment.speedHz);
  }

  speedAt(t) {
    return this.segmentAt(t).speedHz;
  }

  totalPasses() {
    if (this._totalPasses === null) {
      if (this.passes != null) {
        this._totalPasses = this.passes;
      } else {
        const p = this.phase(this.startS + this.seconds);
        this._totalPasses = Math.max(1, Math.ceil(p - 1e-9));
      }
    }
    return this._totalPasses;
  }

  restS() {
    if (this._restS === null) this._restS = this.computeRestS();
    return this._restS;
  }

  computeRestS() {
    if (this.stop !== null) return this.stop.startS + this.stop.durationS;
    const n = this.totalPasses();
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i];
      const segmentEnd = i + 1 < this.segments.length ? this.segments[i + 1].startS : Infinity;
      const glideEnd = n + this.sweepShare(segment.speedHz);
      const t = segment.startS + (glideEnd - segment.phase) * this.passTimeS(segment.speedHz);
      if (t < segmentEnd) return Math.max(t, segment.startS);
    }
    throw new Error("unreachable: the last segment never ends");
  }

  isRunning(t) {
    if (t < this.startS || (this.stop !== null && t >= this.stop.startS)) return false;
    return this.phase(t) < this.totalPasses();
  }

  position(t) {
    if (this.stop !== null && t >= this.stop.startS) return this.stopGlide(t, this.stop);
    const p = this.phase(t);
    if (p <= -1.0) return CENTRE;
    const n = this.totalPasses();
    const k = Math.floor(p);
    const share = this.sweepShare(this.speedAt(t));
    const progress = Math.min((p - k) / share, 1.0);
    if (k < 0) {
      const start = sweepPoint(this.path, 0, 0.0);
      const e = smooth(progress);
      return [start[0] * e, start[1] * e];
    }
    if (k >= n) {
      if (k > n) return CENTRE;
      const end = sweepPoint(this.path, n - 1, 1.0);
      const e = 1.0 - smooth(progress);
      return [end[0] * e, end[1] * e];
    }
    return sweepPoint(this.path, k, ease(progress, this.easing));
  }

  stopGlide(t, stop) {
    if (stop.durationS <= 0.0 || t >= stop.startS + stop.durationS) return CENTRE;
    const u = (t - stop.startS) / stop.durationS;
    const hOrigin = 2 * u ** 3 - 3 * u ** 2 + 1;
    const hVelocity = (u ** 3 - 2 * u ** 2 + u) * stop.durationS;
    return [0, 1].map((i) => Math.max(-1.0, Math.min(1.0,
      stop.origin[i] * hOrigin + stop.velocity[i] * hVelocity)));
  }

  // The tones of this set with tFrom <= time < tTo, in order: {timeS, side, passIndex}.
  events(tFrom, tTo) {
    const n = this.totalPasses();
    if (this.stop !== null) tTo = Math.min(tTo, this.stop.startS);
    const found = [];
    // Each pass's tone belongs to the one segment whose phase range holds its arrival.
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i];
      if (segment.startS >= tTo) break;
      const following = i + 1 < this.segments.length ? this.segments[i + 1] : null;
      if (following !== null && following.startS + ROUNDING_S < tFrom) continue;
      const share = this.sweepShare(segment.speedHz);
      const passS = this.passTimeS(segment.speedHz);
      let k = Math.max(0, Math.ceil(segment.phase - share));
      if (tFrom > segment.startS) {
        k = Math.max(k, Math.floor(segment.phase + (tFrom - segment.startS) / passS - share));
      }
      while (k < n) {
        if (following !== null && k + this.sweepShare(following.speedHz) >= following.phase) break;
        const timeS = segment.startS + (k + share - segment.phase) * passS;
        if (timeS >= tTo) break;
        if (timeS >= tFrom) found.push({ timeS, side: sideOfPass(k), passIndex: k });
        k += 1;
      }
    }
    return found;
  }
}

// The timeline that owns the target at t among those sent (oldest first), as Session does.
export function activeTimeline(timelines, t) {
  for (let i = timelines.length - 1; i >= 0; i--) {
    if (timelines[i].startS <= t) return timelines[i];
  }
  return null;
}

export function positionAt(timelines, t) {
  const timeline = activeTimeline(timelines, t);
  return timeline === null ? CENTRE : timeline.position(t);
}

// Trail copies, as bls/core/session.py trail_points: read at absolute times, never remembered.
export const TRAIL_SPACING_S = 1 / 120;
export const MAX_TRAIL_COPIES = 60;

export function trailPoints(position, pictureT, trailS) {
  if (trailS <= 0.0) return [];
  const count = Math.min(MAX_TRAIL_COPIES, Math.max(1, Math.round(trailS / TRAIL_SPACING_S)));
  const step = trailS / count;
  const here = position(pictureT);
  const points = [];
  for (let index = count; index > 0; index--) {
    const point = position(pictureT - index * step);
    if (point[0] !== here[0] || point[1] !== here[1]) points.push(point);
  }
  return points;
}
