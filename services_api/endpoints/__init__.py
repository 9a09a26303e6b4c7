"""Endpoint configuration: the cached snapshot the server reads, export/import as plain data,
Drupal export parsing, and the signals that publish a new configuration version."""
