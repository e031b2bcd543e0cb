"""Mail for the reminders (``lipctl remind``): ``message.py`` builds the RFC 5322 message in the
recipient's language, ``transport.py`` delivers it through SMTP (implicit TLS, STARTTLS, a loopback relay).
"""
