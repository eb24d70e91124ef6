/**
 * CloudWatch alarm transitions: which changes of state a new DescribeAlarms answer shows against
 * the stored one, which of them alert, and the episodes (fired, lasted) the overview lists. Pure:
 * the caller reads the stored states and writes what this decides.
 */
import type { AlarmState } from '../domain/records.js';

/** One change of an alarm's state value between the stored answer and the new one. */
export interface AlarmTransition {
  /**
   * `alarm:<ARN>:<transition time>`: one key per transition, so the same change seen again (a run
   * repeated after a crash) has the same key and its marker is claimed once.
   */
  key: string;
  /** `fired`: entered ALARM; `recovered`: ALARM -> OK; `changed`: anything else (history only). */
  kind: 'fired' | 'recovered' | 'changed';
  /** The alarm as it is now. */
  alarm: AlarmState;
  /** The stored state before; undefined when the alarm is new. */
  from: AlarmState['state'] | undefined;
  /** True when the region had no stored answer yet: recorded as history, never mailed (no spam on connect). */
  baseline: boolean;
  /** When the state value changed (ISO-8601). */
  at: string;
}

/** When an alarm's state value last changed: StateTransitionedTimestamp, else StateUpdatedTimestamp. */
export function transitionTime(alarm: AlarmState): string {
  return alarm.transitionedAt ?? alarm.updatedAt;
}

/** The marker and history key of an alarm's transition. */
export function alarmTransitionKey(alarm: AlarmState): string {
  return `alarm:${alarm.arn ?? `${alarm.region}/${alarm.name}`}:${transitionTime(alarm)}`;
}

function kindOf(from: AlarmState['state'] | undefined, to: AlarmState['state']): AlarmTransition['kind'] {
  if (to === 'ALARM') return 'fired';
  return from === 'ALARM' && to === 'OK' ? 'recovered' : 'changed';
}

/**
 * The transitions in `current` (alarms of the regions in `regions`, just read) against
 * `previous` (the stored alarms per region; a region absent from it was never read). An alarm
 * whose state is unchanged but whose transition time moved went away and came back between two
 * reads: in ALARM again, that is a new firing.
 */
export function alarmTransitions(previous: ReadonlyMap<string, readonly AlarmState[]>, current: readonly AlarmState[], regions: readonly string[]): AlarmTransition[] {
  const out: AlarmTransition[] = [];
  for (const region of regions) {
    const stored = previous.get(region);
    const before = new Map((stored ?? []).map((a) => [a.arn ?? a.name, a]));
    for (const alarm of current) {
      if (alarm.region !== region) continue;
      const at = transitionTime(alarm);
      const key = alarmTransitionKey(alarm);
      if (!stored) {
        // First read of the region: what is in ALARM now starts the history; nothing is mailed.
        if (alarm.state === 'ALARM') out.push({ key, kind: 'fired', alarm, from: undefined, baseline: true, at });
        continue;
      }
      const was = before.get(alarm.arn ?? alarm.name);
      if (!was) {
        if (alarm.state === 'ALARM') out.push({ key, kind: 'fired', alarm, from: undefined, baseline: false, at });
        continue;
      }
      const moved = was.state !== alarm.state || (alarm.state === 'ALARM' && transitionTime(was) !== at && was.transitionedAt !== undefined);
      if (moved) out.push({ key, kind: kindOf(was.state, alarm.state), alarm, from: was.state, baseline: false, at });
    }
  }
  return out;
}

/** Who wants which alarm emails. */
export interface AlarmAlertPreferences {
  /** An alarm entering ALARM. */
  alarms: boolean;
  /** An alarm returning to OK. */
  alarmRecovered: boolean;
}

/** The transitions that warrant an email for someone with `preferences`, leaving out keys in `sent`. */
export function decideAlarmAlerts(transitions: readonly AlarmTransition[], preferences: AlarmAlertPreferences, sent: ReadonlySet<string>): AlarmTransition[] {
  return transitions.filter(
    (t) => !t.baseline && !sent.has(t.key) && ((t.kind === 'fired' && preferences.alarms) || (t.kind === 'recovered' && preferences.alarmRecovered)),
  );
}

/** A stored transition, as the history keeps it. */
export interface AlarmTransitionView {
  accountId: string;
  region: string;
  name: string;
  from?: AlarmState['state'];
  to: AlarmState['state'];
  at: string;
  metricName?: string;
  namespace?: string;
}

/** One firing of an alarm: when it entered ALARM and when it left (absent: still in ALARM). */
export interface AlarmEpisode {
  accountId: string;
  region: string;
  name: string;
  metricName?: string;
  namespace?: string;
  firedAt: string;
  endedAt?: string;
  /** The state it left ALARM for. */
  endedIn?: AlarmState['state'];
  /** How long it lasted, up to `now` when it has not ended. */
  durationMs: number;
}

/** The episodes in a tenant's transitions (oldest first in), newest first out, at most `limit`. */
export function alarmEpisodes(transitions: readonly AlarmTransitionView[], now: number, limit = 50): AlarmEpisode[] {
  const byAlarm = new Map<string, AlarmTransitionView[]>();
  for (const t of transitions) {
    const id = JSON.stringify([t.accountId, t.region, t.name]);
    const list = byAlarm.get(id) ?? [];
    list.push(t);
    byAlarm.set(id, list);
  }
  const episodes: AlarmEpisode[] = [];
  for (const list of byAlarm.values()) {
    list.sort((a, b) => a.at.localeCompare(b.at));
    let open: AlarmEpisode | undefined;
    for (const t of list) {
      if (t.to === 'ALARM') {
        if (open) continue;
        open = {
          accountId: t.accountId,
          region: t.region,
          name: t.name,
          firedAt: t.at,
          durationMs: 0,
          ...(t.metricName ? { metricName: t.metricName } : {}),
          ...(t.namespace ? { namespace: t.namespace } : {}),
        };
        episodes.push(open);
      } else if (open) {
        open.endedAt = t.at;
        open.endedIn = t.to;
        open.durationMs = Math.max(0, Date.parse(t.at) - Date.parse(open.firedAt));
        open = undefined;
      }
    }
    if (open) open.durationMs = Math.max(0, now - Date.parse(open.firedAt));
  }
  return episodes.sort((a, b) => b.firedAt.localeCompare(a.firedAt)).slice(0, limit);
}
