/**
 * Start bench/api-backends.ts (dynalite and the AWS simulator) in a process of its own and read
 * the endpoints it prints. The process stops on SIGTERM or when its stdin (this process) closes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./api-backends.js', import.meta.url));

/** The backends for `tenants` demo tenants, dynalite's data in `dynamoDir`. */
export async function startBackendsProcess(tenants: number, dynamoDir: string): Promise<{ child: ChildProcess; dynamodb: string; sim: string }> {
  const child = spawn(process.execPath, [script, JSON.stringify({ tenants, dir: dynamoDir })], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, ...(JSON.parse(line) as { dynamodb: string; sim: string }) };
}
