"""Wire formats: renderers (JSON, Drupal XML, JSONP, YAML, browsable) and body parsers
(PHP bracket form, JSON, multipart, XML)."""
