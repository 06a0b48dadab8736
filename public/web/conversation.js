/*
 * One Web Chat conversation against the bot's own Direct Line endpoint (its WebSocket stream, falling
 * back to polling when a stream stalls), shared by the citizens' page
 * (/ loads it as /web/conversation.js) and the one-line portal embed (/embed.js has it inlined).
 *
 * The conversation id and token live in sessionStorage under `storeKey`, so a reload continues the same
 * conversation and replays its history; an expired one is replaced by a new one (`expiredBefore`), and
 * the token is refreshed while the page stays open. A refresh revokes the token it replaces, so the page
 * keeps a token of its own: each DirectLine gets its own from start or reconnect (and refreshes it by
 * itself), and the page never hands its token to a DirectLine for longer than that first call. What to
 * tell the person is left to the caller through `say(key)` (a key of public/web/strings/<locale>.json),
 * `trouble(key, keepConversation)` and `recovered()`.
 *
 * A watchdog keeps the conversation alive: botframework-directlinejs gives up for good on some failures
 * (a poll answered with anything but 200/403/404, FailedToConnect), silently. When the connection fails,
 * or nothing has arrived for a while and the server holds activities the page has not received, the
 * caller hears trouble('failed', true) while the server cannot be reached (trouble('unavailable', true)
 * while the server answers 503: its conversation store is away), and the conversation is reconnected (a
 * new DirectLine, Web Chat rendered again with the history replayed) as soon as it can be. A conversation
 * the server no longer has, after it had been there, ends with stop('lost').
 */
var yidiConversation = (function () {
  'use strict';

  var STATUS = { Online: 2, ExpiredToken: 3, FailedToConnect: 4, Ended: 5 };
  /** Watchdog timings (ms). Tests may shorten them through window.yidiConversationTimings. */
  var TIMINGS = {
    tick: 5000, // how often the watchdog looks
    quiet: 30000, // after this long with nothing received, ask the server whether anything was missed
    grace: 20000, // how long activities the server holds may stay undelivered (a WebSocket may be reconnecting)
    retryFirst: 5000, // first wait before trying to reach the server again, doubled up to retryMax
    retryMax: 30000,
  };

  function timings() {
    var given = typeof window !== 'undefined' && window.yidiConversationTimings;
    var result = {};
    for (var key in TIMINGS) result[key] = given && typeof given[key] === 'number' ? given[key] : TIMINGS[key];
    return result;
  }

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
      return fetch(domain + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, credentials: 'omit', cache: 'no-store' }).then(
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

  /** The position of an activity in its conversation ("<conversationId>|0000007" → 7), 0 when unknown. */
  function sequenceOf(activity) {
    var match = /\|(\d+)$/.exec((activity && activity.id) || '');
    return match ? Number(match[1]) : 0;
  }

  /**
   * Direct Line's reconnect: GET /conversations/:id gives a fresh token (and a streamUrl with a single-use
   * stream ticket) for a conversation that still lives. It does not revoke the token it was given; a
   * refresh does.
   */
  function reconnect(call, conversationId, token) {
    return call('GET', '/conversations/' + encodeURIComponent(conversationId) + '?watermark=', token);
  }

  /**
   * Opens (or resumes) the conversation and renders Web Chat into `options.chatEl`.
   * options: domain, storeKey, locale, chatEl, styleOptions, say(key), trouble(key, keepConversation),
   * recovered() (optional: the connection works again after trouble('failed')), webChatReady (optional:
   * a promise for window.WebChat, when the bundle is still loading), webChatProps(directLine) (optional:
   * more props for each rendering of Web Chat, e.g. a store and middleware).
   * Resolves with { retry(), conversationId, token() } once Web Chat is rendered; rejects with { status }
   * when no conversation could be had.
   */
  function open(options) {
    var store = sessionStore(options.storeKey);
    var call = client(options.domain);
    var time = timings();

    /** Reconnect to the saved conversation: null when it (or its token) can no longer be had. */
    function resume(saved) {
      return reconnect(call, saved.conversationId, saved.token).then(function (r) {
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

    /** Runs `step` again while the server answers 503 (its store is away), saying so meanwhile. */
    function patiently(step) {
      var wait = time.retryFirst;
      function once() {
        return step().catch(function (problem) {
          if (!problem || problem.status !== 503) throw problem;
          options.say('unavailable');
          var delay = wait;
          wait = Math.min(time.retryMax, wait * 2);
          return new Promise(function (resolve) {
            setTimeout(resolve, delay);
          }).then(once);
        });
      }
      return once();
    }

    var saved = store.load();
    var opening = patiently(function () {
      return saved
        ? resume(saved).then(function (conversation) {
            if (conversation) return conversation;
            store.forget();
            return fresh().then(function (replacement) {
              replacement.expiredBefore = true;
              return replacement;
            });
          })
        : fresh();
    });

    return opening.then(function (conversation) {
      store.save(conversation);
      options.say(conversation.expiredBefore ? 'expired' : '');
      return Promise.resolve(options.webChatReady).then(function () {
        return watch(conversation, options, store, call, time);
      });
    });
  }

  /** Runs the conversation's connection: Web Chat, token refresh, and the watchdog. */
  function watch(conversation, options, store, call, time) {
    var current = null; // { directLine, subscriptions, root }
    var seen = 0; // activities received, by position in the conversation
    var lastAlive = Date.now();
    var missing = null; // { upTo, since }: the server held activities not received yet
    var failing = false; // the key of the trouble being shown, or false
    var stopped = false;
    // Whether the server has had this conversation (a resumed one, or once Online or an activity came):
    // a conversation it then no longer has was lost; one it never had was not started yet (its start failed).
    var confirmed = conversation.resumed;
    var retryWait = time.retryFirst;
    var retryTimer = null;
    var started = conversation.resumed; // whether the conversation exists on the server
    // The WebSocket stream first (directlinejs's default); polling once a stream stalled (e.g. a proxy
    // that drops WebSocket upgrades).
    var polling = false;

    function alive() {
      lastAlive = Date.now();
      confirmed = true;
      if (failing) {
        failing = false;
        retryWait = time.retryFirst;
        if (options.recovered) options.recovered();
      }
    }

    function refresh() {
      return call('POST', '/tokens/refresh', conversation.token).then(function (r) {
        if (r.status !== 200) return false;
        conversation.token = r.data.token;
        store.save(conversation);
        return true;
      });
    }

    function stop(key) {
      stopped = true;
      clearTimeout(retryTimer);
      store.forget();
      options.trouble(key, false);
    }

    /** Renders Web Chat on a new DirectLine; after the first time it reconnects and replays the history. */
    function connect() {
      var directLineOptions = {
        domain: options.domain,
        token: conversation.token,
        conversationStartProperties: { locale: options.locale },
      };
      if (polling) {
        directLineOptions.webSocket = false;
        directLineOptions.pollingInterval = 1000;
      }
      if (started) {
        // Reconnect and replay the whole history: watermark from the start.
        directLineOptions.conversationId = conversation.conversationId;
        directLineOptions.watermark = '';
      }
      started = true;
      var directLine = window.WebChat.createDirectLine(directLineOptions);
      var root = document.createElement('div');
      root.className = 'yidi-webchat-root';
      root.style.height = '100%';
      var next = { directLine: directLine, subscriptions: [], root: root };
      next.subscriptions.push(
        directLine.connectionStatus$.subscribe({
          next: function (status) {
            if (current !== next) return;
            if (status === STATUS.Online) alive();
            else if (status === STATUS.ExpiredToken) {
              // The DirectLine's token was refused. Renew the page's own token, then give the DirectLine a
              // token of its own from a reconnect: a refresh revokes the token it replaces, so the page and
              // the DirectLine (which refreshes its token by itself) must never share one.
              renewed(function () {
                reconnect(call, conversation.conversationId, conversation.token)
                  .then(function (r) {
                    if (r.status === 200) directLine.reconnect({ conversationId: conversation.conversationId, token: r.data.token, streamUrl: r.data.streamUrl });
                    else trouble();
                  })
                  .catch(function () {
                    trouble();
                  });
              }).catch(function () {
                trouble();
              });
            } else if (status === STATUS.Ended) {
              // directlinejs ends when the server no longer has the conversation (404).
              if (confirmed) stop('lost');
              else stop('ended');
            } else if (status === STATUS.FailedToConnect) trouble();
          },
        }),
      );
      next.subscriptions.push(
        directLine.activity$.subscribe({
          next: function (activity) {
            if (current !== next) return;
            seen = Math.max(seen, sequenceOf(activity));
            if (missing && seen >= missing.upTo) missing = null;
            alive();
          },
          error: function () {},
        }),
      );
      var previous = current;
      current = next;
      seen = 0;
      missing = null;
      lastAlive = Date.now();
      if (previous) {
        previous.subscriptions.forEach(function (s) {
          s.unsubscribe();
        });
        try {
          previous.directLine.end();
        } catch (e) {
          /* already ended */
        }
        if (previous.root.parentNode) previous.root.parentNode.removeChild(previous.root);
      }
      while (options.chatEl.firstChild) options.chatEl.removeChild(options.chatEl.firstChild);
      options.chatEl.appendChild(root);
      var props = { directLine: directLine, locale: options.locale, styleOptions: options.styleOptions };
      if (options.webChatProps) {
        var more = options.webChatProps(directLine);
        for (var key in more) props[key] = more[key];
      }
      window.WebChat.renderWebChat(props, root);
    }

    /** The connection failed ('unavailable': the server's store is away): say so and try again (the server first, then a new DirectLine). */
    function trouble(key) {
      if (stopped) return;
      key = key || 'failed';
      if (failing !== key) {
        failing = key;
        options.trouble(key, true);
      }
      schedule();
    }

    /** The server does not have the conversation: lost if it had it, otherwise its start failed and is made again. */
    function missingOnServer() {
      if (confirmed) return stop('lost');
      started = false;
      connect();
    }

    function schedule() {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(attempt, retryWait);
      retryWait = Math.min(time.retryMax, retryWait * 2);
    }

    /** The token was refused: refresh it and go on with `then`, or tell the person the conversation expired. */
    function renewed(then) {
      return refresh().then(function (refreshed) {
        if (refreshed) then();
        else stop('expiredRestart');
      });
    }

    /** Reaches the server with the conversation's token; reconnects when it answers. */
    function attempt() {
      if (stopped) return;
      clearTimeout(retryTimer);
      reconnect(call, conversation.conversationId, conversation.token)
        .then(function (r) {
          if (r.status === 200) {
            conversation.token = r.data.token;
            store.save(conversation);
            connect();
            return;
          }
          if (r.status === 404) return missingOnServer();
          if (r.status === 401 || r.status === 403) return renewed(connect);
          trouble(r.status === 503 ? 'unavailable' : 'failed');
        })
        .catch(function () {
          trouble();
        });
    }

    /** Asks the server for what the page has not received: nothing means all is well. */
    function probe() {
      var asked = seen;
      call('GET', '/conversations/' + encodeURIComponent(conversation.conversationId) + '/activities?watermark=' + asked, conversation.token)
        .then(function (r) {
          if (r.status === 200) {
            var count = (r.data.activities || []).length;
            if (count === 0 || seen >= asked + count) {
              missing = null;
              alive();
            } else if (!missing) missing = { upTo: asked + count, since: Date.now() };
            return;
          }
          if (r.status === 404) return confirmed ? stop('lost') : attempt();
          if (r.status === 401 || r.status === 403) return renewed(attempt);
          if (r.status !== 429) trouble(r.status === 503 ? 'unavailable' : 'failed');
        })
        .catch(function () {
          trouble();
        });
    }

    var ticker = setInterval(function () {
      if (stopped) return clearInterval(ticker);
      if (failing) return;
      if (missing && Date.now() - missing.since >= time.grace) {
        // The server holds activities this DirectLine has not delivered: it has stopped. Start another,
        // polling from now on.
        missing = null;
        polling = true;
        attempt();
      } else if (Date.now() - lastAlive >= time.quiet) {
        lastAlive = Date.now();
        probe();
      }
    }, time.tick);

    // Keeps the saved token valid while the page is open, so a reload can still reconnect.
    var every = Math.max(60, Math.floor((conversation.expiresIn || 1800) / 2)) * 1000;
    setInterval(function () {
      if (!stopped) refresh().catch(function () {});
    }, every);

    connect();
    return {
      conversationId: conversation.conversationId,
      /** The conversation's current token (for the page's own calls, e.g. a receipt link). */
      token: function () {
        return conversation.token;
      },
      /** Try again now (the page's retry button). */
      retry: function () {
        if (stopped) return false;
        retryWait = time.retryFirst;
        attempt();
        return true;
      },
    };
  }

  /** The words for a failure to open: 'busy' when rate limited, 'unavailable' when the server's store is away, 'failed' otherwise. */
  function problemKey(problem) {
    return problem && problem.status === 429 ? 'busy' : problem && problem.status === 503 ? 'unavailable' : 'failed';
  }

  /** Forgets the conversation kept under `storeKey`: the next open() starts a new one. */
  function forget(storeKey) {
    sessionStore(storeKey).forget();
  }

  return { open: open, forget: forget, problemKey: problemKey };
})();
