/*
 * One Web Chat conversation against the bot's own Direct Line endpoint (polling), shared by the citizens'
 * page (/ loads it as /web/conversation.js) and the one-line portal embed (/embed.js has it inlined).
 *
 * The conversation id and token live in sessionStorage under `storeKey`, so a reload continues the same
 * conversation and replays its history; an expired one is replaced by a new one (`expiredBefore`), and
 * the token is refreshed while the page stays open. What to tell the person is left to the caller through
 * `say(key)` (a key of public/web/strings/<locale>.json) and `trouble(key, keepConversation)`.
 */
var yidiConversation = (function () {
  'use strict';

  var STATUS = { ExpiredToken: 3, FailedToConnect: 4, Ended: 5 };

  function sessionStore(storeKey) {
    return {
      load: function () {
        try {
          var saved = JSON.parse(sessionStorage.getItem(storeKey) || 'null');
          return saved && typeof saved.conversationId === 'string' && typeof saved.token === 'string' ? saved : null;
        } catch (e) {
          return null;
        }
      },
      save: function (conversation) {
        try {
          sessionStorage.setItem(storeKey, JSON.stringify({ conversationId: conversation.conversationId, token: conversation.token }));
        } catch (e) {
          /* private mode: the conversation simply does not survive a reload */
        }
      },
      forget: function () {
        try {
          sessionStorage.removeItem(storeKey);
        } catch (e) {
          /* nothing kept */
        }
      },
    };
  }

  function client(domain) {
    return function call(method, path, token, body) {
      var headers = { Accept: 'application/json' };
      if (token) headers.Authorization = 'Bearer ' + token;
      if (body) headers['Content-Type'] = 'application/json';
      return fetch(domain + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, credentials: 'omit' }).then(
        function (response) {
          return response
            .json()
            .catch(function () {
              return {};
            })
            .then(function (data) {
              return { status: response.status, data: data };
            });
        },
      );
    };
  }

  /**
   * Opens (or resumes) the conversation and renders Web Chat into `options.chatEl`.
   * options: domain, storeKey, locale, chatEl, styleOptions, say(key), trouble(key, keepConversation).
   * Resolves once Web Chat is rendered; rejects with { status } when no conversation could be had.
   */
  function open(options) {
    var store = sessionStore(options.storeKey);
    var call = client(options.domain);

    /** Reconnect to the saved conversation: null when it (or its token) has expired. */
    function resume(saved) {
      return call('GET', '/conversations/' + encodeURIComponent(saved.conversationId) + '?watermark=', saved.token).then(function (r) {
        if (r.status === 200) return { conversationId: saved.conversationId, token: r.data.token, expiresIn: r.data.expires_in, resumed: true };
        if (r.status === 401 || r.status === 403 || r.status === 404) return null;
        throw r;
      });
    }

    /** A token for a new conversation; the bot greets when Web Chat opens it. */
    function fresh() {
      return call('POST', '/tokens/generate', null, { locale: options.locale }).then(function (r) {
        if (r.status === 200) return { conversationId: r.data.conversationId, token: r.data.token, expiresIn: r.data.expires_in, resumed: false };
        throw r;
      });
    }

    /** Keeps the saved token valid while the page is open, so a reload can still reconnect. */
    function keepFresh(conversation, directLine) {
      var every = Math.max(60, Math.floor((conversation.expiresIn || 1800) / 2)) * 1000;
      function refresh() {
        return call('POST', '/tokens/refresh', conversation.token).then(function (r) {
          if (r.status !== 200) return false;
          conversation.token = r.data.token;
          store.save(conversation);
          return true;
        });
      }
      setInterval(function () {
        refresh().catch(function () {});
      }, every);
      directLine.connectionStatus$.subscribe({
        next: function (status) {
          if (status === STATUS.ExpiredToken) {
            refresh()
              .then(function (refreshed) {
                if (refreshed) directLine.reconnect({ token: conversation.token });
                else {
                  store.forget();
                  options.trouble('expired', false);
                }
              })
              .catch(function () {});
          } else if (status === STATUS.Ended) {
            store.forget();
            options.trouble('ended', false);
          } else if (status === STATUS.FailedToConnect) {
            options.trouble('failed', true);
          }
        },
      });
    }

    var saved = store.load();
    var opening = saved
      ? resume(saved).then(function (conversation) {
          if (conversation) return conversation;
          store.forget();
          return fresh().then(function (replacement) {
            replacement.expiredBefore = true;
            return replacement;
          });
        })
      : fresh();

    return opening.then(function (conversation) {
      store.save(conversation);
      options.say(conversation.expiredBefore ? 'expired' : '');
      var directLineOptions = {
        domain: options.domain,
        token: conversation.token,
        webSocket: false,
        pollingInterval: 1000,
        conversationStartProperties: { locale: options.locale },
      };
      if (conversation.resumed) {
        // Reconnect and replay the whole history: watermark from the start.
        directLineOptions.conversationId = conversation.conversationId;
        directLineOptions.watermark = '';
      }
      var directLine = window.WebChat.createDirectLine(directLineOptions);
      keepFresh(conversation, directLine);
      window.WebChat.renderWebChat({ directLine: directLine, locale: options.locale, styleOptions: options.styleOptions }, options.chatEl);
    });
  }

  /** The words for a failure to open: 'busy' when rate limited, 'failed' otherwise. */
  function problemKey(problem) {
    return problem && problem.status === 429 ? 'busy' : 'failed';
  }

  return { open: open, problemKey: problemKey };
})();
