import type { Locale, Texts } from '../content/texts.js';
import type { RegionProfile } from '../domain/profile.js';
import { durationText } from '../content/natural.js';
import type { DocumentView } from './document.js';

export interface PrivacyFacts {
  /** The profile of the region whose agency runs the service (DEFAULT_REGION). */
  profile: RegionProfile;
  texts: Texts;
  /** How long a conversation's state and activities live after its last message (STATE_TTL_CONVERSATION_SECONDS). */
  conversationTtlSeconds: number;
  /** How long a receipt link stays valid. */
  receiptLinkTtlSeconds: number;
}

/**
 * The privacy notice (/privacy): who holds the data, what for, how long each part is kept, and how to
 * withdraw consent and have data deleted — worded from content/locales/<locale>/pages.json, the region
 * profile (agency, hotline and its hours, filing retention) and the configuration (lifetimes).
 */
export function privacyNotice(locale: Locale, facts: PrivacyFacts): DocumentView {
  const { profile, texts } = facts;
  const params = {
    agency: profile.agency.value[locale],
    hotline: profile.hotline.value,
    hours: profile.hotlineHours.value[locale],
    filingRetention: profile.filingRetention.value[locale],
    conversationTtl: durationText(texts, locale, facts.conversationTtlSeconds),
    receiptTtl: durationText(texts, locale, facts.receiptLinkTtlSeconds),
    startOver: texts.t(locale, 'commands.cancel.label'),
  };
  const t = (key: string) => texts.t(locale, `pages.privacy.${key}`, params);
  return {
    locale,
    title: t('title'),
    lead: t('lead'),
    sections: [
      { heading: t('holderHeading'), paragraphs: [t('holder')] },
      { heading: t('purposeHeading'), paragraphs: [t('purpose')] },
      { heading: t('keptHeading'), items: [t('keptConversation'), t('keptFiling'), t('keptReceipt'), t('keptLogs')] },
      { heading: t('rightsHeading'), items: [t('rightsBefore'), t('rightsAfter')] },
    ],
    controls: { back: texts.t(locale, 'pages.back') },
  };
}
