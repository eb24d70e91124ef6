/**
 * The garbage collector's work inside the measured window of a `steady-state.js` run made with
 * `node --trace-gc-nvp`: its scavenges and mark-compacts, and the bytes promoted and surviving
 * and the pause time a fake AWS call (from the window's @@RESULT line). Promotion is what costs
 * the scavenger (it copies survivors) and later the marker.
 *
 *   node .bench-build/bench/gc-window.js out.log
 */
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) throw new Error('usage: node .bench-build/bench/gc-window.js <output of steady-state.js run with --trace-gc-nvp>');
let inWindow = false;
let result: { calls: number } | undefined;
const sum = { scavenges: 0, markCompacts: 0, promoted: 0, survived: 0, scavengePauseMs: 0, markCompactPauseMs: 0 };
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (line.startsWith('@@WINDOW_START')) inWindow = true;
  else if (line.startsWith('@@WINDOW_END')) inWindow = false;
  else if (line.startsWith('@@RESULT ')) result = JSON.parse(line.slice('@@RESULT '.length)) as { calls: number };
  else if (inWindow && line.includes(' gc=')) {
    const fields = new Map(line.split(' ').filter((part) => part.includes('=')).map((part) => part.split('=') as [string, string]));
    sum.promoted += Number(fields.get('promoted') ?? 0);
    sum.survived += Number(fields.get('new_space_survived') ?? 0);
    if (fields.get('gc') === 's') {
      sum.scavenges++;
      sum.scavengePauseMs += Number(fields.get('pause') ?? 0);
    } else {
      sum.markCompacts++;
      sum.markCompactPauseMs += Number(fields.get('pause') ?? 0);
    }
  }
}
if (!result) throw new Error(`${file}: no @@RESULT line`);
const n = result.calls;
console.log(
  JSON.stringify({
    ...result,
    scavenges: sum.scavenges,
    markCompacts: sum.markCompacts,
    promotedBytesPerCall: Math.round(sum.promoted / n),
    survivedBytesPerCall: Math.round(sum.survived / n),
    scavengePauseUsPerCall: Number(((sum.scavengePauseMs * 1000) / n).toFixed(1)),
    markCompactPauseUsPerCall: Number(((sum.markCompactPauseMs * 1000) / n).toFixed(1)),
  }),
);
