"""Authentication: session + CSRF token, HTTP Basic, API keys, bearer tokens, and the Drupal 7
password hashers."""
