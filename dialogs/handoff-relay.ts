import type { TurnContext } from 'botbuilder';
import { durationText } from '../src/content/natural.js';
import { AGENT_ANSWER_KEY } from '../src/handoff/handoff-desk.js';
import type { DialogDeps } from './dialog-deps.js';
import { saysWordOf } from './form/recognizers.js';
import { sayWhileWaiting } from './handoff-words.js';
import { TurnKit } from './turn-kit.js';

/** What became of the person's message: not handed off (the dialogs take it), passed to the person, or the person left. */
export type RelayResult = 'none' | 'relayed' | 'left';

/**
 * While the person waits for a person or chats with one, their messages go there, not to the dialogs: kept
 * for the agent (masked as the transcript keeps them), and while they wait, their place in the queue told
 * again. A word (退出排队, "leave the queue") leaves: the handoff ends and the assistant carries on. A handoff
 * that ended meanwhile (handed back, expired) lets the message through to the dialogs.
 */
export async function relayWhileHandedOff(context: TurnContext, deps: DialogDeps, mask: (text: string) => string): Promise<RelayResult> {
  const desk = deps.handoff;
  // The agent's own words, filling the form in for the person, are answers for the dialogs.
  if (!desk || context.turnState.get(AGENT_ANSWER_KEY) !== undefined) return 'none';
  const kit = await TurnKit.load(context, deps);
  const mirror = kit.state.handoff;
  if (!mirror) return 'none';
  const handoff = await desk.current(context.activity);
  if (!handoff || handoff.id !== mirror.id) {
    delete kit.state.handoff;
    return 'none';
  }
  const text = context.activity.text ?? '';
  if (isLeaveWord(kit, text)) {
    await desk.leave(context, handoff);
    delete kit.state.handoff;
    await kit.say(kit.t('handoff.left'), { handoff: { status: 'left' } });
    return 'left';
  }
  const served = await desk.served(handoff);
  if (served !== true) {
    // Nobody there any more (every agent left while the person waited, or the one holding it did): the hotline, and the assistant carries on.
    await desk.release(context, handoff, served);
    delete kit.state.handoff;
    const why = served === 'agent_gone' ? kit.t('handoff.agentGone') : kit.t('handoff.unavailable.no_agent');
    await kit.say([why, kit.t('messages.human')].join('\n\n'), { handoff: { status: 'ended', why: served, hotline: kit.profile.hotline.value } });
    return 'left';
  }
  await desk.personSays(context, handoff, text.trim() ? mask(text) : '');
  if (handoff.state === 'waiting') {
    const position = (await desk.queue.position(handoff.id)) ?? 1;
    const wait = await desk.expectedWaitSeconds(position);
    await sayWhileWaiting(kit, kit.t('handoff.stillWaiting', { position, wait: durationText(kit.deps.texts, kit.locale, wait), leave: kit.t('handoff.leave.label') }), {
      handoff: { status: 'queued', position, expectedWaitSeconds: wait },
    });
  }
  return 'relayed';
}

function isLeaveWord(kit: TurnKit, text: string): boolean {
  return saysWordOf(kit.deps.texts, text, ['handoff.leave.words'], ['handoff.leave.label']);
}
