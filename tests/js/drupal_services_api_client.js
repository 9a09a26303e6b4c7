// Drives the npm package `drupal-services-api` (a third-party Drupal 7 Services client)
// against a live server: login, retrieve the logged-in user, logout. Prints one JSON object.
// Usage: NODE_PATH=<prefix>/node_modules node drupal_services_api_client.js <endpoint-url> <user> <pass>
'use strict';

var Drupal = require('drupal-services-api');

var endpoint = process.argv[2];
var username = process.argv[3];
var password = process.argv[4];
var drupal = new Drupal(endpoint);
var out = {};

function fail(step) {
  return function (err) {
    out.error = {
      step: step,
      statusCode: err && err.statusCode,
      message: String(err && (err.message || err))
    };
    console.log(JSON.stringify(out));
    process.exit(1);
  };
}

drupal.login(username, password)
  .then(function (reply) {
    out.login = reply;
    out.cookie = drupal._cookie;
    out.csrfToken = drupal._csrfToken;
    out.isLoggedIn = drupal.isLoggedIn();
    return drupal.user.retrieve(reply.user.uid);
  }, fail('login'))
  .then(function (user) {
    out.retrieve = user;
    return drupal.logout();
  }, fail('retrieve'))
  .then(function (result) {
    out.logout = result;
    out.isLoggedInAfterLogout = drupal.isLoggedIn();
    console.log(JSON.stringify(out));
  }, fail('logout'));
