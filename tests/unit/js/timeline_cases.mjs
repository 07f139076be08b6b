// Reads conformance cases (JSON on stdin), answers with what the page's timeline.js computes.
import { SetTimeline } from "../../../bls/link/static/timeline.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cases = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const answers = cases.map(({ timeline, times, windows }) => {
  const set = new SetTimeline(timeline);
  return {
    positions: times.map((t) => set.position(t)),
    events: windows.map(([lo, hi]) => set.events(lo, hi).map((e) => [e.timeS, e.side, e.passIndex])),
    rest_s: set.restS(),
    total_passes: set.totalPasses(),
    running: times.map((t) => set.isRunning(t)),
  };
});
process.stdout.write(JSON.stringify(answers));
