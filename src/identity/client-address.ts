/**
 * turnState key: the client address a turn's request came from (as the channel's rate limits read it, behind
 * WEB_TRUST_PROXY proxies), when the channel knows it. The identity check counts failed attempts per address.
 */
export const CLIENT_ADDRESS_KEY = 'clientAddress';
