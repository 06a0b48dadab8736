/*
 * 异地就医备案助手 — the one-line embed for a government portal's own page (docs/embedding.md):
 *
 *   <div id="yidi-chat" style="height:40rem;max-width:48rem"></div>
 *   <script src="https://<bot>/embed.js" data-target="yidi-chat" data-locale="zh-CN" async></script>
 *
 * Served by the bot at /embed.js, with the page's words (public/web/strings/<locale>.json) filled in
 * below and public/web/conversation.js inlined. It loads Web Chat from the same bot, gets a token for a new conversation, and renders Web Chat
 * into the target element against the bot's Direct Line endpoint (its WebSocket stream; polling as a fallback). The conversation id and
 * token are kept in the portal's sessionStorage, so a reload continues the conversation with its history.
 * The portal's origin must be listed in the bot's WEB_ALLOWED_ORIGINS, or the browser blocks the calls.
 */
(function () {
  'use strict';

  var STRINGS = /*{{strings}}*/ null;

  /*{{conversation}}*/
  var script = document.currentScript;
  if (!script || !script.src) return;
  var BOT = new URL(script.src).origin;
  var locale = /^en/i.test(script.getAttribute('data-locale') || '') ? 'en-US' : 'zh-CN';
  var strings = (STRINGS && STRINGS[locale]) || {};

  function whenReady(then) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', then);
    else then();
  }

  whenReady(function () {
    var chatEl = document.getElementById(script.getAttribute('data-target') || 'yidi-chat');
    if (!chatEl) return;
    if (!chatEl.hasAttribute('aria-label') && strings.chatLabel) chatEl.setAttribute('aria-label', strings.chatLabel);
    if (!chatEl.hasAttribute('role')) chatEl.setAttribute('role', 'region');
    if (!chatEl.hasAttribute('lang')) chatEl.setAttribute('lang', locale);

    var statusEl = document.createElement('p');
    statusEl.className = 'yidi-chat-status';
    statusEl.setAttribute('role', 'status');
    statusEl.setAttribute('aria-live', 'polite');
    statusEl.setAttribute('lang', locale);
    chatEl.parentNode.insertBefore(statusEl, chatEl);

    function say(key) {
      statusEl.textContent = strings[key] || '';
    }

    function withWebChat(then, failed) {
      if (window.WebChat && window.WebChat.renderWebChat) return then();
      var bundle = document.createElement('script');
      bundle.src = BOT + '/webchat.js';
      bundle.async = true;
      bundle.onload = then;
      bundle.onerror = failed;
      document.head.appendChild(bundle);
    }

    function failed(problem) {
      say(yidiConversation.problemKey(problem));
    }

    say('loading');
    withWebChat(function () {
      yidiConversation
        .open({
          domain: BOT + '/v3/directline',
          storeKey: 'yidi.webchat.conversation@' + BOT,
          locale: locale,
          chatEl: chatEl,
          styleOptions: { hideUploadButton: true, accent: '#0b4f8a' },
          say: say,
          trouble: say,
          recovered: function () {
            say('');
          },
        })
        .catch(failed);
    }, failed);
  });
})();
