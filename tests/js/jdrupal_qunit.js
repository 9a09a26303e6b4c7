// Runs jDrupal's own QUnit suite (tests/js/jdrupal/tests/*.test.js, jDrupal 7.x-1.x) against a
// live server, as its tests.html does in a browser: jsdom provides the window, the cookie jar
// and XMLHttpRequest (same origin as the server), QUnit 1.x the asyncTest/start/expect/ok API.
// Flow of tests.html: system_connect, user_login, then test_services_system() and
// test_services_user(name, pass), which chains node, comment, vocabulary and term tests.
// Prints one JSON object: {finished, tests: [{name, passed, failed, failures}], total, failed}.
// Usage: NODE_PATH=<prefix>/node_modules node jdrupal_qunit.js <site> <endpoint> <user> <pass>
'use strict';

var fs = require('fs');
var path = require('path');
var jsdom = require('jsdom');

var site = process.argv[2];
var endpoint = process.argv[3];
var username = process.argv[4];
var password = process.argv[5];
var here = path.join(__dirname, 'jdrupal');
var TEST_FILES = [
  'services.comment.test.js',
  'services.node.test.js',
  'services.system.test.js',
  'services.taxonomy_term.test.js',
  'services.taxonomy_vocabulary.test.js',
  'services.user.test.js'
];

var virtualConsole = new jsdom.VirtualConsole();
var logs = [];
function remember(text) {
  logs.push(text);
  if (process.env.JDRUPAL_DEBUG) { console.error(text); }
}
virtualConsole.on('log', function (msg) { remember(String(msg)); });
virtualConsole.on('error', function (msg) { remember('error: ' + String(msg)); });
virtualConsole.on('jsdomError', function (err) { remember('jsdomError: ' + String(err && (err.stack || err))); });

var dom = new jsdom.JSDOM(
  '<!DOCTYPE html><html><body><div id="qunit"></div><div id="qunit-fixture"></div></body></html>',
  { url: site + '/', runScripts: 'outside-only', virtualConsole: virtualConsole }
);
var window = dom.window;
window.scrollTo = function () {};  // QUnit scrolls at the end; jsdom does not implement it

function load(file) {
  window.eval(fs.readFileSync(file, 'utf8') + '\n//# sourceURL=' + path.basename(file));
}

load(require.resolve('qunitjs/qunit/qunit.js'));
var QUnit = window.QUnit;
QUnit.config.autostart = false;
QUnit.config.testTimeout = 15000;  // a test whose callback never comes fails instead of hanging
load(path.join(here, 'jdrupal.js'));
TEST_FILES.forEach(function (name) { load(path.join(here, 'tests', name)); });

var out = { finished: false, tests: [], total: 0, failed: 0 };
var current = null;
QUnit.testStart(function (details) {
  clearTimeout(idle);
  current = { name: details.name, passed: 0, failed: 0, failures: [] };
});
QUnit.log(function (details) {
  if (!current) { return; }
  if (details.result) { current.passed++; }
  else {
    current.failed++;
    current.failures.push(String(details.message || '') +
      (details.actual !== undefined ? ' actual=' + JSON.stringify(details.actual) : ''));
  }
});
QUnit.testDone(function (details) {
  if (current) { out.tests.push(current); }
  out.total += details.total;
  out.failed += details.failed;
  current = null;
});

var timer = setTimeout(function () { report('overall timeout'); }, 240000);
var reported = false;
function report(reason) {
  if (reported) { return; }
  reported = true;
  clearTimeout(timer);
  out.reason = reason;
  out.logs = logs.slice(-40);
  console.log(JSON.stringify(out));
  window.close();
  process.exit(out.finished && out.failed === 0 ? 0 : 1);
}

// done fires whenever the queue drains: at the end of the chain (the callback below sets
// finished), or when a test broke the chain (an exception in a callback); then no test starts
// again and the run is reported as stopped.
var idle = null;
QUnit.done(function () {
  if (out.finished) { setTimeout(function () { report('done'); }, 0); return; }
  clearTimeout(idle);
  idle = setTimeout(function () { report('stopped after ' + out.tests.length + ' tests'); }, 5000);
});

window.jDrupal.settings.site_path = site;
window.jDrupal.settings.endpoint = endpoint;
QUnit.load();
window.system_connect({
  success: function () {
    window.user_login(username, password, {
      success: function () {
        QUnit.start();
        window.test_services_system();
        window.test_services_user(username, password, function () { out.finished = true; });
      },
      error: function (xhr, status, message) { logs.push('login: ' + message); report('login failed'); }
    });
  },
  error: function (xhr, status, message) { logs.push('connect: ' + message); report('connect failed'); }
});
