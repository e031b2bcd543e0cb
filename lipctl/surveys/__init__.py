"""Reading survey exports: encodings, delimiters, physical line numbers, mapping profiles.

``reader`` opens a CSV file (BOM/encoding detection, delimiter sniffing, header) and streams its
records with their physical line numbers; ``profile`` loads a mapping profile (the built-in
``limesurvey``, ``decidim`` and ``spreadsheet`` ones, or a user's YAML file) and resolves it
against a file's header. The row rules are in lipctl.process.routing; storing is in
lipctl.services.surveys.
"""
