/*
 * GraphiQL bootstrap for the edge gateway (served at /static/graphiql/).
 * Loaded as a separate file so the page works under a strict CSP
 * (script-src 'self'; no inline scripts).
 *
 *  - Queries / mutations: HTTP POST to  location.origin + '/graphql'
 *    (GraphiQL.createFetcher; headers from GraphiQL's Headers tab are sent
 *    as HTTP request headers, e.g. Authorization).
 *  - Subscriptions: WebSocket ws(s)://<same host>/graphql using the
 *    graphql-transport-ws protocol (graphql-ws client). The Headers tab JSON
 *    is sent as the connection_init payload (connectionParams).
 */
(function () {
  'use strict';

  var HTTP_URL = window.location.origin + '/graphql';
  var WS_URL =
    (window.location.protocol === 'https:' ? 'wss://' : 'ws://') +
    window.location.host +
    '/graphql';

  var DEFAULT_QUERY = [
    '# Edge gateway API. Auth: see the note above.',
    '{',
    '  cameras(first: 10) {',
    '    edges {',
    '      node {',
    '        id',
    '        name',
    '        status',
    '      }',
    '    }',
    '  }',
    '}',
    ''
  ].join('\n');

  var root = document.getElementById('graphiql');

  function fail(msg) {
    root.textContent = msg;
    if (window.console) console.error(msg);
  }

  if (!window.React || !window.ReactDOM || !window.GraphiQL || !window.graphqlWs) {
    fail('GraphiQL assets failed to load (React, ReactDOM, GraphiQL or graphql-ws missing).');
    return;
  }

  // --- HTTP: GraphiQL's own fetcher (merges Headers-tab headers per request).
  var httpFetcher = window.GraphiQL.createFetcher({ url: HTTP_URL });

  // --- WebSocket: one graphql-ws client per distinct headers object.
  // connection_init is sent once per socket, so when the Headers tab changes
  // we open a new client (and dispose the old one) to re-authenticate.
  var ws = { key: null, client: null };

  function wsClientFor(headers) {
    var params = headers || {};
    var key = JSON.stringify(params);
    if (ws.client && ws.key === key) return ws.client;
    if (ws.client) {
      try { ws.client.dispose(); } catch (e) { /* ignore */ }
    }
    ws.key = key;
    ws.client = window.graphqlWs.createClient({
      url: WS_URL, // graphql-ws always speaks 'graphql-transport-ws'
      lazy: true,
      connectionParams: function () { return params; },
      retryAttempts: 0
    });
    return ws.client;
  }

  // Same logic as @graphiql/toolkit's isSubscriptionWithName, without graphql.js.
  function isSubscription(documentAST, operationName) {
    if (!documentAST || !documentAST.definitions) return false;
    var ops = documentAST.definitions.filter(function (d) {
      return d.kind === 'OperationDefinition';
    });
    var op = null;
    if (operationName) {
      op = ops.filter(function (d) { return d.name && d.name.value === operationName; })[0];
    } else if (ops.length === 1) {
      op = ops[0];
    }
    return !!op && op.operation === 'subscription';
  }

  function toError(err) {
    if (typeof CloseEvent !== 'undefined' && err instanceof CloseEvent) {
      return new Error('WebSocket closed (code ' + err.code + (err.reason ? ': ' + err.reason : '') + ')');
    }
    if (typeof Event !== 'undefined' && err instanceof Event) {
      return new Error('WebSocket connection error (' + WS_URL + ')');
    }
    return err; // Error, or array of GraphQL errors from an "error" message
  }

  function subscriptionFetcher(params, headers) {
    var client = wsClientFor(headers);
    // Observable understood by GraphiQL (subscribe -> { unsubscribe }).
    return {
      subscribe: function (observer) {
        var dispose = client.subscribe(params, {
          next: function (value) { observer.next(value); },
          error: function (err) { observer.error(toError(err)); },
          complete: function () { observer.complete(); }
        });
        return { unsubscribe: dispose };
      }
    };
  }

  function fetcher(graphQLParams, opts) {
    var headers = (opts && opts.headers) || {};
    if (isSubscription(opts && opts.documentAST, graphQLParams.operationName)) {
      return subscriptionFetcher(graphQLParams, headers);
    }
    return httpFetcher(graphQLParams, opts);
  }

  window.ReactDOM.createRoot(root).render(
    window.React.createElement(window.GraphiQL, {
      fetcher: fetcher,
      defaultQuery: DEFAULT_QUERY,
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false // access tokens are not stored in localStorage
    })
  );
})();
