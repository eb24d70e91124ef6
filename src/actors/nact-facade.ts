/**
 * A typed facade over nact 7.6.2, the only file that imports it. nact's typings are wrong in
 * several places (DESIGN.md "nact pitfalls"), and several of its supervision decisions can hang
 * an actor or crash the process, so this facade offers one safe shape:
 *
 * - an actor's state is built by `init()` inside its first message, so a throwing init is an
 *   ordinary crash, never nact's unbounded `reset` loop;
 * - on a crash the actor always stops (nact's `stop` decision) after `onCrash` has told its
 *   supervisor; `onCrash` and `onStop` are guarded, since a throw there kills the process;
 * - every actor is named; dispatching to a stopped actor is a silent no-op.
 *
 * Restarts, backoff and intensity are the supervisors' business (see restart-policy.ts).
 */
import nact from 'nact';

/** A reference to an actor that accepts messages of type `M`. Opaque. */
export interface ActorRef<M> {
  readonly name: string;
  /** Phantom field: keeps refs of different message types apart. */
  readonly __message?: (message: M) => void;
}

/** Something actors can be spawned under: the system or another actor. */
export type ParentRef = ActorRef<never> | SystemRef;

export interface SystemRef {
  readonly name: string;
  readonly __system: true;
}

/** How an actor behaves. */
export interface Behaviour<S, M> {
  /** The initial state; runs inside the actor, so a throw is a crash reported to `onCrash`. */
  init(self: ActorRef<M>): S;
  /** Handle one message; the actor handles one at a time, awaiting a returned promise. */
  receive(state: S, message: M, self: ActorRef<M>): S | Promise<S>;
  /** The actor crashed and is stopping; tell whoever supervises it. Must be quick. */
  onCrash(error: unknown, message: M | undefined): void;
  /** The actor stopped, for whatever reason: release timers and abort in-flight work. */
  onStop?(state: S | undefined): void;
}

/** Reports a throw from `onCrash`/`onStop`, which must never reach nact. */
export type FacadeFaultHandler = (where: 'onCrash' | 'onStop', actor: string, error: unknown) => void;

// nact's real runtime shape, typed here because its ambient typings are unsound.
type NactRef = object;
interface NactContext {
  self: NactRef;
  stop: symbol;
}
interface NactApi {
  start(options: { name: string }): NactRef;
  spawn(
    parent: NactRef,
    f: (state: unknown, message: unknown, ctx: NactContext) => unknown,
    name: string,
    properties: {
      initialState?: unknown;
      onCrash: (message: unknown, error: unknown, ctx: NactContext) => symbol;
      afterStop: (state: unknown) => void;
    },
  ): NactRef;
  dispatch(ref: NactRef, message: unknown): void;
  stop(ref: NactRef): void;
}
const api = nact as unknown as NactApi;

const INIT = Symbol('init');
type Envelope<M> = typeof INIT | { message: M };
interface Slot<S> {
  ready: boolean;
  state: S | undefined;
}

const toNact = <M>(ref: ActorRef<M> | ParentRef): NactRef => ref as unknown as NactRef;

/** Start an actor system. `name` must be unique in the process. */
export function startSystem(name: string): SystemRef {
  return api.start({ name }) as unknown as SystemRef;
}

/** Stop the whole system and every actor in it (each actor's `onStop` runs). */
export function stopSystem(system: SystemRef): void {
  api.stop(toNact(system));
}

/** Actor names allow only `[a-z0-9-$_.+!*'(),]`; encode anything else reversibly. */
export function actorName(prefix: string, id: string): string {
  const safe = id.replace(/[^a-zA-Z0-9\-_.]/g, (ch) => `$${ch.codePointAt(0)!.toString(16)}$`);
  return `${prefix}${safe}`;
}

/** Spawn a named child of `parent`. Throws if the name is taken (nact's rule). */
export function spawnActor<S, M>(
  parent: ParentRef,
  name: string,
  behaviour: Behaviour<S, M>,
  onFault: FacadeFaultHandler,
): ActorRef<M> {
  let self: ActorRef<M> | undefined;
  const slot: Slot<S> = { ready: false, state: undefined };
  const ref = api.spawn(
    toNact(parent),
    async (_state: unknown, envelope: unknown) => {
      const ownRef = self!;
      if (envelope === INIT) {
        slot.state = behaviour.init(ownRef);
        slot.ready = true;
        return undefined;
      }
      if (!slot.ready) return undefined; // cannot happen: INIT is the first message
      slot.state = await behaviour.receive(slot.state as S, (envelope as { message: M }).message, ownRef);
      return undefined;
    },
    name,
    {
      onCrash: (envelope, error, ctx) => {
        try {
          behaviour.onCrash(error, envelope === INIT ? undefined : (envelope as { message: M }).message);
        } catch (fault) {
          onFault('onCrash', name, fault);
        }
        return ctx.stop;
      },
      afterStop: () => {
        try {
          behaviour.onStop?.(slot.ready ? slot.state : undefined);
        } catch (fault) {
          onFault('onStop', name, fault);
        }
      },
    },
  );
  self = ref as unknown as ActorRef<M>;
  api.dispatch(ref, INIT satisfies Envelope<M>);
  return self;
}

/** Send `message` to `ref`; a no-op when the actor has stopped. */
export function dispatch<M>(ref: ActorRef<M>, message: M): void {
  api.dispatch(toNact(ref), { message } satisfies Envelope<M>);
}

/** Stop an actor and its children; their `onStop` hooks run on the next turn of the event loop. */
export function stopActor<M>(ref: ActorRef<M>): void {
  api.stop(toNact(ref));
}
