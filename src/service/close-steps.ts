/**
 * The stop of a composition root (start-service.ts, collection-thread.ts): named steps closed in
 * reverse order of start. Every step gets what is left of the stop's budget, and at least
 * STEP_FLOOR_MS, so one stuck step cannot keep the store from closing nor the process from exiting.
 */
import type { Logger } from '../log.js';

/** One thing to undo at stop. */
export interface CloseStep {
  name: string;
  close: () => Promise<void> | void;
}

/** What each step gets at least, even when an earlier one used up the budget. */
const STEP_FLOOR_MS = 500;

/** Close `steps` (emptied) in reverse order within `budgetMs`; failures and late steps are logged, and the rest still run. */
export async function closeSteps(steps: CloseStep[], budgetMs: number, log: Logger): Promise<void> {
  const budgetEnds = Date.now() + budgetMs;
  for (const step of steps.splice(0).reverse()) {
    const began = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), Math.max(STEP_FLOOR_MS, budgetEnds - began));
    });
    try {
      const outcome = await Promise.race([Promise.resolve(step.close()).then(() => 'done' as const), late]);
      if (outcome === 'late') log.warn({ step: step.name, waitedMs: Date.now() - began }, 'stopping: a step did not finish within the stop budget; going on');
    } catch (error) {
      log.error({ err: error, step: step.name }, 'stopping: a step failed');
    } finally {
      clearTimeout(timer);
    }
  }
}
