// The client page: draws the target and plays the tones of the sets bls sends, on this device.
//
// Rules: bls sends timelines, never frames. The page estimates bls's clock from round trips
// (the fastest exchanges win), computes position(t) for each frame's display time and hands each
// tone to Web Audio at its exact AudioContext time, so network jitter moves nothing once a tone
// is scheduled. The volume ceiling and the speed cap are enforced here again, whatever arrives.

import { MAX_SPEED_HZ, SetTimeline, positionAt, trailPoints } from "./timeline.js";

const HARD_CEILING = 0.5; // peak, about -6 dBFS: bls's VOLUME_CEILING
const SOUND_RATE = 48000; // the rate of the waveforms bls serves
const SCHEDULE_AHEAD_S = 0.3; // tones go to Web Audio this long before they sound
const SCHEDULE_EVERY_MS = 50;
const SYNC_BURST = 10; // pings on (re)connect, to get a good clock estimate at once
const SYNC_EVERY_MS = 1000;
const SYNC_WINDOW_S = 60; // estimates older than this are forgotten (clocks drift)
const SYNC_FASTEST = 3; // the offset is the median of the fastest exchanges' offsets
const CUT_S = 0.005; // a tone cancelled while it sounds fades out over this (no click)
const FOLLOW_STEP = 64; // samples between pan knots (as bls's synth)
const TRAIL_PEAK_ALPHA = 0.55;
const MIN_RADIUS_PX = 2.0;
const BUSY_CLOSE_CODE = 4409;
// Once settled, the clock estimates may move only this fast, so a tone never moves against the
// one before it by more than half a millisecond (clocks drift far slower than this).
const SLEW_S_PER_S = 0.0005;
const SNAP_S = 0.02; // a larger change (a device restart, a new network path) is taken at once
const SETTLING_PINGS = 10; // the first exchanges of a connection set the offset outright

// A clock estimate that follows its measurements slowly once settled.
class Slewed {
  constructor() {
    this.value = null;
    this.lastS = null;
  }

  update(estimate, nowS, settled) {
    if (this.value === null || !settled || Math.abs(estimate - this.value) > SNAP_S) {
      this.value = estimate;
    } else {
      const step = SLEW_S_PER_S * Math.max(0, nowS - this.lastS);
      this.value += Math.max(-step, Math.min(step, estimate - this.value));
    }
    this.lastS = nowS;
    return this.value;
  }
}

const canvas = document.getElementById("view");
const draw = canvas.getContext("2d", { alpha: false });
const intro = document.getElementById("intro");
const statusLine = document.getElementById("status");
const startButton = document.getElementById("start");
const label = document.getElementById("label");

const state = {
  socket: null,
  connected: false,
  busy: false,
  unlocked: false,
  timelines: [],
  scene: { shape: "circle", size: 0.12, color: "#ffd84a", background: "#000000",
    trail_s: 0, amplitude: 0.85 },
  audio: null,
  lrSteps: [],
  lrSound: null,
  syncSamples: [], // {atS, rttS, offsetS}
  offsetS: null, // bls time = performance.now() / 1000 + offsetS (slewed)
  offsetEstimateS: null, // from the fastest round trips
  pongsThisConnection: 0,
  nextPingId: 1,
  framePeriodsMs: [],
  lastFrameMs: null,
};

// -- clock ------------------------------------------------------------------------------------

function perfS() {
  return performance.now() / 1000;
}

function blsNow() {
  return perfS() + state.offsetS;
}

const offsetClock = new Slewed();

function updateOffset() {
  if (state.offsetEstimateS === null) return;
  const settled = state.pongsThisConnection > SETTLING_PINGS;
  state.offsetS = offsetClock.update(state.offsetEstimateS, perfS(), settled);
}

function sendPing() {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) {
    const id = state.nextPingId++ % 2 ** 30;
    state.socket.send(JSON.stringify({ type: "ping", id, page_s: perfS() }));
  }
}

function onPong(message) {
  const receivedS = perfS();
  const sentS = message.page_s;
  const rttS = receivedS - sentS;
  if (!(rttS >= 0) || rttS > 10) return;
  // NTP: bls answered at about the middle of the round trip.
  state.syncSamples.push({ atS: receivedS, rttS, offsetS: message.server_s - (sentS + receivedS) / 2 });
  state.syncSamples = state.syncSamples.filter((s) => receivedS - s.atS <= SYNC_WINDOW_S);
  const fastest = [...state.syncSamples].sort((a, b) => a.rttS - b.rttS).slice(0, SYNC_FASTEST);
  const offsets = fastest.map((s) => s.offsetS).sort((a, b) => a - b);
  state.offsetEstimateS = offsets[Math.floor(offsets.length / 2)];
  state.pongsThisConnection += 1;
  updateOffset();
  document.documentElement.dataset.rttMs = (fastest[0].rttS * 1000).toFixed(2);
}

// -- connection -------------------------------------------------------------------------------

function connect() {
  const url = new URL("ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(url);
  state.socket = socket;
  socket.onopen = () => {
    state.connected = true;
    state.pongsThisConnection = 0;
    showStatus();
    for (let i = 0; i < SYNC_BURST; i++) setTimeout(sendPing, i * 30);
    if (state.unlocked) socket.send(JSON.stringify({ type: "state", unlocked: true }));
  };
  socket.onmessage = (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === "pong") onPong(message);
    else if (message.type === "timelines") onTimelines(message);
    else if (message.type === "lr_check") onLrCheck(message);
    else if (message.type === "busy") state.busy = true;
  };
  socket.onclose = (event) => {
    state.connected = false;
    state.socket = null;
    if (event.code === BUSY_CLOSE_CODE || state.busy) {
      state.busy = true;
      showStatus();
      return;
    }
    showStatus();
    // The set goes on from the timelines already here; reconnect to hear of changes.
    setTimeout(connect, 500);
  };
}

function showStatus() {
  document.documentElement.dataset.connected = String(state.connected);
  if (state.busy) {
    statusLine.textContent = "This link is already open on another device.";
    startButton.disabled = true;
  } else if (!state.connected && !state.unlocked) {
    statusLine.textContent = "Connecting…";
  } else if (!state.unlocked) {
    statusLine.textContent = "Connected.";
    startButton.disabled = false;
  }
}

// -- timelines --------------------------------------------------------------------------------

function onTimelines(message) {
  const capHz = Math.min(Number(message.max_speed_hz) || MAX_SPEED_HZ, MAX_SPEED_HZ);
  state.timelines = message.timelines.map((data) => new SetTimeline(data, capHz));
  state.scene = message.scene;
  state.audio = message.audio;
  document.body.style.background = state.scene.background;
  if (state.unlocked) loadSound(state.audio.sound);
  reconcileTones();
}

// -- sound ------------------------------------------------------------------------------------

const sound = {
  context: null,
  output: null, // every voice goes here: a hard clip at the ceiling, then the speakers
  buffers: new Map(), // name -> AudioBuffer (or a Promise while loading)
  scheduled: new Map(), // key -> {timeS, source, gains, startCtx}
  beeps: new Map(), // left/right check: beep time -> the same
};

function makeContext() {
  let context;
  try {
    context = new AudioContext({ latencyHint: "interactive", sampleRate: SOUND_RATE });
  } catch {
    context = new AudioContext({ latencyHint: "interactive" });
  }
  // Nothing leaves louder than the ceiling, whatever is summed or sent.
  const clip = context.createWaveShaper();
  const points = 4097;
  const curve = new Float32Array(points);
  for (let i = 0; i < points; i++) {
    const x = (2 * i) / (points - 1) - 1;
    curve[i] = Math.max(-HARD_CEILING, Math.min(HARD_CEILING, x));
  }
  clip.curve = curve;
  clip.connect(context.destination);
  sound.context = context;
  sound.output = clip;
}

function loadSound(name) {
  if (!name || sound.buffers.has(name) || !sound.context) return;
  const loading = fetch(`sound/${encodeURIComponent(name)}.f32`, { cache: "no-store" })
    .then((response) => {
      if (!response.ok) throw new Error(`sound ${name}: ${response.status}`);
      return response.arrayBuffer();
    })
    .then((bytes) => {
      const wave = new Float32Array(bytes);
      const buffer = sound.context.createBuffer(1, wave.length, SOUND_RATE);
      buffer.copyToChannel(wave, 0);
      sound.buffers.set(name, buffer);
      reconcileTones();
      scheduleTones();
    })
    .catch(() => sound.buffers.delete(name));
  sound.buffers.set(name, loading);
}

function readyBuffer(name) {
  const buffer = sound.buffers.get(name);
  return buffer instanceof AudioBuffer ? buffer : null;
}

// Web Audio's output timestamps (which context time is heard at which performance time) jitter
// by several milliseconds from one reading to the next; their mean over a few seconds is steady.
const AUDIO_CLOCK_WINDOW_S = 5;
const AUDIO_CLOCK_MIN_READINGS = 20;
const AUDIO_CLOCK_SETTLED_READINGS = 60; // about a second of frames
// When the audio output skips (an underrun under load), the mapping steps at once: the median of
// the last second moving this far from the estimate is a step, taken at once.
const AUDIO_STEP_WINDOW_S = 1.0;
const AUDIO_STEP_S = 0.008;
const audioClock = { readings: [], sum: 0, slewed: new Slewed(), seen: 0 };

function readAudioClock() {
  const context = sound.context;
  if (!context || !context.getOutputTimestamp) return;
  const stamp = context.getOutputTimestamp();
  if (!(stamp.performanceTime > 0) || !(stamp.contextTime > 0)) return;
  const atS = stamp.performanceTime / 1000;
  const difference = stamp.contextTime - atS;
  audioClock.readings.push([atS, difference]);
  audioClock.sum += difference;
  while (audioClock.readings.length && atS - audioClock.readings[0][0] > AUDIO_CLOCK_WINDOW_S) {
    audioClock.sum -= audioClock.readings.shift()[1];
  }
  audioClock.seen += 1;
  const settled = audioClock.seen > AUDIO_CLOCK_SETTLED_READINGS;
  const recent = audioClock.readings.filter(([at]) => atS - at <= AUDIO_STEP_WINDOW_S);
  const recentMedian = median(recent.map(([, d]) => d));
  if (settled && Math.abs(recentMedian - audioClock.slewed.value) > AUDIO_STEP_S) {
    // A step: forget the readings from before it, and follow it now.
    audioClock.readings = recent;
    audioClock.sum = recent.reduce((total, [, d]) => total + d, 0);
    audioClock.slewed.update(audioClock.sum / recent.length, atS, false);
  } else {
    audioClock.slewed.update(audioClock.sum / audioClock.readings.length, atS, settled);
  }
  updateOffset();
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// The AudioContext time at which something is heard at bls time `timeS` (null: not known yet).
function contextTimeOf(timeS) {
  const context = sound.context;
  const perfTargetS = timeS - state.offsetS;
  if (context.getOutputTimestamp) {
    if (audioClock.readings.length < AUDIO_CLOCK_MIN_READINGS) return null;
    return perfTargetS + audioClock.slewed.value;
  }
  const latencyS = (context.outputLatency || 0) + (context.baseLatency || 0);
  return context.currentTime + (perfTargetS - perfS()) - latencyS;
}

function fadeInGain(passIndex, passes) {
  if (passIndex >= passes - 1) return 1.0;
  return Math.sin((0.5 * Math.PI * (passIndex + 1)) / passes) ** 2;
}

function hardGains(side, crossfeed) {
  const norm = 1 / Math.hypot(1 - crossfeed, crossfeed);
  const near = (1 - crossfeed) * norm;
  const far = crossfeed * norm;
  return side === "left" ? [near, far] : [far, near];
}

function followCurves(startS, length, crossfeed) {
  // Equal-power gains following the target's x over the tone, knots every FOLLOW_STEP samples.
  const knots = Math.ceil(length / FOLLOW_STEP) + 1;
  const left = new Float32Array(knots);
  const right = new Float32Array(knots);
  for (let i = 0; i < knots; i++) {
    const t = startS + (i * FOLLOW_STEP) / SOUND_RATE;
    const x = Math.max(-1, Math.min(1, positionAt(state.timelines, t)[0]));
    const angle = ((x + 1) * Math.PI) / 4;
    const l = Math.cos(angle);
    const r = Math.sin(angle);
    left[i] = (1 - crossfeed) * l + crossfeed * r;
    right[i] = (1 - crossfeed) * r + crossfeed * l;
  }
  return [left, right];
}

function playAt(buffer, timeS, level, side, follow, crossfeed) {
  const context = sound.context;
  const startCtx = contextTimeOf(timeS);
  if (startCtx === null || startCtx < context.currentTime) return null; // never play late
  const source = context.createBufferSource();
  source.buffer = buffer;
  const merger = context.createChannelMerger(2);
  const gains = [context.createGain(), context.createGain()];
  const peak = Math.min(Math.max(level, 0), HARD_CEILING);
  if (follow) {
    const curves = followCurves(timeS, buffer.length, crossfeed);
    gains.forEach((gain, channel) => {
      gain.gain.value = 0;
      gain.gain.setValueCurveAtTime(curves[channel].map((v) => v * peak), startCtx,
        buffer.duration);
    });
  } else {
    const [left, right] = hardGains(side, crossfeed);
    gains[0].gain.value = peak * left;
    gains[1].gain.value = peak * right;
  }
  gains.forEach((gain, channel) => {
    source.connect(gain);
    gain.connect(merger, 0, channel);
  });
  merger.connect(sound.output);
  source.start(startCtx);
  source.onended = () => merger.disconnect();
  return { timeS, source, gains, startCtx };
}

function cancelTone(tone) {
  const context = sound.context;
  const now = context.currentTime;
  if (tone.startCtx > now + 0.002) {
    tone.source.stop(); // not started: it never sounds
    return;
  }
  for (const gain of tone.gains) {
    gain.gain.cancelScheduledValues(now);
    const from = gain.gain.value;
    const curve = new Float32Array(16).map((_, i) => from * (0.5 + 0.5 * Math.cos((Math.PI * i) / 15)));
    gain.gain.setValueCurveAtTime(curve, now, CUT_S);
  }
  tone.source.stop(now + CUT_S + 0.001);
}

function wantedTones(fromS, toS) {
  const wanted = new Map();
  for (const timeline of state.timelines) {
    for (const event of timeline.events(fromS, toS)) {
      wanted.set(`${timeline.startS}|${event.passIndex}`, event);
    }
  }
  return wanted;
}

// After a change (stop, speed): cancel tones that are no longer in the set, or moved.
function reconcileTones() {
  if (!sound.context || state.offsetS === null) return;
  const nowS = blsNow();
  const wanted = wantedTones(nowS - 1, nowS + SCHEDULE_AHEAD_S + 1);
  for (const [key, tone] of sound.scheduled) {
    const event = wanted.get(key);
    if (!event || Math.abs(event.timeS - tone.timeS) > 1e-6) {
      if (tone.timeS > nowS - 0.001) cancelTone(tone);
      sound.scheduled.delete(key);
    }
  }
  scheduleTones();
}

function scheduleTones() {
  readAudioClock();
  scheduleBeeps();
  if (!sound.context || state.offsetS === null || !state.audio) return;
  const buffer = readyBuffer(state.audio.sound);
  if (!buffer) return;
  const nowS = blsNow();
  const audio = state.audio;
  for (const [key, event] of wantedTones(nowS, nowS + SCHEDULE_AHEAD_S)) {
    if (sound.scheduled.has(key)) continue;
    const level = audio.peak * fadeInGain(event.passIndex, audio.fade_in_passes);
    const tone = playAt(buffer, event.timeS, level, event.side, audio.pan === "follow",
      audio.crossfeed);
    if (tone) sound.scheduled.set(key, tone);
  }
  for (const [key, tone] of sound.scheduled) {
    if (tone.timeS < nowS - 5) sound.scheduled.delete(key);
  }
}

// -- left/right check -------------------------------------------------------------------------

function onLrCheck(message) {
  state.lrSteps = message.steps;
  state.lrSound = message.sound;
  loadSound(message.sound);
  scheduleBeeps();
}

// The check's beeps go to Web Audio like tones: each once, shortly before it sounds.
function scheduleBeeps() {
  if (!sound.context || state.offsetS === null || !state.audio || !state.lrSound) return;
  const buffer = readyBuffer(state.lrSound);
  if (!buffer) return;
  const nowS = blsNow();
  for (const step of state.lrSteps) {
    for (const beepS of step.beeps) {
      if (beepS < nowS || beepS > nowS + SCHEDULE_AHEAD_S || sound.beeps.has(beepS)) continue;
      const beep = playAt(buffer, beepS, state.audio.peak, step.side, false, 0);
      if (beep) sound.beeps.set(beepS, beep);
    }
  }
}

function currentLabel(nowS) {
  let text = "";
  for (const step of state.lrSteps) {
    if (step.at_s <= nowS) text = step.label;
  }
  return text;
}

// -- picture ----------------------------------------------------------------------------------

function resize() {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(window.innerWidth * ratio);
  canvas.height = Math.round(window.innerHeight * ratio);
}

function toPixels(point, radiusPx) {
  // As bls's renderer: the reach leaves the whole target on screen, times the amplitude.
  const width = canvas.width;
  const height = canvas.height;
  const reachX = Math.max(0, width / 2 - radiusPx - 1) * state.scene.amplitude;
  const reachY = Math.max(0, height / 2 - radiusPx - 1) * state.scene.amplitude;
  return [width / 2 + point[0] * reachX, height / 2 - point[1] * reachY];
}

function drawShape(x, y, radiusPx, shape) {
  draw.beginPath();
  if (shape === "square") {
    const half = radiusPx * 0.886; // same area as the circle
    draw.rect(x - half, y - half, 2 * half, 2 * half);
  } else if (shape === "diamond") {
    const reach = radiusPx * 1.12;
    draw.moveTo(x, y - reach);
    draw.lineTo(x + reach, y);
    draw.lineTo(x, y + reach);
    draw.lineTo(x - reach, y);
    draw.closePath();
  } else if (shape === "ring") {
    draw.arc(x, y, radiusPx, 0, 2 * Math.PI);
    draw.moveTo(x + radiusPx * 0.62, y);
    draw.arc(x, y, radiusPx * 0.62, 0, 2 * Math.PI, true);
  } else {
    draw.arc(x, y, radiusPx, 0, 2 * Math.PI);
  }
  draw.fill("evenodd");
}

function framePeriodMs(nowMs) {
  if (state.lastFrameMs !== null) {
    const period = nowMs - state.lastFrameMs;
    if (period > 0 && period < 100) {
      state.framePeriodsMs.push(period);
      if (state.framePeriodsMs.length > 60) state.framePeriodsMs.shift();
    }
  }
  state.lastFrameMs = nowMs;
  const sorted = [...state.framePeriodsMs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 1000 / 60;
}

function frame(nowMs) {
  readAudioClock();
  updateOffset();
  // The frame drawn now is shown at the next display refresh: draw the target for that time.
  const shownMs = nowMs + framePeriodMs(nowMs);
  const scene = state.scene;
  draw.fillStyle = scene.background;
  draw.fillRect(0, 0, canvas.width, canvas.height);
  if (state.offsetS !== null) {
    const shownS = shownMs / 1000 + state.offsetS;
    const radiusPx = Math.max(MIN_RADIUS_PX, (scene.size * canvas.height) / 2);
    const at = (t) => positionAt(state.timelines, t);
    const here = at(shownS);
    const trail = trailPoints(at, shownS, scene.trail_s);
    draw.fillStyle = scene.color;
    trail.forEach((point, index) => {
      draw.globalAlpha = (TRAIL_PEAK_ALPHA * (index + 1)) / (trail.length + 1);
      const [x, y] = toPixels(point, radiusPx);
      drawShape(x, y, radiusPx, scene.shape);
    });
    draw.globalAlpha = 1;
    const [x, y] = toPixels(here, radiusPx);
    drawShape(x, y, radiusPx, scene.shape);
    const text = currentLabel(shownS);
    label.hidden = !text;
    label.textContent = text;
  }
  requestAnimationFrame(frame);
}

// -- start ------------------------------------------------------------------------------------

function unlock() {
  if (state.unlocked) return;
  makeContext();
  sound.context.resume();
  state.unlocked = true;
  intro.hidden = true;
  document.body.classList.add("started");
  document.documentElement.dataset.unlocked = "true";
  if (document.documentElement.requestFullscreen) {
    document.documentElement.requestFullscreen().catch(() => {});
  }
  if (navigator.wakeLock) navigator.wakeLock.request("screen").catch(() => {});
  if (state.audio) loadSound(state.audio.sound);
  loadSound("beep");
  if (state.socket && state.socket.readyState === WebSocket.OPEN) {
    state.socket.send(JSON.stringify({ type: "state", unlocked: true }));
  }
}

startButton.addEventListener("click", unlock);
window.addEventListener("resize", resize);
resize();
connect();
setInterval(sendPing, SYNC_EVERY_MS);
setInterval(scheduleTones, SCHEDULE_EVERY_MS);
requestAnimationFrame(frame);
