"""Reading a document: bytes → decoded text (any Japanese encoding, or a PDF's text layer),
normalized lines, pages, sections; the one number parser and the dates."""
