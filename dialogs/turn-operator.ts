import type { TurnContext } from 'botbuilder';

/**
 * Who types the person's answers in this turn, when it is not the person: a hotline agent following the
 * dialogs as a guided script while the caller is on the phone. The hotline channel (src/channels/hotline/)
 * puts it on each turn of a guided call; the filing submitted in such a turn records the channel and the
 * agent, and the consent as given orally to that agent.
 */
export interface TurnOperator {
  channel: 'hotline';
  /** The agent's account id (src/agents/). */
  agentId: string;
}

/** turnState key under which the hotline channel puts the TurnOperator of its turns. */
export const OPERATOR_KEY = Symbol.for('yidi-beian.turn.operator');

/** The operator of this turn, when an agent types for the person. */
export function operatorOf(context: TurnContext): TurnOperator | undefined {
  return context.turnState.get(OPERATOR_KEY) as TurnOperator | undefined;
}
