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
 * A human agent's line in the live handoff is shown as on the citizens' page (人工客服 and the agent's name
 * over a bubble of its own colour): the page's public/web/chat-ui.js is loaded from the bot too, and its
 * agentLines dress Web Chat (without it, agent lines still read "人工客服 <name>：…").
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

    /** Loads a script of the bot's (unless `present()` already): `then` once it ran, `failed` if it could not load. */
    function load(path, present, then, failed) {
      if (present()) return then();
      var script = document.createElement('script');
      script.src = BOT + path;
      script.async = true;
      script.onload = then;
      script.onerror = failed;
      document.head.appendChild(script);
    }

    /** Web Chat, and the page's agent lines beside it (loaded at the same time; the chat opens without them if they fail). */
    function withWebChat(then, failed) {
      var waiting = 2;
      var bundleFailed = false;
      function done() {
        if (--waiting > 0) return;
        if (bundleFailed) failed();
        else then();
      }
      load('/webchat.js', function () {
        return window.WebChat && window.WebChat.renderWebChat;
      }, done, function () {
        bundleFailed = true;
        done();
      });
      load('/web/chat-ui.js', function () {
        return window.yidiChatUi && window.yidiChatUi.agentLines;
      }, done, done);
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
          webChatProps: window.yidiChatUi && window.yidiChatUi.agentLines ? window.yidiChatUi.agentLines.props : undefined,
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
