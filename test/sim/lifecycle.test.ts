import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./fixtures/close-child.ts', import.meta.url));

t.test('after close() nothing keeps the process alive: held and delayed responses, keep-alive sockets', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  clearTimeout(killer);
  t.equal(signal, null, 'not killed');
  t.equal(code, 0, 'exited by itself');
  t.match(out, /^closed \["\w+","\w+"\]/, 'the pending calls failed instead of hanging');
});
